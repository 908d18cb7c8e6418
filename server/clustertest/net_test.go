package clustertest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// freePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freePortRange returns the first of n consecutive free ports, because
// scripts/cluster gives replica i the port base+i-1.
func freePortRange(tb testing.TB, n int) int {
	tb.Helper()
	for range 100 {
		base := 20000 + rand.IntN(30000)
		ok := true
		var held []net.Listener
		for i := range n {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				break
			}
			held = append(held, l)
		}
		for _, l := range held {
			l.Close()
		}
		if ok {
			return base
		}
	}
	tb.Fatalf("no %d consecutive free ports", n)
	return 0
}

// sourceIP is the client address of the k-th /24 of 127.0.0.0/8; nginx's
// ip_hash hashes only the first three octets, so each k is a different
// "network" to it.
func sourceIP(k int) string { return fmt.Sprintf("127.0.%d.1", k) }

// boundDialer dials from the given source address.
func boundDialer(ip string) *net.Dialer {
	return &net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)},
		Timeout:   5 * time.Second,
	}
}

// boundClient is an HTTP client whose connections come from ip.
func boundClient(tb testing.TB, ip string) *http.Client {
	tb.Helper()
	tr := &http.Transport{
		DialContext:         boundDialer(ip).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

// sharedTempDir is a temp dir that nginx workers, which drop root to an
// unprivileged user, can still enter.
func sharedTempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "parley-clustertest-")
	if err != nil {
		tb.Fatalf("temp dir: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatalf("chmod temp dir: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// waitHTTP polls url until it answers 200 or the deadline passes.
func waitHTTP(ctx context.Context, c *http.Client, url string) error {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last error %v)", url, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// dialTCP opens a plain TCP connection, to see whether something listens.
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}
