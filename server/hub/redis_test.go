package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// cluster starts n replicas on one database, sharing the Redis at addr.
func cluster(tb testing.TB, n int, addr string, o hub.Options) []*replica {
	tb.Helper()
	dsn := testenv.NewDatabase(tb)
	prefix := testenv.Prefix(tb, addr)
	out := make([]*replica, n)
	for i := range out {
		ro := o
		client := testenv.NewUncachedClient(tb, addr)
		ro.Broker = valkeystore.NewBroker(client, prefix, quietLog)
		ro.Presence = valkeystore.NewPresence(client, prefix, 0, quietLog)
		reg := prometheus.NewRegistry()
		ro.Registerer = reg
		out[i] = newReplica(tb, dsn, ro)
		out[i].Reg = reg
	}
	for _, r := range out {
		waitReady(tb, r.Hub)
	}
	return out
}

func waitReady(tb testing.TB, h *hub.Hub) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := h.Check(context.Background())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("hub not ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metric sums the samples of a counter a replica's hub registered.
func metric(tb testing.TB, r *replica, name string) float64 {
	tb.Helper()
	mfs, err := r.Reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}
