package loadsim

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"
)

// failover runs a run's faults and measures around them: the server's CPU
// every second (from pid files, as replicas come and go) and, through the
// runner's recovery book, how long each dropped socket took to come back.
type failover struct {
	r     *runner
	start time.Time // of the run: the origin of every time reported

	faultsDone chan struct{}
	events     []FaultEvent

	cpuStop context.CancelFunc
	cpuWG   sync.WaitGroup
	mu      sync.Mutex
	meter   cpuMeter
	cpuSecs float64 // integral of cores over time
	cpuFrom time.Time

	recovery RecoveryResult
}

// startFailover starts the faults (scheduled from now, the start of the
// steady phase, while sched lasts) and the CPU sampler. It returns nil when
// the run has neither faults nor pid files.
func (r *runner) startFailover(ctx, sched context.Context, start time.Time) *failover {
	cfg := r.cfg
	if len(cfg.Faults) == 0 && cfg.ServerPIDFiles == "" {
		return nil
	}
	f := &failover{r: r, start: start, faultsDone: make(chan struct{})}
	steady := time.Now()
	go func() {
		defer close(f.faultsDone)
		f.events = runFaults(sched, ctx, cfg.Faults, steady, start, func(line string) { fmt.Fprintln(cfg.Log, line) })
	}()
	if cfg.ServerPIDFiles != "" {
		cpuCtx, cancel := context.WithCancel(ctx)
		f.cpuStop = cancel
		f.sampleCPU(time.Now())
		f.cpuWG.Add(1)
		go func() {
			defer f.cpuWG.Done()
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-cpuCtx.Done():
					return
				case now := <-t.C:
					f.sampleCPU(now)
				}
			}
		}()
	}
	return f
}

func (f *failover) sampleCPU(now time.Time) {
	cpu := procCPU(pidsFromFiles(f.r.cfg.ServerPIDFiles))
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.meter.at
	cores := f.meter.observe(now, cpu)
	if prev.IsZero() {
		f.cpuFrom = now
		return
	}
	f.cpuSecs += cores * now.Sub(prev).Seconds()
}

// waitFaults returns when every fault has run or been given up.
func (f *failover) waitFaults() {
	if f != nil {
		<-f.faultsDone
	}
}

// judgeRecovery freezes the recovery book: a socket not back by now (the
// end of the drain, before the final resume stops reconnects) never
// recovered.
func (f *failover) judgeRecovery() {
	if f != nil {
		f.recovery = f.r.book.result(f.events, f.start)
	}
}

// stop ends the CPU sampler.
func (f *failover) stop() {
	if f != nil && f.cpuStop != nil {
		f.cpuStop()
		f.cpuWG.Wait()
	}
}

// FailoverResult is what a run with faults reports beside the usual
// counts: the faults' timeline, how the sockets recovered, the sends the
// server refused for a moment (and that were retried), the server's CPU.
type FailoverResult struct {
	Faults   []FaultEvent   `json:"faults"`
	Recovery RecoveryResult `json:"recovery"`
	// SendRefusals counts send refusals by code (unavailable,
	// rate_limited); each was retried with its client id, none is a loss.
	SendRefusals map[string]int64 `json:"send_refusals"`
	Reconnects   int64            `json:"unplanned_reconnects"`
	// SurvivorDelivery is the delivery latency of the sockets that never
	// dropped; SurvivorSLO its p99 bound in ms (0: unchecked).
	SurvivorDelivery LatencySummary `json:"survivor_delivery"`
	SurvivorSLO      float64        `json:"survivor_slo_p99_ms"`
	PeakCPUCores     float64        `json:"peak_server_cpu_cores"` // over 1 s samples; -1 unknown
	MeanCPUCores     float64        `json:"mean_server_cpu_cores"`
	OwnReads         *OwnReadResult `json:"own_reads,omitempty"`
	// FaultErrors lists faults that failed or never ran: the disturbance
	// did not take place as planned.
	FaultErrors []string `json:"fault_errors,omitempty"`
}

// result completes the report; call it after the sockets have stopped.
func (f *failover) result() *FailoverResult {
	if f == nil {
		return nil
	}
	r := f.r
	out := &FailoverResult{Faults: f.events, Recovery: f.recovery, Reconnects: r.ws.Drops.Load(),
		PeakCPUCores: -1, MeanCPUCores: -1,
		SurvivorDelivery: r.ledger.Survivors.Snapshot().Summary(),
		SurvivorSLO:      float64(r.cfg.SLO.SurvivorP99) / float64(time.Millisecond)}
	r.ws.mu.Lock()
	out.SendRefusals = maps.Clone(r.ws.sendRefusals)
	r.ws.mu.Unlock()
	if out.SendRefusals == nil {
		out.SendRefusals = map[string]int64{}
	}
	f.mu.Lock()
	if !f.cpuFrom.IsZero() {
		out.PeakCPUCores = round3(f.meter.peak)
		if dt := f.meter.at.Sub(f.cpuFrom).Seconds(); dt > 0 {
			out.MeanCPUCores = round3(f.cpuSecs / dt)
		}
	}
	f.mu.Unlock()
	if r.own != nil {
		o := r.own.result()
		out.OwnReads = &o
	}
	for _, e := range f.events {
		if e.ExitStatus != 0 {
			out.FaultErrors = append(out.FaultErrors, fmt.Sprintf("fault %q: exit %d: %s", e.Cmd, e.ExitStatus, e.Output))
		}
	}
	return out
}

// failures are the failover verdicts that fail a run.
func (f *FailoverResult) failures() []string {
	var out []string
	if n := f.Recovery.Unrecovered; n > 0 {
		out = append(out, fmt.Sprintf("%d sockets never recovered after an unplanned disconnect", n))
	}
	if f.SurvivorSLO > 0 && f.SurvivorDelivery.P99 > f.SurvivorSLO {
		out = append(out, fmt.Sprintf("survivors' delivery p99 %.1f ms > %.0f ms", f.SurvivorDelivery.P99, f.SurvivorSLO))
	}
	return append(out, f.FaultErrors...)
}

// FailoverSummary is the failover report as a few plain lines, for stdout.
func (r *Result) FailoverSummary() string {
	f := r.Failover
	if f == nil {
		return ""
	}
	var b strings.Builder
	m := r.Messages
	fmt.Fprintf(&b, "sent %d, acked %d, delivered %d, lost %d, duplicated %d, out of order %d, unacked %d, refused for good %d\n",
		m.Sent, m.Acked, m.Delivered, m.Lost, m.Duplicated, m.OutOfOrder, m.Unacked, m.SendErrors)
	fmt.Fprintf(&b, "send refusals retried: unavailable %d, rate_limited %d\n", f.SendRefusals["unavailable"], f.SendRefusals["rate_limited"])
	rc := f.Recovery
	fmt.Fprintf(&b, "unplanned reconnects %d; time to recover p50 %.2fs, p99 %.2fs, max %.2fs; %d of %d drops never recovered\n",
		f.Reconnects, rc.P50Sec, rc.P99Sec, rc.MaxSec, rc.Unrecovered, rc.Drops)
	sd := f.SurvivorDelivery
	fmt.Fprintf(&b, "survivors (sockets that never dropped): delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d deliveries\n", sd.P50, sd.P99, sd.Max, sd.Count)
	fmt.Fprintf(&b, "server CPU: peak %s cores (1 s samples), mean %s\n", cores(f.PeakCPUCores), cores(f.MeanCPUCores))
	if o := f.OwnReads; o != nil {
		fmt.Fprintf(&b, "read-your-writes: %d checks, %d missing own message, %d errors, %d skipped\n", o.Checks, o.Missing, o.Errors, o.Skipped)
	}
	for _, e := range f.Faults {
		fmt.Fprintf(&b, "fault %6.1fs–%6.1fs exit %d: %s\n", e.StartSec, e.EndSec, e.ExitStatus, e.Cmd)
	}
	for _, w := range rc.Windows {
		name := w.Fault
		if name == "" {
			name = "(before any fault)"
		}
		if w.Drops == 0 {
			fmt.Fprintf(&b, "window %s: no socket dropped\n", name)
			continue
		}
		rec := "never all recovered"
		if w.RecoverSec >= 0 {
			rec = fmt.Sprintf("all back %.2fs after the first drop", w.RecoverSec)
		}
		fmt.Fprintf(&b, "window %s: %d drops from %.1fs, %d unrecovered, %s\n", name, w.Drops, w.FirstDropSec, w.Unrecovered, rec)
	}
	return b.String()
}

func cores(v float64) string {
	if v < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.2f", v)
}
