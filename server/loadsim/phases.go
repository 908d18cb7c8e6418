package loadsim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley/server/stats"
)

// execute runs the phases: ramp, steady (or search), drain, final resume,
// verdict. The ramp and steady phases stop early enough before the hard
// bound to leave time for the drain and the final resume.
func (r *runner) execute(ctx context.Context) (*Result, error) {
	cfg := r.cfg
	start := time.Now()
	sockCtx, sockCancel := context.WithCancel(ctx)
	defer sockCancel()
	r.sockCtx = sockCtx
	actCtx, actCancel := context.WithCancel(ctx)
	defer actCancel()
	reserve := cfg.Drain + 25*time.Second
	phaseCtx, phaseCancel := context.WithTimeout(ctx, max(cfg.MaxTime-reserve, cfg.MaxTime/2))
	defer phaseCancel()

	before := r.sampler.sample(ctx)
	prog := newProgress(r, before)
	progCtx, progCancel := context.WithCancel(ctx)
	var progWG sync.WaitGroup
	progWG.Add(1)
	go func() {
		defer progWG.Done()
		prog.loop(progCtx, start)
	}()

	r.startUsers(phaseCtx, actCtx, 0, cfg.Users)
	close(r.steady)
	fo := r.startFailover(ctx, phaseCtx, start)
	defer fo.stop()
	rx := r.startReactionStorm(phaseCtx)
	s1 := r.sampler.sample(ctx)
	box1 := sampleBox()
	c1 := r.ledger.Counts()
	win := r.snapshots()
	self1, _, _ := procStat(os.Getpid())
	r.mu.Lock()
	ready, failed := r.ready, r.setupFailed
	r.mu.Unlock()
	fmt.Fprintf(cfg.Log, "ramp done in %.1fs: %d users ready, %d failed\n", time.Since(start).Seconds(), ready, failed)

	var profile []byte
	var profWG sync.WaitGroup
	if cfg.ProfileCPU > 0 {
		profWG.Add(1)
		go func() {
			defer profWG.Done()
			profile = fetchProfile(phaseCtx, r.clients[0], cfg.PprofURL, cfg.ProfileCPU)
		}()
	}

	var soak []SoakSample
	soakCtx, soakCancel := context.WithCancel(phaseCtx)
	defer soakCancel()
	var soakWG sync.WaitGroup
	if cfg.Soak.Every > 0 {
		soakWG.Add(1)
		go func() {
			defer soakWG.Done()
			soak = r.soakLoop(soakCtx, s1.At)
		}()
	}

	var search *SearchResult
	switch {
	case ready == 0:
		// Nothing to measure: say so now rather than after the duration.
	case cfg.Search:
		search = r.search(phaseCtx, actCtx)
	default:
		sleepCtx(phaseCtx, cfg.Duration)
	}
	fo.waitFaults()
	rxResult := rx.result()
	soakCancel()
	soakWG.Wait()
	s2 := r.sampler.sample(ctx)
	box2 := sampleBox()
	c2 := r.ledger.Counts()
	self2, selfRSS, _ := procStat(os.Getpid())
	connected := r.ws.Connected.Load()
	profWG.Wait()

	actCancel()
	r.actions.Wait()
	r.drain(ctx)
	fo.judgeRecovery()
	verified := r.finalResume(ctx)
	sockCancel()
	r.sockets.Wait()
	r.own.wait()
	fo.stop()
	progCancel()
	progWG.Wait()
	fmt.Fprintf(cfg.Log, "final resume: %d sockets verified\n", verified)

	res := &Result{
		Name: cfg.Name, Target: cfg.Target, Profile: cfg.Profile, RoomSizes: cfg.RoomSizes,
		StartedAt: start.UTC(), TotalSeconds: round3(time.Since(start).Seconds()),
		Search: search,
	}
	steady := s2.At.Sub(s1.At).Seconds()
	res.SteadySeconds = round3(steady)
	r.mu.Lock()
	res.Users = UsersResult{Target: cfg.Users, Started: len(r.users), Ready: r.ready, Connected: connected,
		SetupFailed: r.setupFailed, SetupErrors: r.setupErrs, ActionErrors: r.actionErrs.Load()}
	if search != nil {
		res.Users.Target = search.Steps[len(search.Steps)-1].Users
	}
	r.mu.Unlock()
	res.Messages = MessagesResult{Counts: r.ledger.Counts(), Loss: r.ledger.Loss()}
	if steady > 0 {
		res.Messages.SentPerSec = round3(float64(c2.Sent-c1.Sent) / steady)
		res.Messages.DeliveredPerSec = round3(float64(c2.Delivered-c1.Delivered) / steady)
		res.LoadGen.CPUCores = round3((self2 - self1) / steady)
	}
	res.LoadGen.RSSMB = round3(selfRSS / (1 << 20))
	all := r.snapshots()
	res.HTTP = r.http.Result()
	res.WholeRun = WholeRun{Delivery: all[0].Summary(), Ack: all[1].Summary(), HTTP: all[2].Summary(), HTTPActions: all[3].Summary()}
	if search == nil {
		// The steady window, without the ramp's sign-ups and first reads.
		for i := range all {
			all[i] = all[i].Sub(win[i])
		}
		res.HTTP.Latency, res.HTTP.ActionLatency = all[2].Summary(), all[3].Summary()
	}
	res.Delivery, res.Ack = all[0].Summary(), all[1].Summary()
	res.deliveryCDF, res.ackCDF, res.httpCDF = all[0].CDF(), all[1].CDF(), all[3].CDF()
	res.WS = WSResult{Connects: r.ws.Connects.Load(), ConnectFailures: r.ws.ConnectFailures.Load(),
		Drops: r.ws.Drops.Load(), Planned: r.ws.Planned.Load(), GapResumes: r.ws.GapResumes.Load()}
	r.ws.mu.Lock()
	res.WS.ServerErrors = r.ws.errors
	r.ws.mu.Unlock()
	res.Server = serverResult(before, s1, s2, prog.peakRSS(), connected, len(cfg.ServerPIDs) > 0)
	res.Box = boxResult(box1, box2, res.Server.CPUCores, res.LoadGen.CPUCores, runtime.NumCPU())
	if e := r.sampler.firstError(); e != "" {
		res.Notes = append(res.Notes, "metrics endpoint: "+e)
	}
	if cfg.ProfileCPU > 0 {
		if profile == nil {
			res.Notes = append(res.Notes, "no CPU profile: no --pprof-url, or its /debug/pprof/profile did not answer")
		} else {
			res.Server.Profile = "cpu.pprof"
			res.cpuProfile = profile
		}
	}
	if !s2.HasCPU {
		res.Notes = append(res.Notes, "server CPU unknown: no process_cpu_seconds_total and no pid")
	}
	for _, ex := range res.Messages.Examples[:min(3, len(res.Messages.Examples))] {
		res.Notes = append(res.Notes, r.checkHistory(ctx, ex))
	}
	if res.Messages.Unverified > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d receivers could not finish their final resume; their misses are not counted as losses", res.Messages.Unverified))
	}
	slo := cfg.SLO
	if search != nil {
		// The search stops at the first step over the SLOs, so the whole
		// run's percentiles are over them by design: judge the messages.
		slo = SLO{HTTPErrorRate: 1}
	}
	res.judge(slo)
	if cfg.Soak.Every > 0 {
		res.Soak = soakResult(cfg.Soak, soak)
		if f := res.Soak.failures(); len(f) > 0 {
			res.Failures = append(res.Failures, f...)
			res.Pass = false
		}
	}
	if res.Failover = fo.result(); res.Failover != nil {
		if res.Failover.MeanCPUCores >= 0 {
			// Counters of restarted replicas start again from zero: only
			// the pid-file meter adds their CPU up right.
			res.Server.CPUCores, res.Server.Source = res.Failover.MeanCPUCores, "proc (pid files)"
		}
		if f := res.Failover.failures(); len(f) > 0 {
			res.Failures = append(res.Failures, f...)
			res.Pass = false
		}
	}
	if res.Reactions = rxResult; rxResult != nil {
		if f := rxResult.failures(); len(f) > 0 {
			res.Failures = append(res.Failures, f...)
			res.Pass = false
		}
	}
	if search != nil && search.Sustained == 0 {
		res.Pass = false
		res.Failures = append(res.Failures, "search: not even the first step held the SLOs")
	}
	return res, nil
}

// checkHistory asks the HTTP API, as the rooms' owner, whether a lost
// message is in the room's history: it tells a fan-out or replay fault
// from a message that was acked but never stored.
func (r *runner) checkHistory(ctx context.Context, roomSeq string) string {
	room, seq, ok := strings.Cut(roomSeq, "/")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil {
		return "lost " + roomSeq + ": malformed"
	}
	var ans messagesAnswer
	path := "/api/v1/rooms/" + room + "/messages?limit=1&after_seq=" + strconv.FormatInt(n-1, 10)
	if _, err := r.dir.owner.do(ctx, call{action: "check_lost", method: http.MethodGet, path: path, accept: []int{200}, out: &ans}); err != nil {
		return fmt.Sprintf("lost %s: history check failed: %v", roomSeq, err)
	}
	found := len(ans.Messages) > 0 && ans.Messages[0].Seq == n
	return fmt.Sprintf("lost %s: in the room's history over HTTP: %v (GET %s)", roomSeq, found, path)
}

// snapshots freezes the delivery, ack, HTTP and HTTP-without-setup
// histograms, in that order.
func (r *runner) snapshots() [4]*Snapshot {
	return [4]*Snapshot{r.ledger.Delivery.Snapshot(), r.ledger.Ack.Snapshot(), r.http.All.Snapshot(), r.http.Actions.Snapshot()}
}

// drain waits for outstanding acks, then gives deliveries a moment.
func (r *runner) drain(ctx context.Context) {
	deadline := time.Now().Add(r.cfg.Drain)
	for r.ledger.Pending() > 0 && time.Now().Before(deadline) {
		if !sleepCtx(ctx, 50*time.Millisecond) {
			return
		}
	}
	sleepCtx(ctx, min(r.cfg.Drain, time.Second))
}

// finalResume asks every live socket for what it missed, 256 at a time,
// and returns how many completed.
func (r *runner) finalResume(ctx context.Context) int {
	r.mu.Lock()
	users := make([]*user, 0, len(r.users))
	for _, u := range r.users {
		if u.sock != nil && u.sock.isReady() {
			users = append(users, u)
		}
	}
	r.mu.Unlock()
	var wg sync.WaitGroup
	var mu sync.Mutex
	verified := 0
	sem := make(chan struct{}, 256)
	for _, u := range users {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if u.sock.finalResume(ctx, 15*time.Second) {
				mu.Lock()
				verified++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return verified
}

func serverResult(before, s1, s2 ServerSample, peak float64, conns int64, fromProc bool) ServerResult {
	out := ServerResult{CacheHitRate: -1, Source: "metrics"}
	if fromProc {
		out.Source = "proc"
	}
	const mb = 1 << 20
	if dt := s2.At.Sub(s1.At).Seconds(); dt > 0 && s2.HasCPU {
		out.CPUCores = round3((s2.CPUSeconds - s1.CPUSeconds) / dt)
	}
	out.RSSBeforeMB = round3(before.RSSBytes / mb)
	out.RSSEndMB = round3(s2.RSSBytes / mb)
	out.RSSPeakMB = round3(max(peak, s2.RSSBytes) / mb)
	if conns > 0 && s2.RSSBytes > before.RSSBytes {
		out.RSSPerConnKB = round3((s2.RSSBytes - before.RSSBytes) / float64(conns) / 1024)
	}
	if s2.HasWS {
		out.WSConnections = s2.WSConns
	}
	if s2.HasCache {
		out.CacheHitRate, out.CacheLevels = cacheRates(before.Cache, s2.Cache)
	}
	out.Stages = stageLatencies(s1.Stages, s2.Stages)
	return out
}

// stageOrder is the order in which a send passes the server's stages.
var stageOrder = []string{"decode", "session", "member", "limit", "queue", "commit",
	"fanout", "ack", "ack_write", "publish", "write"}

// stageLatencies is what each stage observed between two samples.
func stageLatencies(prev, cur map[string]stats.Hist) []StageLatency {
	var out []StageLatency
	for _, name := range stageOrder {
		h, ok := cur[name]
		if !ok {
			continue
		}
		d := h.Delta(prev[name])
		if d.Count == 0 {
			continue
		}
		out = append(out, StageLatency{
			Stage: name, Count: d.Count,
			MeanMS: round3(1000 * d.Sum / float64(d.Count)),
			P50MS:  round3(1000 * d.Quantile(0.50)),
			P99MS:  round3(1000 * d.Quantile(0.99)),
			P999MS: round3(1000 * d.Quantile(0.999)),
		})
	}
	return out
}

// fetchProfile takes a CPU profile from the server's admin listener; nil
// when there is none.
func fetchProfile(ctx context.Context, c *http.Client, target string, d time.Duration) []byte {
	if target == "" {
		return nil
	}
	url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", target, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil
	}
	pc := &http.Client{Transport: c.Transport, Timeout: d + 30*time.Second}
	resp, err := pc.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil
	}
	return b
}

// cacheRates returns the hit rate per cache level between two samples and
// the overall one: the share of first-level lookups that never reached the
// store, i.e. that did not miss the last level. Levels sort by name (l1,
// l2, …).
func cacheRates(before, after map[string]*[2]float64) (float64, map[string]CacheLevel) {
	levels := make([]string, 0, len(after))
	out := make(map[string]CacheLevel, len(after))
	for lv, c := range after {
		h, m := c[0], c[1]
		if b := before[lv]; b != nil {
			h, m = h-b[0], m-b[1]
		}
		cl := CacheLevel{Hits: h, Misses: m, HitRate: -1}
		if h+m > 0 {
			cl.HitRate = round3(h / (h + m))
		}
		out[lv] = cl
		levels = append(levels, lv)
	}
	slices.Sort(levels)
	first, last := out[levels[0]], out[levels[len(levels)-1]]
	lookups := first.Hits + first.Misses
	if lookups <= 0 {
		return -1, out
	}
	return round3(1 - last.Misses/lookups), out
}
