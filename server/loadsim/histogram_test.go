package loadsim_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

func TestHistogramQuantile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		h := loadsim.NewHistogram()
		for i := 1; i <= 1000; i++ { // 1 ms … 1000 ms
			h.Record(time.Duration(i) * time.Millisecond)
		}
		s := h.Snapshot()
		for _, c := range []struct{ q, want float64 }{
			{0.5, 500}, {0.95, 950}, {0.99, 990}, {0.999, 999}, {1, 1000},
		} {
			assertNear(t, c.q, s.Quantile(c.q), c.want, 0.005)
		}
		if got, want := s.N, uint64(1000); got != want {
			t.Fatalf("N = %d, want %d", got, want)
		}
	})
	t.Run("OKMatchesSortedSamples", func(t *testing.T) {
		h := loadsim.NewHistogram()
		var samples []float64
		r := rand.New(rand.NewPCG(1, 2))
		for range 50000 {
			us := int64(math.Exp(r.NormFloat64()*1.5+8)) + 1 // log-normal around 3 ms
			h.Record(time.Duration(us) * time.Microsecond)
			samples = append(samples, float64(us)/1000)
		}
		slices.Sort(samples)
		s := h.Snapshot()
		for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
			want := samples[int(q*float64(len(samples)-1))]
			assertNear(t, q, s.Quantile(q), want, 0.01)
		}
		if got, want := s.Quantile(1), samples[len(samples)-1]; got != want {
			t.Fatalf("max = %v, want exactly %v", got, want)
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		s := loadsim.NewHistogram().Snapshot()
		if got := s.Quantile(0.99); got != 0 {
			t.Fatalf("empty p99 = %v, want 0", got)
		}
	})
	t.Run("OKWindow", func(t *testing.T) {
		h := loadsim.NewHistogram()
		for range 100 {
			h.Record(time.Millisecond)
		}
		before := h.Snapshot()
		for range 100 {
			h.Record(100 * time.Millisecond)
		}
		win := h.Snapshot().Sub(before)
		if got, want := win.N, uint64(100); got != want {
			t.Fatalf("window N = %d, want %d", got, want)
		}
		assertNear(t, 0.5, win.Quantile(0.5), 100, 0.005)
	})
}

func assertNear(tb testing.TB, q, got, want, rel float64) {
	tb.Helper()
	if math.Abs(got-want) > rel*want {
		tb.Fatalf("quantile %v = %v ms, want %v ms ±%.1f%%", q, got, want, rel*100)
	}
}
