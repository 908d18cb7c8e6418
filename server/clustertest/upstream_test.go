package clustertest_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeReplica is a stand-in for a parley replica, used to check what nginx
// does to requests independently of the server.
type fakeReplica struct {
	name  string
	srv   *httptest.Server
	conns atomic.Int64 // TCP connections nginx opened to it
}

func startFakeReplica(tb testing.TB, name string, h http.Handler) *fakeReplica {
	tb.Helper()
	r := &fakeReplica{name: name}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Parley-Instance", name)
		h.ServeHTTP(w, req)
	}))
	r.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	r.srv.Start()
	tb.Cleanup(r.srv.Close)
	return r
}

// addr is host:port as an upstream line wants it.
func (r *fakeReplica) addr() string { return strings.TrimPrefix(r.srv.URL, "http://") }
