package clustertest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// seenHeaders is what the fake replica saw of a proxied request.
type seenHeaders struct {
	Host, XFF, RealIP, Proto, Connection string
}

func headersOf(r *http.Request) seenHeaders {
	return seenHeaders{
		Host:       r.Host,
		XFF:        r.Header.Get("X-Forwarded-For"),
		RealIP:     r.Header.Get("X-Real-IP"),
		Proto:      r.Header.Get("X-Forwarded-Proto"),
		Connection: r.Header.Get("Connection"),
	}
}

func TestNginxProxy(t *testing.T) {
	upgrader := websocket.Upgrader{}
	replica := startFakeReplica(t, "fake-1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ws" {
			_ = json.NewEncoder(w).Encode(headersOf(r))
			return
		}
		conn, err := upgrader.Upgrade(w, r, w.Header())
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.WriteJSON(headersOf(r))
		for {
			kind, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			if err := conn.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	}))
	base := startNginx(t, []string{replica.addr()}, nil)
	host := strings.TrimPrefix(base, "http://")
	const ip = "127.0.7.1"

	t.Run("OKWebSocketUpgrade", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d := websocket.Dialer{NetDialContext: boundDialer(ip).DialContext, HandshakeTimeout: 5 * time.Second}
		conn, resp, err := d.DialContext(ctx, "ws://"+host+"/ws", nil)
		if err != nil {
			t.Fatalf("dial through nginx: %v", err)
		}
		defer conn.Close()
		if got, want := resp.Header.Get("X-Parley-Instance"), "fake-1"; got != want {
			t.Errorf("101 X-Parley-Instance = %q, want %q", got, want)
		}
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var got seenHeaders
		if err := conn.ReadJSON(&got); err != nil {
			t.Fatalf("read: %v", err)
		}
		want := seenHeaders{Host: host, XFF: ip, RealIP: ip, Proto: "http", Connection: "upgrade"}
		if got != want {
			t.Errorf("replica saw %+v, want %+v", got, want)
		}
		if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"typing"}`)); err != nil {
			t.Fatalf("write: %v", err)
		}
		if _, msg, err := conn.ReadMessage(); err != nil || string(msg) != `{"type":"typing"}` {
			t.Errorf("echo = %q, %v", msg, err)
		}
	})

	t.Run("OKForwardedHeadersAndKeepalive", func(t *testing.T) {
		c := boundClient(t, ip)
		before := replica.conns.Load()
		for i := range 20 {
			req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
			// A client-supplied X-Forwarded-For is kept but nginx appends the
			// real peer, which is what trusted-proxy parsing reads.
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got seenHeaders
			err = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := seenHeaders{Host: host, XFF: "203.0.113.9, " + ip, RealIP: ip, Proto: "http"}
			if got != want {
				t.Fatalf("request %d: replica saw %+v, want %+v", i, got, want)
			}
		}
		// HTTP/1.1 with an empty Connection header lets nginx reuse its
		// upstream connections instead of opening one per request.
		if n := replica.conns.Load() - before; n > 2 {
			t.Errorf("nginx opened %d upstream connections for 20 requests, want keepalive reuse", n)
		}
	})
}

// TestNginxRetries checks the passive health checks: idempotent requests go
// to another replica when theirs fails, a POST is never sent twice.
func TestNginxRetries(t *testing.T) {
	var posts atomic.Int64
	draining := startFakeReplica(t, "draining", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/probe" {
			return
		}
		http.Error(w, `{"error":{"code":"unavailable","message":"draining"}}`, http.StatusServiceUnavailable)
	}))
	healthy := startFakeReplica(t, "healthy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
	}))
	base := startNginx(t, []string{draining.addr(), healthy.addr()}, nil)

	// Find a /24 that ip_hash sends to the draining replica.
	ip := ""
	for k := 1; k <= 40 && ip == ""; k++ {
		resp := mustGet(t, boundClient(t, sourceIP(k)), base+"/probe")
		if resp.Header.Get("X-Parley-Instance") == "draining" {
			ip = sourceIP(k)
		}
	}
	if ip == "" {
		t.Fatal("no source address of 40 /24s hashed to the first replica")
	}
	c := boundClient(t, ip)

	t.Run("ErrPostNotRetried", func(t *testing.T) {
		resp, err := c.Post(base+"/api/v1/rooms/1/messages", "application/json", strings.NewReader(`{"body":"hi","client_id":"c1"}`))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got, want := resp.StatusCode, http.StatusServiceUnavailable; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		if n := posts.Load(); n != 0 {
			t.Errorf("the POST reached the other replica %d times", n)
		}
	})

	t.Run("OKGetRetried", func(t *testing.T) {
		resp := mustGet(t, c, base+"/api/v1/rooms")
		if got, want := resp.StatusCode, http.StatusOK; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		if got, want := resp.Header.Get("X-Parley-Instance"), "healthy"; got != want {
			t.Errorf("served by %q, want %q", got, want)
		}
	})
}

// mustGet performs a GET and drains the body; the response's headers and
// status stay readable.
func mustGet(tb testing.TB, c *http.Client, url string) *http.Response {
	tb.Helper()
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}
