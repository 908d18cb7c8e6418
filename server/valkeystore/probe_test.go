package valkeystore_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// TestProbeMeasuresInvalidations runs the probe on two replicas and checks
// that each records the other's writes reaching it as invalidations, with
// plausible times.
func TestProbeMeasuresInvalidations(t *testing.T) {
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
	})
	regs := make([]*prometheus.Registry, 2)
	for i := range regs {
		regs[i] = prometheus.NewRegistry()
		tr := valkeystore.NewTracker()
		client, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{testenv.RedisAddr}, OnInvalidations: tr.Handle})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(client.Close)
		c := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: prefix, Metrics: cache.NewMetrics(regs[i]), Tracker: tr})
		go func() {
			defer func() { done <- struct{}{} }()
			if err := c.RunProbe(ctx, 20*time.Millisecond); err != nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, reg := range regs {
		for {
			n, sum := histogram(t, reg, "parley_cache_invalidation_seconds")
			if n >= 3 {
				if mean := sum / float64(n); mean <= 0 || mean > 1 {
					t.Fatalf("mean invalidation time %v s over %d samples; want (0, 1]", mean, n)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d invalidations measured after 10 s; want ≥ 3", n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func histogram(tb testing.TB, reg *prometheus.Registry, name string) (uint64, float64) {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			h := mf.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	return 0, 0
}
