package stats_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/stats"
)

// BenchmarkTick is one snapshot of a registry shaped like a busy replica's
// (the standard collectors and 40 routes by 3 methods timed), built and
// encoded: the whole cost of a tick but the store's round trip.
func BenchmarkTick(b *testing.B) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newReplicaMetrics(b, reg)
	for i := 0; i < 40; i++ {
		for _, method := range []string{"GET", "POST", "PATCH"} {
			route := fmt.Sprintf("/api/v1/route%d/:id", i)
			m.duration.WithLabelValues(method, route).Observe(0.003)
			m.requests.WithLabelValues(method, route, "200").Inc()
		}
	}
	p := stats.NewPublisher(stats.Options{Gatherer: reg, Store: inmem.NewStats(), Instance: "bench"})
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Tick(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
