package loadsim

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// progress prints one line every few seconds with the last interval's
// rates and latencies, and keeps the server's peak RSS.
type progress struct {
	r      *runner
	mu     sync.Mutex
	peak   float64
	last   ServerSample
	box    boxSample
	counts Counts
	deliv  *Snapshot
	reqs   int64
	fails  int64
}

func newProgress(r *runner, first ServerSample) *progress {
	return &progress{r: r, last: first, peak: first.RSSBytes, deliv: r.ledger.Delivery.Snapshot(), box: sampleBox()}
}

func (p *progress) peakRSS() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

func (p *progress) loop(ctx context.Context, start time.Time) {
	t := time.NewTicker(p.r.cfg.Progress)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.line(ctx, start)
		}
	}
}

func (p *progress) line(ctx context.Context, start time.Time) {
	r := p.r
	s := r.sampler.sample(ctx)
	box := sampleBox()
	c := r.ledger.Counts()
	d := r.ledger.Delivery.Snapshot()
	reqs, fails := r.http.Totals()
	dt := s.At.Sub(p.last.At).Seconds()
	win := d.Sub(p.deliv)
	cpu := 0.0
	if dt > 0 && s.HasCPU {
		cpu = (s.CPUSeconds - p.last.CPUSeconds) / dt
	}
	r.mu.Lock()
	ready, failed := r.ready, r.setupFailed
	r.mu.Unlock()
	fmt.Fprintf(r.cfg.Log,
		"[%4.0fs] users %d ready %d failed, %d sockets | sent %.0f/s acked %d pending %d | delivered %.0f/s p50 %.1fms p99 %.1fms | http %.0f/s fail %d | drops %d | server cpu %.2f rss %.0fMB | box busy %.2f, postgres %.2f\n",
		time.Since(start).Seconds(), ready, failed, r.ws.Connected.Load(),
		float64(c.Sent-p.counts.Sent)/dt, c.Acked, r.ledger.Pending(),
		float64(c.Delivered-p.counts.Delivered)/dt, win.Quantile(0.5), win.Quantile(0.99),
		float64(reqs-p.reqs)/dt, fails, r.ws.Drops.Load(), cpu, s.RSSBytes/(1<<20),
		(box.busy-p.box.busy)/dt, max(0, box.postgres-p.box.postgres)/dt)
	p.mu.Lock()
	p.peak = max(p.peak, s.RSSBytes)
	p.mu.Unlock()
	p.last, p.counts, p.deliv, p.reqs, p.fails, p.box = s, c, d, reqs, fails, box
}
