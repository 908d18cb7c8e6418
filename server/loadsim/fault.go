package loadsim

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// Fault is one scheduled disturbance: a shell command run At after the
// steady phase begins (the replicas, Valkey or PostgreSQL being killed,
// stopped or restarted by the scenario's own scripts).
type Fault struct {
	At  time.Duration
	Cmd string
}

// ParseFault reads "<duration>:<command>", e.g. "20s:scripts/cluster kill 2".
func ParseFault(s string) (Fault, error) {
	at, cmd, ok := strings.Cut(s, ":")
	if !ok {
		return Fault{}, fmt.Errorf("fault %q: want <duration>:<command>", s)
	}
	d, err := time.ParseDuration(strings.TrimSpace(at))
	if err != nil {
		return Fault{}, fmt.Errorf("fault %q: time: %w", s, err)
	}
	if d < 0 {
		return Fault{}, fmt.Errorf("fault %q: time must not be negative", s)
	}
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return Fault{}, fmt.Errorf("fault %q: empty command", s)
	}
	return Fault{At: d, Cmd: cmd}, nil
}

// FaultEvent is what happened to one fault: when its command ran,
// relative to the start of the run, and how it ended.
type FaultEvent struct {
	Cmd        string  `json:"cmd"`
	StartSec   float64 `json:"start_s"`
	EndSec     float64 `json:"end_s"`
	ExitStatus int     `json:"exit_status"` // -1: not run (the run ended first) or could not start
	Output     string  `json:"output,omitempty"`

	start, end time.Time
}

// runFaults runs the faults in the order of their times, one at a time
// (a fault still running delays the next), from steady on, and returns
// what happened to each. It stops starting faults when sched ends; a
// command under way runs on until ctx ends. log hears a line per fault.
func runFaults(sched, ctx context.Context, faults []Fault, steady, runStart time.Time, log func(string)) []FaultEvent {
	faults = slices.Clone(faults)
	slices.SortStableFunc(faults, func(a, b Fault) int { return int(a.At - b.At) })
	out := make([]FaultEvent, 0, len(faults))
	for _, f := range faults {
		ev := FaultEvent{Cmd: f.Cmd, ExitStatus: -1}
		if d := time.Until(steady.Add(f.At)); sched.Err() != nil || (d > 0 && !sleepCtx(sched, d)) {
			ev.Output = "not run: the steady phase ended first"
			out = append(out, ev)
			continue
		}
		ev.start = time.Now()
		log(fmt.Sprintf("fault at %.1fs: %s", ev.start.Sub(runStart).Seconds(), f.Cmd))
		cmd := exec.CommandContext(ctx, "bash", "-c", f.Cmd)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		ev.end = time.Now()
		ev.ExitStatus = cmd.ProcessState.ExitCode()
		if cmd.ProcessState == nil || err != nil && ev.ExitStatus == 0 {
			ev.ExitStatus = -1
		}
		ev.Output = tailString(buf.String(), 600)
		ev.StartSec = round3(ev.start.Sub(runStart).Seconds())
		ev.EndSec = round3(ev.end.Sub(runStart).Seconds())
		log(fmt.Sprintf("fault done in %.1fs (exit %d): %s", ev.end.Sub(ev.start).Seconds(), ev.ExitStatus, f.Cmd))
		out = append(out, ev)
	}
	return out
}

func tailString(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
