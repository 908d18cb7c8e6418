package testenv

import (
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"
)

// NewClient connects a client-side-caching client to addr and closes it when
// the test ends. A server that does not answer fails the test.
func NewClient(tb testing.TB, addr string) valkey.Client {
	tb.Helper()
	return newClient(tb, valkey.ClientOption{
		InitAddress:       []string{addr},
		ConnWriteTimeout:  2 * time.Second,
		CacheSizeEachConn: 8 << 20,
	})
}

// NewUncachedClient connects a client without client-side caching to addr
// and closes it when the test ends. A server that does not answer fails the
// test.
func NewUncachedClient(tb testing.TB, addr string) valkey.Client {
	tb.Helper()
	return newClient(tb, valkey.ClientOption{InitAddress: []string{addr}, DisableCache: true})
}

func newClient(tb testing.TB, o valkey.ClientOption) valkey.Client {
	tb.Helper()
	c, err := valkey.NewClient(o)
	if err != nil {
		tb.Fatalf("testenv: connect to valkey at %s: %v", o.InitAddress[0], err)
	}
	tb.Cleanup(c.Close)
	return c
}

// RedisServer is a private redis-server on a free port, for tests that
// stop and restart it (outages) or count its commands.
type RedisServer struct {
	Addr string // 127.0.0.1:<port>, the same across restarts
	tb   testing.TB
	cmd  *exec.Cmd
}

// StartRedis starts a private redis-server without persistence and stops
// it when the test ends.
func StartRedis(tb testing.TB) *RedisServer {
	tb.Helper()
	s := &RedisServer{Addr: FreeAddr(tb), tb: tb}
	s.Start()
	tb.Cleanup(s.Stop)
	return s
}

// Start (re)starts the server on its address and waits until it answers.
func (s *RedisServer) Start() {
	s.tb.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatalf("testenv: start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("testenv: redis-server on %s did not answer: %v", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, as an outage would, and waits for it to exit;
// stopping a stopped server does nothing.
func (s *RedisServer) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}
