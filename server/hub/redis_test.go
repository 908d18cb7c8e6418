package hub_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	vk "github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/pgtest"
	"github.com/parleychat/parley/server/valkey"
)

// sharedRedis is the Redis the tests share, each under its own prefix.
const sharedRedis = "127.0.0.1:6379"

func redisClient(tb testing.TB, addr string) vk.Client {
	tb.Helper()
	c, err := vk.NewClient(vk.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	if err != nil {
		tb.Fatalf("valkey client for %s: %v", addr, err)
	}
	tb.Cleanup(c.Close)
	return c
}

// keyPrefix returns a prefix of the test's own and removes its keys at the
// end.
func keyPrefix(tb testing.TB, addr string) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "parleytest:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		c, err := vk.NewClient(vk.ClientOption{InitAddress: []string{addr}, DisableCache: true})
		if err != nil {
			return // a private server already stopped takes its keys with it
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		keys, err := c.Do(ctx, c.B().Keys().Pattern(prefix+"*").Build()).AsStrSlice()
		if err == nil && len(keys) > 0 {
			_ = c.Do(ctx, c.B().Del().Key(keys...).Build()).Error()
		}
	})
	return prefix
}

// cluster starts n replicas on one database, sharing the Redis at addr.
func cluster(tb testing.TB, n int, addr string, o hub.Options) []*replica {
	tb.Helper()
	dsn := pgtest.NewDatabase(tb)
	prefix := keyPrefix(tb, addr)
	out := make([]*replica, n)
	for i := range out {
		ro := o
		client := redisClient(tb, addr)
		ro.Broker = valkey.NewBroker(client, prefix, quietLog)
		ro.Presence = valkey.NewPresence(client, prefix, 0, quietLog)
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

// privateRedis is a redis-server of the test's own that it may stop and
// start again on the same port.
type privateRedis struct {
	tb   testing.TB
	addr string
	cmd  *exec.Cmd
}

func startRedis(tb testing.TB) *privateRedis {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &privateRedis{tb: tb, addr: addr}
	r.start()
	tb.Cleanup(r.stop)
	return r
}

func (r *privateRedis) start() {
	r.tb.Helper()
	_, port, _ := net.SplitHostPort(r.addr)
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.tb.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", r.addr)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.tb.Fatalf("redis-server on %s did not start: %v", r.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *privateRedis) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
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
