// Package monitor samples the process's memory, goroutines and GC every few
// seconds into Prometheus series, and warns in the log when memory crosses
// a configured threshold, so an operator hears of a leak before the kernel
// ends it.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/procfs"
)

// Sockets is what the sampler reads from the real-time layer.
type Sockets interface {
	// Connections is the number of live sockets.
	Connections() int
	// QueueDepths calls visit with each live socket's send queue length.
	QueueDepths(visit func(n int))
}

// Defaults of Options.
const (
	DefaultInterval  = 5 * time.Second
	DefaultWarnEvery = time.Minute
)

// Options configure a Sampler.
type Options struct {
	Registerer prometheus.Registerer
	// Sockets nil counts no sockets.
	Sockets Sockets
	Logger  *slog.Logger
	// Warn is the memory level that logs a warning; zero warns never.
	Warn Threshold
	// Interval between samples; DefaultInterval when zero.
	Interval time.Duration
	// WarnEvery is the least time between two warnings; DefaultWarnEvery
	// when zero.
	WarnEvery time.Duration
	// Now is time.Now when nil; tests step it.
	Now func() time.Time
}

// Sample is one tick's figures.
type Sample struct {
	HeapLive, HeapTotal, RSS uint64
	Goroutines, Sockets      int
	BytesPerSocket           float64
	GCCPUFraction            float64
}

// Sampler reads the figures every Interval; Run owns its only goroutine.
type Sampler struct {
	o        Options
	m        *series
	rt       *runtimeReader
	proc     procfs.Proc
	startRSS uint64
	lastWarn time.Time
	warned   bool
}

// New registers the series and takes the start-up RSS that bytes per
// socket are measured above.
func New(o Options) (*Sampler, error) {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.WarnEvery <= 0 {
		o.WarnEvery = DefaultWarnEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	proc, err := procfs.Self()
	if err != nil {
		return nil, fmt.Errorf("monitor: open /proc: %w", err)
	}
	m, err := newSeries(o.Registerer)
	if err != nil {
		return nil, err
	}
	s := &Sampler{o: o, m: m, rt: newRuntimeReader(), proc: proc}
	s.startRSS = s.rss()
	return s, nil
}

// Run samples at once and then every Interval until ctx ends.
func (s *Sampler) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		s.tick()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *Sampler) rss() uint64 {
	st, err := s.proc.Stat()
	if err != nil {
		return 0
	}
	return uint64(st.ResidentMemory())
}

// tick takes one sample, exports it and warns if it is over the threshold.
func (s *Sampler) tick() Sample {
	rt := s.rt.read()
	smp := Sample{HeapLive: rt.heapLive, HeapTotal: rt.heapTotal, RSS: s.rss(),
		Goroutines: rt.goroutines, GCCPUFraction: rt.gcFraction}
	if s.o.Sockets != nil {
		smp.Sockets = s.o.Sockets.Connections()
		s.o.Sockets.QueueDepths(func(n int) { s.m.queueDepth.Observe(float64(n)) })
	}
	if smp.Sockets > 0 && smp.RSS > s.startRSS {
		smp.BytesPerSocket = float64(smp.RSS-s.startRSS) / float64(smp.Sockets)
	}
	s.m.heapLive.Set(float64(smp.HeapLive))
	s.m.heapTotal.Set(float64(smp.HeapTotal))
	s.m.rss.Set(float64(smp.RSS))
	s.m.goroutines.Set(float64(smp.Goroutines))
	s.m.gcFraction.Set(smp.GCCPUFraction)
	s.m.perSocket.Set(smp.BytesPerSocket)
	count, sum := pauseTotals(rt.pauses)
	s.m.pauses.set(count, sum, quantile(rt.pauses, 0.5), quantile(rt.pauses, 0.99))
	s.checkWarn(smp)
	return smp
}

// checkWarn logs one warning when RSS or the heap is over the threshold,
// at most once per WarnEvery however long memory stays high.
func (s *Sampler) checkWarn(smp Sample) {
	if s.o.Warn.Off() {
		return
	}
	limit, source, err := s.o.Warn.Limit()
	if err != nil || limit == 0 {
		// The limit went away at run time (GOMEMLIMIT lifted): nothing to
		// compare with, and nothing worth a log line every tick.
		if err != nil && !errors.Is(err, ErrNoLimit) && !s.warned {
			s.o.Logger.Warn("memory threshold unusable", "err", err)
			s.warned = true
		}
		return
	}
	if smp.RSS < limit && smp.HeapTotal < limit {
		return
	}
	now := s.o.Now()
	if !s.lastWarn.IsZero() && now.Sub(s.lastWarn) < s.o.WarnEvery {
		return
	}
	s.lastWarn = now
	attrs := []any{
		"threshold_bytes", limit, "threshold", s.o.Warn.String(),
		"heap_live_bytes", smp.HeapLive, "heap_total_bytes", smp.HeapTotal,
		"rss_bytes", smp.RSS, "goroutines", smp.Goroutines,
		"sockets", smp.Sockets, "bytes_per_socket", int64(smp.BytesPerSocket),
	}
	if source != "" {
		attrs = append(attrs, "of", source)
	}
	s.o.Logger.Warn("memory above PARLEY_MEMORY_WARN", attrs...)
}
