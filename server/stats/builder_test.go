package stats_test

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/stats"
)

// replicaMetrics registers, under the names the other packages use, the
// series a snapshot reads.
type replicaMetrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	notModified *prometheus.CounterVec
	cache       *prometheus.CounterVec
	sockets     prometheus.Gauge
	delivered   prometheus.Counter
	delivery    prometheus.Histogram
	heap        prometheus.Gauge
}

func newReplicaMetrics(t testing.TB, reg *prometheus.Registry) *replicaMetrics {
	t.Helper()
	m := &replicaMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_http_requests_total", Help: "h"}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parley_http_request_duration_seconds", Help: "h",
			Buckets: []float64{.001, .01, .1, 1}}, []string{"method", "route"}),
		notModified: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_http_not_modified_total", Help: "h"}, []string{"route"}),
		cache:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_cache_requests_total", Help: "h"}, []string{"level", "kind", "result"}),
		sockets:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "parley_ws_connections", Help: "h"}),
		delivered:   prometheus.NewCounter(prometheus.CounterOpts{Name: "parley_ws_delivered_total", Help: "h"}),
		delivery:    prometheus.NewHistogram(prometheus.HistogramOpts{Name: stats.DefaultSeries.Delivery, Help: "h", Buckets: []float64{.01, .1, 1}}),
		heap:        prometheus.NewGauge(prometheus.GaugeOpts{Name: "parley_memory_heap_live_bytes", Help: "h"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.notModified, m.cache, m.sockets, m.delivered, m.delivery, m.heap} {
		if err := reg.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestBuild(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newReplicaMetrics(t, reg)
	slow := &stats.SlowLog{}
	b := stats.NewBuilder(reg, "r1", "v1", stats.Series{}, slow)

	// Before the interval: traffic that must not count in it.
	m.requests.WithLabelValues("GET", "/api/v1/rooms", "500").Add(50)
	m.duration.WithLabelValues("GET", "/api/v1/rooms").Observe(0.5)
	m.delivered.Add(1000)
	t0 := time.Now()
	if _, err := b.Build(t0, true); err != nil {
		t.Fatal(err)
	}

	m.requests.WithLabelValues("GET", "/api/v1/rooms/:id", "200").Add(70)
	m.requests.WithLabelValues("GET", "/api/v1/rooms/:id", "304").Add(30)
	m.requests.WithLabelValues("POST", "/api/v1/rooms/:id/messages", "503").Add(1)
	m.requests.WithLabelValues("POST", "/api/v1/rooms/:id/messages", "201").Add(99)
	m.requests.WithLabelValues("GET", "/readyz", "503").Add(5) // a probe, not an answer
	m.notModified.WithLabelValues("/api/v1/rooms/:id").Add(30)
	for i := 0; i < 100; i++ {
		m.duration.WithLabelValues("GET", "/api/v1/rooms/:id").Observe(0.005)
	}
	m.duration.WithLabelValues("POST", "/api/v1/rooms/:id/messages").Observe(0.05)
	m.cache.WithLabelValues("l1", "room", "hit").Add(9)
	m.cache.WithLabelValues("l1", "user", "miss").Add(1)
	m.cache.WithLabelValues("l2", "room", "hit").Add(1)
	m.cache.WithLabelValues("l2", "room", "miss").Add(3)
	m.sockets.Set(42)
	m.delivered.Add(400)
	m.delivery.Observe(0.05)
	m.heap.Set(1 << 20)
	slow.Observe("GET", "/api/v1/rooms", 200, 700*time.Millisecond)
	slow.Observe("GET", "/api/v1/rooms", 200, 10*time.Millisecond) // neither slow nor failed

	s, err := b.Build(t0.Add(2*time.Second), true)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"sockets", s.Sockets, 42},
		{"deliveries_per_s", s.DeliveriesPerS, 200},
		{"http_5xx_rate", s.HTTP5xxRate, 1.0 / 200},
		{"not_modified_share", s.NotModifiedShare, 0.3},
		{"cache_hit_rate l1", s.CacheHitRate["l1"], 0.9},
		{"cache_hit_rate l2", s.CacheHitRate["l2"], 0.25},
		// 100 observations in (0.001, 0.01]: p99 at 0.001 + 0.009*0.99.
		{"http_p99_ms api", s.HTTPP99Ms["api"], (0.001 + 0.009*0.99) * 1000},
		{"http_p99_ms messages", s.HTTPP99Ms["messages"], (0.01 + 0.09*0.99) * 1000},
		{"delivery_p50_ms", s.DeliveryP50Ms, (0.01 + 0.09*0.5) * 1000},
		{"heap_live_bytes", s.HeapLiveBytes, 1 << 20},
		{"uptime above 2 s", math.Min(s.UptimeS, 2), 2},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.Instance != "r1" || s.Version != "v1" || !s.Ready {
		t.Errorf("identity %q %q ready=%v", s.Instance, s.Version, s.Ready)
	}
	if len(s.Slow) != 1 || s.Slow[0].Ms != 700 || s.Slow[0].Route != "/api/v1/rooms" {
		t.Errorf("slow %+v, want the one 700 ms request", s.Slow)
	}
}

func TestTotal(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := stats.Snapshot{Instance: "a", Version: "v1", Ready: true, At: at, Sockets: 3, SendsPerS: 10, DeliveriesPerS: 100,
		DeliveryP99Ms: 40, HTTPP99Ms: map[string]float64{"api": 20}, HTTP5xxRate: 0.01, CacheHitRate: map[string]float64{"l1": 0.8},
		DBInUse: 2, HeapLiveBytes: 100, Goroutines: 50, Slow: []stats.SlowRequest{{At: at, Route: "/x", Ms: 600}}}
	b := stats.Snapshot{Instance: "b", Version: "v1", Ready: false, At: at.Add(time.Second), Sockets: 4, SendsPerS: 5, DeliveriesPerS: 50,
		DeliveryP99Ms: 90, HTTPP99Ms: map[string]float64{"api": 10, "pages": 5}, CacheHitRate: map[string]float64{"l1": 0.6},
		DBInUse: 1, HeapLiveBytes: 200, Goroutines: 70}
	tot := stats.Total([]stats.Snapshot{a, b})
	if tot.Sockets != 7 || tot.SendsPerS != 15 || tot.DeliveriesPerS != 150 || tot.DBInUse != 3 || tot.HeapLiveBytes != 300 || tot.Goroutines != 120 {
		t.Errorf("sums wrong: %+v", tot)
	}
	if tot.DeliveryP99Ms != 90 || tot.HTTPP99Ms["api"] != 20 || tot.HTTPP99Ms["pages"] != 5 || tot.HTTP5xxRate != 0.01 {
		t.Errorf("maxima wrong: %+v", tot)
	}
	if !near(tot.CacheHitRate["l1"], 0.7) || tot.Ready || tot.Instance != "" || !tot.At.Equal(b.At) || len(tot.Slow) != 1 {
		t.Errorf("total %+v", tot)
	}
}

func TestBuildUnready(t *testing.T) {
	reg := prometheus.NewRegistry()
	up := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "parley_dependency_up", Help: "h"}, []string{"check", "critical"})
	reg.MustRegister(up)
	up.WithLabelValues("postgres", "true").Set(1)
	up.WithLabelValues("cache", "false").Set(0) // degraded, still ready
	b := stats.NewBuilder(reg, "r1", "v1", stats.Series{}, nil)
	s, err := b.Build(time.Now(), true)
	if err != nil || !s.Ready {
		t.Fatalf("ready %v, err %v; want ready with only an optional check down", s.Ready, err)
	}
	up.WithLabelValues("postgres", "true").Set(0)
	if s, _ := b.Build(time.Now(), true); s.Ready {
		t.Fatal("ready with PostgreSQL down")
	}
	up.WithLabelValues("postgres", "true").Set(1)
	if s, _ := b.Build(time.Now(), false); s.Ready {
		t.Fatal("ready while draining")
	}
}
