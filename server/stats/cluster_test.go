package stats_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/stats"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// replica is one publisher over its own registry.
type replica struct {
	pub     *stats.Publisher
	metrics *replicaMetrics
}

func newReplica(t *testing.T, store stats.Store, instance string, ttl time.Duration) replica {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := newReplicaMetrics(t, reg)
	p := stats.NewPublisher(stats.Options{Gatherer: reg, Store: store, Instance: instance, Version: "v-" + instance,
		Interval: 20 * time.Millisecond, TTL: ttl})
	return replica{pub: p, metrics: m}
}

// run ticks r in the background until the returned stop is called or the
// test ends.
func run(t *testing.T, r replica) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := r.pub.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

func instances(c stats.Cluster) []string {
	var out []string
	for _, r := range c.Replicas {
		out = append(out, r.Instance)
	}
	return out
}

// waitFor asks for the cluster view until cond holds, failing after a
// deadline with the last view.
func waitFor(t *testing.T, p *stats.Publisher, what string, cond func(stats.Cluster) bool) stats.Cluster {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := p.Cluster(context.Background())
		if err != nil {
			t.Fatalf("cluster: %v", err)
		}
		if cond(c) {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; last view lists %v", what, instances(c))
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, not waiting a fixed time
	}
}

func TestClusterOverValkey(t *testing.T) {
	client := testenv.NewUncachedClient(t, testenv.RedisAddr)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	// Two replicas over one prefix, each with its own store client, as
	// two processes would be.
	a := newReplica(t, valkeystore.NewStats(client, prefix), "a", 300*time.Millisecond)
	b := newReplica(t, valkeystore.NewStats(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix), "b", 300*time.Millisecond)
	// Another deployment on the same Valkey must not show up.
	other := newReplica(t, valkeystore.NewStats(client, prefix+"other:"), "elsewhere", time.Minute)
	if err := other.pub.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.metrics.sockets.Set(3)
	b.metrics.sockets.Set(4)
	a.metrics.heap.Set(100)
	b.metrics.heap.Set(250)
	run(t, a)
	stopB := run(t, b)

	t.Run("Aggregates", func(t *testing.T) {
		c := waitFor(t, a.pub, "both replicas listed with their gauges", func(c stats.Cluster) bool {
			return len(c.Replicas) == 2 && c.Total.Sockets == 7
		})
		if got := instances(c); got[0] != "a" || got[1] != "b" {
			t.Fatalf("instances %v, want [a b]", got)
		}
		if c.Total.HeapLiveBytes != 350 || c.Total.Version != "v-a,v-b" || c.SLO != stats.DefaultSLO {
			t.Errorf("total %+v", c.Total)
		}
		// The other replica answers the same view.
		waitFor(t, b.pub, "b sees a", func(c stats.Cluster) bool { return len(c.Replicas) == 2 })
	})
	t.Run("StoppedReplicaDropsOut", func(t *testing.T) {
		stopB()
		c := waitFor(t, a.pub, "b dropping out", func(c stats.Cluster) bool { return len(c.Replicas) == 1 })
		if c.Replicas[0].Instance != "a" || c.Total.Sockets != 3 {
			t.Fatalf("after b stopped: %v, total sockets %v", instances(c), c.Total.Sockets)
		}
	})
}

func TestClusterInProcess(t *testing.T) {
	store := inmem.NewStats()
	a := newReplica(t, store, "only", 200*time.Millisecond)
	a.metrics.sockets.Set(5)
	stop := run(t, a)
	c := waitFor(t, a.pub, "the replica listed", func(c stats.Cluster) bool { return len(c.Replicas) == 1 })
	if c.Replicas[0].Instance != "only" || c.Total.Sockets != 5 {
		t.Fatalf("view %+v", c)
	}
	stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw, err := store.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stopped replica's snapshot outlived its TTL")
		}
		time.Sleep(10 * time.Millisecond) // polling a condition
	}
}
