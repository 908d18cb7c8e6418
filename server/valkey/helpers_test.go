package valkey_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	"testing"
	"time"

	vk "github.com/valkey-io/valkey-go"
)

// sharedAddr is the Redis every test shares, each under its own prefix.
const sharedAddr = "127.0.0.1:6379"

func newClient(tb testing.TB, addr string) vk.Client {
	tb.Helper()
	c, err := vk.NewClient(vk.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	if err != nil {
		tb.Fatalf("valkey client for %s: %v", addr, err)
	}
	tb.Cleanup(c.Close)
	return c
}

func testPrefix(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	prefix := "parleytest:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() { deletePrefix(tb, prefix) })
	return prefix
}

// deletePrefix removes the keys a test left in the shared Redis.
func deletePrefix(tb testing.TB, prefix string) {
	c, err := vk.NewClient(vk.ClientOption{InitAddress: []string{sharedAddr}, DisableCache: true})
	if err != nil {
		tb.Errorf("cleanup client: %v", err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	var cursor uint64
	for {
		e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
		if err != nil {
			tb.Errorf("cleanup scan: %v", err)
			return
		}
		if len(e.Elements) > 0 {
			if err := c.Do(ctx, c.B().Del().Key(e.Elements...).Build()).Error(); err != nil {
				tb.Errorf("cleanup del: %v", err)
			}
		}
		if e.Cursor == 0 {
			return
		}
		cursor = e.Cursor
	}
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// privateRedis is a redis-server of the test's own, which it may stop and
// start again on the same port.
type privateRedis struct {
	tb   testing.TB
	port int
	cmd  *exec.Cmd
}

func startPrivateRedis(tb testing.TB) *privateRedis {
	tb.Helper()
	r := &privateRedis{tb: tb, port: freePort(tb)}
	r.Start()
	tb.Cleanup(r.Stop)
	return r
}

func (r *privateRedis) Addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

// Start runs the server and waits until it accepts connections.
func (r *privateRedis) Start() {
	r.tb.Helper()
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.tb.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", r.Addr())
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.tb.Fatalf("redis-server on %s did not start: %v", r.Addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit.
func (r *privateRedis) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}
