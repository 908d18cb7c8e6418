package clustertest_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// hijackClose drops a request's connection without an answer.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the fake replica cannot hijack its connection")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// TestNginxOverload checks that a replica's refusal at capacity (503 with
// Retry-After) reaches the client as it is: not retried on another
// replica, which would carry the storm everywhere, and not counted as a
// failure, which would mark every busy replica down and leave nginx
// answering 502 "no live upstreams".
func TestNginxOverload(t *testing.T) {
	busy := startFakeReplica(t, "busy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/probe" {
			return
		}
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error":{"code":"unavailable","message":"busy"}}`)
	}))
	var spared atomic.Int64
	idle := startFakeReplica(t, "idle", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/probe" {
			spared.Add(1)
		}
	}))
	base := startNginx(t, []string{busy.addr(), idle.addr()}, nil)
	ip := ""
	for k := 1; k <= 40 && ip == ""; k++ {
		if mustGet(t, boundClient(t, sourceIP(k)), base+"/probe").Header.Get("X-Parley-Instance") == "busy" {
			ip = sourceIP(k)
		}
	}
	if ip == "" {
		t.Fatal("no source address of 40 /24s hashed to the busy replica")
	}
	c := boundClient(t, ip)

	t.Run("ErrRefusalPassedThrough", func(t *testing.T) {
		// More refusals than NGINX_MAX_FAILS (2), GETs and POSTs alike.
		for i := range 6 {
			var resp *http.Response
			var err error
			if i%2 == 0 {
				resp, err = c.Get(base + "/api/v1/rooms")
			} else {
				resp, err = c.Post(base+"/api/v1/auth/register", "application/json", strings.NewReader(`{"username":"x","password":"y"}`))
			}
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" ||
				resp.Header.Get("X-Parley-Instance") != "busy" {
				t.Fatalf("request %d: %d from %q with Retry-After %q; want the busy replica's 503 with Retry-After 1",
					i, resp.StatusCode, resp.Header.Get("X-Parley-Instance"), resp.Header.Get("Retry-After"))
			}
		}
		if n := spared.Load(); n != 0 {
			t.Errorf("%d refused requests were retried on the other replica", n)
		}
	})
	t.Run("OKBusyReplicaNotMarkedDown", func(t *testing.T) {
		if got := mustGet(t, c, base+"/probe").Header.Get("X-Parley-Instance"); got != "busy" {
			t.Errorf("after its refusals the busy replica's clients went to %q; want it still in rotation", got)
		}
	})
}
