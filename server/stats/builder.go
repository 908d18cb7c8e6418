package stats

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Builder turns two consecutive gathers of a registry into a Snapshot.
// It is not safe for concurrent use: one Publisher owns it.
type Builder struct {
	gatherer prometheus.Gatherer
	series   Series
	slow     *SlowLog
	instance string
	version  string
	started  time.Time
	prev     reading
}

// NewBuilder reads g; slow may be nil.
func NewBuilder(g prometheus.Gatherer, instance, version string, series Series, slow *SlowLog) *Builder {
	if version == "" {
		version = BuildVersion()
	}
	if slow == nil {
		slow = &SlowLog{}
	}
	return &Builder{gatherer: g, series: series.withDefaults(), slow: slow, instance: instance, version: version, started: time.Now()}
}

func (s Series) withDefaults() Series {
	d := DefaultSeries
	if s.Sends == "" {
		s.Sends = d.Sends
	}
	if s.Delivery == "" {
		s.Delivery = d.Delivery
	}
	if s.Ack == "" {
		s.Ack = d.Ack
	}
	if s.CommitBatch == "" {
		s.CommitBatch = d.CommitBatch
	}
	return s
}

// Build gathers once and returns the figures since the previous Build
// (the first one covers the time since start-up).
func (b *Builder) Build(now time.Time, ready bool) (Snapshot, error) {
	families, err := b.gatherer.Gather()
	if err != nil && len(families) == 0 {
		return Snapshot{}, fmt.Errorf("stats: gather: %w", err)
	}
	cur := newReading(now, families, b.series)
	prev := b.prev
	if prev.at.IsZero() {
		prev = reading{at: b.started}
	}
	b.prev = cur
	s := figures(prev, cur)
	s.Instance, s.Version = b.instance, b.version
	s.Ready = ready && cur.gauges["critical_down"] == 0
	s.At = now.UTC().Truncate(time.Millisecond)
	s.UptimeS = now.Sub(b.started).Seconds()
	s.Slow = b.slow.Recent(now)
	return s, nil
}

// figures is the pure part of Build: the interval from prev to cur.
func figures(prev, cur reading) Snapshot {
	dt := cur.at.Sub(prev.at)
	delta := func(name string) float64 {
		d := cur.counters[name] - prev.counters[name]
		if d < 0 {
			d = cur.counters[name]
		}
		return d
	}
	hist := func(name string) Hist { return cur.hists[name].Delta(prev.hists[name]) }
	s := Snapshot{
		Sockets:        cur.gauges["sockets"],
		SendsPerS:      Rate(prev.counters["sends"], cur.counters["sends"], dt),
		DeliveriesPerS: Rate(prev.counters["delivered"], cur.counters["delivered"], dt),
		DBInUse:        cur.gauges["db_in_use"],
		DBWaiting:      Rate(prev.counters["db_waits"], cur.counters["db_waits"], dt),
		HeapLiveBytes:  cur.gauges["heap"],
		RSSBytes:       cur.gauges["rss"],
		Goroutines:     cur.gauges["goroutines"],
		GCCPUFraction:  cur.gauges["gc_cpu"],
		HTTPP99Ms:      map[string]float64{},
		CacheHitRate:   map[string]float64{},
	}
	d, a := hist("delivery"), hist("ack")
	s.DeliveryP50Ms, s.DeliveryP99Ms = d.Quantile(0.5)*1000, d.Quantile(0.99)*1000
	s.AckP50Ms, s.AckP99Ms = a.Quantile(0.5)*1000, a.Quantile(0.99)*1000
	if cb := hist("commit_batch"); cb.Count > 0 {
		s.CommitBatchAvg = cb.Sum / float64(cb.Count)
	}
	for name := range cur.hists {
		if group, ok := strings.CutPrefix(name, "http:"); ok {
			s.HTTPP99Ms[group] = hist(name).Quantile(0.99) * 1000
		}
	}
	if n := delta("http"); n > 0 {
		s.HTTP5xxRate = delta("http_5xx") / n
	}
	if n := delta("http_get"); n > 0 {
		s.NotModifiedShare = min(delta("not_modified")/n, 1)
	}
	for name := range cur.counters {
		level, ok := strings.CutPrefix(name, "hit:")
		if !ok {
			continue
		}
		hits, misses := delta(name), delta("miss:"+level)
		if hits+misses > 0 {
			s.CacheHitRate[level] = hits / (hits + misses)
		}
	}
	return s
}

// BuildVersion names the running build from its module and VCS stamps.
func BuildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v = s.Value[:12]
		}
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return v
}
