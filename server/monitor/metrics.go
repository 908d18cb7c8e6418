package monitor

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// series are the sampler's Prometheus metrics; gauges are set each tick,
// the GC pause summary is built from the last tick's runtime histogram.
type series struct {
	heapLive, heapTotal, rss, goroutines, gcFraction, perSocket prometheus.Gauge
	queueDepth                                                  prometheus.Histogram
	pauses                                                      *pauseCollector
}

func newSeries(reg prometheus.Registerer) (*series, error) {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	s := &series{
		heapLive:   g("parley_memory_heap_live_bytes", "Heap bytes live after the last GC."),
		heapTotal:  g("parley_memory_heap_total_bytes", "Heap bytes the runtime holds and has not returned to the OS."),
		rss:        g("parley_memory_rss_bytes", "Resident set size of the process."),
		goroutines: g("parley_goroutines", "Live goroutines."),
		gcFraction: g("parley_gc_cpu_fraction", "Share of the process's CPU time spent in GC over the last sampling interval."),
		perSocket:  g("parley_memory_bytes_per_socket", "Resident bytes above the start-up RSS divided by live sockets; 0 without sockets."),
		queueDepth: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_ws_queue_depth",
			Help:    "Send queue length of each live socket, observed at every sampling tick.",
			Buckets: []float64{0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
		}),
		pauses: &pauseCollector{desc: prometheus.NewDesc("parley_gc_pause_seconds",
			"Stop-the-world GC pauses since start (quantiles are bucket upper bounds).", nil, nil)},
	}
	if reg == nil {
		return s, nil
	}
	for _, c := range []prometheus.Collector{s.heapLive, s.heapTotal, s.rss, s.goroutines,
		s.gcFraction, s.perSocket, s.queueDepth, s.pauses} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("monitor: register metrics: %w", err)
		}
	}
	return s, nil
}

// pauseCollector exposes the runtime's pause histogram as a summary with
// p50 and p99: the runtime's buckets are too many for a Prometheus histogram.
type pauseCollector struct {
	desc     *prometheus.Desc
	mu       sync.Mutex
	count    uint64
	sum      float64
	p50, p99 float64
}

func (p *pauseCollector) set(count uint64, sum, p50, p99 float64) {
	p.mu.Lock()
	p.count, p.sum, p.p50, p.p99 = count, sum, p50, p99
	p.mu.Unlock()
}

func (p *pauseCollector) Describe(ch chan<- *prometheus.Desc) { ch <- p.desc }

func (p *pauseCollector) Collect(ch chan<- prometheus.Metric) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch <- prometheus.MustNewConstSummary(p.desc, p.count, p.sum, map[float64]float64{0.5: p.p50, 0.99: p.p99})
}
