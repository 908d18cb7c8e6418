package admission_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/chat"
)

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func wantUnavailable(t *testing.T, err error) {
	t.Helper()
	if chat.ErrorCode(err) != chat.EUNAVAILABLE {
		t.Fatalf("err = %v; want unavailable", err)
	}
	if got := chat.ErrorRetryAfter(err); got != 3*time.Second {
		t.Fatalf("retry after %v, want 3s", got)
	}
}

func TestGate(t *testing.T) {
	ctx := context.Background()
	t.Run("OKQueuedCallerGetsTheFreedSlot", func(t *testing.T) {
		g := admission.New(admission.Options{Name: "t", Slots: 1, Queue: 1, Wait: time.Minute})
		if err := g.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		go func() { got <- g.Acquire(ctx) }()
		waitFor(t, "the second caller to queue", func() bool { return g.Stats().Waiting == 1 })
		g.Release()
		if err := <-got; err != nil {
			t.Fatalf("queued caller: %v", err)
		}
		g.Release()
		if s := g.Stats(); s.InUse != 0 || s.Waiting != 0 || s.QueueFull != 0 || s.Late != 0 {
			t.Fatalf("stats = %+v; want an idle gate that refused nobody", s)
		}
	})
	t.Run("ErrQueueFull", func(t *testing.T) {
		g := admission.New(admission.Options{Name: "t", Slots: 1, Queue: 1, Wait: time.Minute, RetryAfter: 3 * time.Second})
		if err := g.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		qctx, cancel := context.WithCancel(ctx)
		queued := make(chan error, 1)
		go func() { queued <- g.Acquire(qctx) }()
		waitFor(t, "a caller to queue", func() bool { return g.Stats().Waiting == 1 })
		start := time.Now()
		wantUnavailable(t, g.Acquire(ctx))
		if d := time.Since(start); d > time.Second {
			t.Fatalf("refusal took %v; want it at once", d)
		}
		cancel()
		if err := <-queued; !errors.Is(err, context.Canceled) || chat.ErrorCode(err) == chat.EUNAVAILABLE {
			t.Fatalf("cancelled waiter: %v; want context.Canceled, not a refusal", err)
		}
		if s := g.Stats(); s.QueueFull != 1 || s.Late != 0 || s.Waiting != 0 {
			t.Fatalf("stats = %+v; want one queue_full refusal", s)
		}
	})
	t.Run("ErrQueueWait", func(t *testing.T) {
		g := admission.New(admission.Options{Name: "t", Slots: 1, Queue: 4, Wait: 10 * time.Millisecond, RetryAfter: 3 * time.Second})
		if err := g.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		defer g.Release()
		wantUnavailable(t, g.Acquire(ctx))
		if s := g.Stats(); s.Late != 1 || s.QueueFull != 0 {
			t.Fatalf("stats = %+v; want one queue_wait refusal", s)
		}
	})
	t.Run("OKMetrics", func(t *testing.T) {
		g := admission.New(admission.Options{Name: "password", Slots: 1})
		if err := g.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		defer g.Release()
		_ = g.Acquire(ctx)
		tally := admission.NewTally("request", "deadline")
		tally.Add()
		reg := prometheus.NewRegistry()
		reg.MustRegister(admission.NewCollector([]*admission.Gate{g, nil}, tally))
		for _, c := range []struct {
			gate, reason string
			want         float64
		}{{"password", admission.ReasonQueueFull, 1}, {"password", admission.ReasonQueueWait, 0}, {"request", "deadline", 1}} {
			if got := gaugeOf(t, reg, "parley_overload_refused_total", c.gate, c.reason); got != c.want {
				t.Errorf("refused{%s,%s} = %v, want %v", c.gate, c.reason, got, c.want)
			}
		}
		if got := gaugeOf(t, reg, "parley_admission_in_use", "password", ""); got != 1 {
			t.Errorf("in use = %v, want 1", got)
		}
	})
}

// gaugeOf reads one sample of a family from reg by its labels.
func gaugeOf(t *testing.T, reg *prometheus.Registry, name, gate, reason string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["gate"] != gate || (reason != "" && labels["reason"] != reason) {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no %s{gate=%q,reason=%q}", name, gate, reason)
	return 0
}
