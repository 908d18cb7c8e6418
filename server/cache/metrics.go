package cache

import (
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Cache levels as metric labels: l1 is replica-local memory, l2 the shared
// Valkey, store the wrapped PostgreSQL store.
const (
	LevelL1    = "l1"
	LevelL2    = "l2"
	LevelStore = "store"
)

// Metrics counts what the caches do. One Metrics is shared by the Cache
// implementation and the Stores of a process; a nil *Metrics counts nothing.
type Metrics struct {
	requests    *prometheus.CounterVec
	loads       *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	bypassed    *prometheus.CounterVec
	notModified *prometheus.CounterVec
	up          prometheus.Gauge
}

// NewMetrics creates the cache metrics and registers them with reg (nil
// registers nothing, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_cache_requests_total",
			Help: "Cache lookups by level, kind of data and result (hit or miss).",
		}, []string{"level", "kind", "result"}),
		loads: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_cache_load_seconds",
			Help:    "Time to fill a cache level from the next one (l2: from Valkey, store: from PostgreSQL), by kind.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"level", "kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_cache_errors_total",
			Help: "Failed cache operations by operation.",
		}, []string{"op"}),
		bypassed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_cache_bypassed_total",
			Help: "Reads answered by the store without the cache because the cache was unavailable, by kind.",
		}, []string{"kind"}),
		notModified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_http_not_modified_total",
			Help: "Conditional GETs answered 304 Not Modified, by route.",
		}, []string{"route"}),
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_cache_up",
			Help: "1 while the shared cache answers, 0 during an outage.",
		}),
	}
	m.up.Set(1)
	if reg != nil {
		reg.MustRegister(m.requests, m.loads, m.errors, m.bypassed, m.notModified, m.up)
	}
	return m
}

// Hit counts a lookup answered at level.
func (m *Metrics) Hit(level, kind string) {
	if m != nil {
		m.requests.WithLabelValues(level, kind, "hit").Inc()
	}
}

// Miss counts a lookup that level could not answer.
func (m *Metrics) Miss(level, kind string) {
	if m != nil {
		m.requests.WithLabelValues(level, kind, "miss").Inc()
	}
}

// Load records the time taken to fetch a value from level.
func (m *Metrics) Load(level, kind string, d time.Duration) {
	if m != nil {
		m.loads.WithLabelValues(level, kind).Observe(d.Seconds())
	}
}

// Error counts a failed cache operation.
func (m *Metrics) Error(op string) {
	if m != nil {
		m.errors.WithLabelValues(op).Inc()
	}
}

// Bypassed counts a read served without the cache.
func (m *Metrics) Bypassed(kind string) {
	if m != nil {
		m.bypassed.WithLabelValues(kind).Inc()
	}
}

// NotModified counts a conditional GET answered 304; the web layer calls it
// with the route pattern (never the raw path, to keep label values few).
func (m *Metrics) NotModified(route string) {
	if m != nil {
		m.notModified.WithLabelValues(route).Inc()
	}
}

// Up records whether the shared cache answers.
func (m *Metrics) Up(up bool) {
	if m != nil {
		if up {
			m.up.Set(1)
		} else {
			m.up.Set(0)
		}
	}
}

// NewVersion returns a random non-zero Version for implementations of Cache.
func NewVersion() Version {
	for {
		if v := Version(rand.Uint64()); v != 0 {
			return v
		}
	}
}
