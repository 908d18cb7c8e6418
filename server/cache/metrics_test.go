package cache_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// TestMetrics checks that hits, misses and loads are counted per level and
// kind, and that 304s can be counted.
func TestMetrics(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		m := cache.NewMetrics(reg)
		base := newEnv(t, "memory", testenv.RedisAddr)
		c := valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr),
			valkeystore.CacheOptions{Prefix: testenv.Prefix(t, testenv.RedisAddr), Metrics: m})
		s := cache.Wrap(base.inner, c, cache.Options{Metrics: m, LocalBytes: -1})
		owner := base.user(t)
		r := base.room(t, owner, chat.RoomPublic)
		for range 3 {
			_, err := s.FindRoom(bg(), r.ID)
			noErr(t, err)
		}
		m.NotModified("/api/v1/rooms/:id")

		got := gather(t, reg)
		for _, want := range []struct {
			name   string
			labels map[string]string
			min    float64
		}{
			{"parley_cache_requests_total", map[string]string{"level": "l2", "kind": "room", "result": "miss"}, 1},
			{"parley_cache_requests_total", map[string]string{"level": "l1", "kind": "room", "result": "hit"}, 1},
			{"parley_cache_load_seconds", map[string]string{"level": "store", "kind": "room"}, 1},
			{"parley_cache_load_seconds", map[string]string{"level": "l2", "kind": "version"}, 3},
			{"parley_http_not_modified_total", map[string]string{"route": "/api/v1/rooms/:id"}, 1},
			{"parley_cache_up", nil, 1},
		} {
			if v := value(got[want.name], want.labels); v < want.min {
				t.Errorf("%s%v = %v; want at least %v", want.name, want.labels, v, want.min)
			}
		}
	})
	t.Run("OKCallerGaveUp", func(t *testing.T) {
		e := newEnv(t, "valkey", testenv.RedisAddr)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := e.a.FindRoom(ctx, 1); err == nil {
			t.Fatal("FindRoom with a cancelled context succeeded")
		}
		if err := e.a.Check(context.Background()); err != nil {
			t.Fatalf("Check after a caller gave up = %v; want nil", err)
		}
	})
}

func gather(t *testing.T, reg *prometheus.Registry) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// value sums the counter, gauge or histogram count of the series of mf
// that carry labels.
func value(mf *dto.MetricFamily, labels map[string]string) float64 {
	var sum float64
	for _, m := range mf.GetMetric() {
		match := true
		for k, v := range labels {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			match = match && found
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}
