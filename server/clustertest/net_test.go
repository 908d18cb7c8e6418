package clustertest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

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

// dialTCP opens a plain TCP connection, to see whether something listens.
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}
