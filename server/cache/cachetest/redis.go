package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"
)

// RedisAddr is the shared Redis/Valkey the tests use. Each test works under
// its own key prefix and removes its keys when it ends.
const RedisAddr = "127.0.0.1:6379"

// NewClient connects a client-side-caching client to addr and closes it when
// the test ends. A server that does not answer fails the test.
func NewClient(tb testing.TB, addr string) valkey.Client {
	tb.Helper()
	c, err := valkey.NewClient(valkey.ClientOption{
		InitAddress:       []string{addr},
		ConnWriteTimeout:  2 * time.Second,
		CacheSizeEachConn: 8 << 20,
	})
	if err != nil {
		tb.Fatalf("connect to valkey at %s: %v", addr, err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Prefix returns a key prefix unique to this test and deletes every key
// under it from the server at addr when the test ends.
func Prefix(tb testing.TB, addr string) string {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "parleytest:" + hex.EncodeToString(b) + ":"
	tb.Cleanup(func() {
		c, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{addr}, DisableCache: true})
		if err != nil {
			return // the test itself already reported an unreachable server
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var cursor uint64
		for {
			e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
			if err != nil {
				return
			}
			if len(e.Elements) > 0 {
				_ = c.Do(ctx, c.B().Unlink().Key(e.Elements...).Build()).Error()
			}
			if cursor = e.Cursor; cursor == 0 {
				return
			}
		}
	})
	return prefix
}

// Server is a private redis-server on a free port, for tests that stop and
// restart it.
type Server struct {
	Addr string
	tb   testing.TB
	cmd  *exec.Cmd
}

// StartServer starts a private redis-server without persistence and stops it
// when the test ends.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &Server{Addr: addr, tb: tb}
	s.Start()
	tb.Cleanup(s.Stop)
	return s
}

// Start (re)starts the server on its address and waits until it answers.
func (s *Server) Start() {
	s.tb.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redis-server on %s did not answer: %v", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit; stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}
