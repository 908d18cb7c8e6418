package hub_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// seriesCount reads the number of observations of a histogram, or the
// value of a counter, from reg.
func seriesCount(tb testing.TB, reg *prometheus.Registry, name string) float64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		m := f.GetMetric()[0]
		if h := m.GetHistogram(); h != nil {
			return float64(h.GetSampleCount())
		}
		return m.GetCounter().GetValue()
	}
	tb.Fatalf("no series %s", name)
	return 0
}

// TestLatencyMetrics checks that sends, acks and deliveries are counted
// where the dashboard and the alerts read them.
func TestLatencyMetrics(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		r := newReplica(t, testenv.NewDatabase(t), hub.Options{Registerer: reg})
		alice, ta := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		listener := dial(t, r.URL, tb)
		listener.next(wait, "ready")
		sender := dial(t, r.URL, ta)
		sender.next(wait, "ready")
		sender.send(sendFrame{Type: "send", RoomID: room.ID, Body: "over the socket", ClientID: "s1"})
		sender.next(wait, "ack")
		if _, _, err := r.App.SendMessage(context.Background(), alice, room.ID, "over the API", "a1"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			listener.next(wait, "message")
		}
		if got := seriesCount(t, reg, "parley_sends_total"); got != 2 {
			t.Errorf("parley_sends_total = %v, want 2", got)
		}
		if got := seriesCount(t, reg, "parley_ack_seconds"); got != 1 {
			t.Errorf("parley_ack_seconds count = %v, want 1 (one socket send)", got)
		}
		if got := seriesCount(t, reg, "parley_delivery_seconds"); got != 2 {
			t.Errorf("parley_delivery_seconds count = %v, want 2 (one per message on this replica)", got)
		}
	})
}
