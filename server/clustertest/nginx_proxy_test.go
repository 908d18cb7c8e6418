package clustertest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
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
// to another replica when theirs fails, a POST is never sent twice, and
// what no replica answered reaches the client as the API's JSON 503.
func TestNginxRetries(t *testing.T) {
	var posts atomic.Int64
	// The failing replica drops every request unanswered, as one that dies
	// mid-request does: nginx sees "upstream prematurely closed".
	draining := startFakeReplica(t, "draining", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/probe" {
			return
		}
		hijackClose(t, w)
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
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got, want := resp.StatusCode, http.StatusServiceUnavailable; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		if !strings.Contains(string(body), `"code":"unavailable"`) || resp.Header.Get("Retry-After") == "" {
			t.Errorf("nginx's own error is not the API's 503 with Retry-After: %q, Retry-After %q", body, resp.Header.Get("Retry-After"))
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

// rawGet sends a GET whose request line carries path exactly as given,
// which net/http would clean or re-encode, from source address ip.
func rawGet(tb testing.TB, ip, host, path string) (int, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := boundDialer(ip).DialContext(ctx, "tcp", host)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host); err != nil {
		tb.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// internalSpellings are ways to write the internal endpoints' paths that a
// router or nginx might each read differently (finding 6).
var internalSpellings = []string{
	"/metrics", "/metrics/", "/METRICS", "/Metrics", "//metrics", "/./metrics", "/assets/../metrics",
	"/%6detrics", "/%6Detrics/", "/metrics%2F", "/metrics?x=1", "/debug/pprof/", "/DEBUG/pprof/heap", "/debug//pprof/cmdline",
}

// TestNginxInternalEndpoints is finding 6: /metrics was denied only under
// its exact spelling.
func TestNginxInternalEndpoints(t *testing.T) {
	var mu sync.Mutex
	var reached []string
	replica := startFakeReplica(t, "fake", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reached = append(reached, r.RequestURI)
		mu.Unlock()
		io.WriteString(w, "secret internals")
	}))
	base := startNginx(t, []string{replica.addr()}, nil)
	host := strings.TrimPrefix(base, "http://")
	t.Run("ErrEverySpellingDenied", func(t *testing.T) {
		for _, path := range internalSpellings {
			status, body := rawGet(t, "127.0.7.1", host, path)
			if status != http.StatusNotFound || strings.Contains(body, "secret") || !strings.Contains(body, `"code":"not_found"`) {
				t.Errorf("%s: %d %q, want the contract's 404", path, status, body)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(reached) != 0 {
			t.Errorf("internal paths reached the replica: %q", reached)
		}
	})
	t.Run("OKOtherPathsProxied", func(t *testing.T) {
		for _, path := range []string{"/api/v1/metrics", "/metricsx", "/rooms/1"} {
			if status, body := rawGet(t, "127.0.7.1", host, path); status != http.StatusOK || body != "secret internals" {
				t.Errorf("%s: %d %q, want it proxied", path, status, body)
			}
		}
	})
}

// TestNginxBodyLimit checks nginx refuses what the replicas would, in the
// API's shape, before the body reaches them.
func TestNginxBodyLimit(t *testing.T) {
	var posts atomic.Int64
	replica := startFakeReplica(t, "fake", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		io.Copy(io.Discard, r.Body)
	}))
	base := startNginx(t, []string{replica.addr()}, nil)
	c := boundClient(t, "127.0.7.1")
	send := func(n int) (int, string) {
		resp, err := c.Post(base+"/api/v1/rooms", "application/json", strings.NewReader(strings.Repeat("x", n)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("ErrOverLimit", func(t *testing.T) {
		status, body := send(64<<10 + 1)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"too_large"`) {
			t.Errorf("got %d %q, want the contract's 413", status, body)
		}
		if n := posts.Load(); n != 0 {
			t.Errorf("the replica got %d oversized posts", n)
		}
	})
	t.Run("OKAtLimit", func(t *testing.T) {
		if status, body := send(64 << 10); status != http.StatusOK {
			t.Errorf("got %d %q", status, body)
		}
	})
}

// postJSON posts body from c with extra headers and returns the status
// and headers.
func postJSON(tb testing.TB, c *http.Client, url, body string, header map[string]string) (int, http.Header) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// TestNginxParley runs findings 1, 2 and 6 against a real replica behind
// the shipped nginx config, as an outside tester would.
func TestNginxParley(t *testing.T) {
	base := startParleyBehindNginx(t, "PARLEY_AUTH_RATE=3")
	host := strings.TrimPrefix(base, "http://")
	run := time.Now().UnixNano() % 1_000_000_000
	alice := newAPIClient(t, base, "127.0.9.1", "alice")
	alice.register(t, fmt.Sprintf("ng%d", run))
	var room struct {
		Room apiRoom `json:"room"`
	}
	alice.call(t, http.MethodPost, "/api/v1/rooms", map[string]string{"name": "private", "kind": "private"}, &room)

	t.Run("ErrWebSocketHijackEverySpelling", func(t *testing.T) {
		for _, path := range []string{"/ws", "/WS", "/Ws", "/ws/", "/ws//", "//ws"} {
			h := http.Header{}
			h.Set("Cookie", "parley_session="+alice.token)
			h.Set("Origin", "http://evil.example")
			d := websocket.Dialer{NetDialContext: boundDialer("127.0.9.1").DialContext, HandshakeTimeout: 5 * time.Second}
			conn, resp, err := d.Dial("ws://"+host+path, h)
			if resp != nil {
				resp.Body.Close()
			}
			if err == nil {
				_ = conn.WriteJSON(map[string]any{"type": "send", "room_id": room.Room.ID, "body": "hijacked", "client_id": "evil" + path})
				time.Sleep(200 * time.Millisecond)
				conn.Close()
				t.Errorf("%s: a cross-site handshake upgraded through nginx", path)
			}
		}
		var msgs struct {
			Messages []apiMessage `json:"messages"`
		}
		alice.call(t, http.MethodGet, fmt.Sprintf("/api/v1/rooms/%d/messages", room.Room.ID), nil, &msgs)
		if len(msgs.Messages) != 0 {
			t.Errorf("cross-site sockets stored %d messages", len(msgs.Messages))
		}
	})

	t.Run("ErrMetricsEverySpelling", func(t *testing.T) {
		for _, path := range internalSpellings {
			status, body := rawGet(t, "127.0.9.1", host, path)
			if status == http.StatusOK || strings.Contains(body, "parley_http_requests_total") || strings.Contains(body, "goroutine") {
				t.Errorf("%s: %d, internals served through nginx", path, status)
			}
		}
	})

	t.Run("ErrSpoofedForwardedFor", func(t *testing.T) {
		mallory := boundClient(t, "127.0.11.1")
		wrong := fmt.Sprintf(`{"username":%q,"password":"wrong password"}`, alice.user.Username)
		right := fmt.Sprintf(`{"username":%q,"password":"correct horse battery"}`, alice.user.Username)
		for i := range 3 {
			xff := map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1)}
			if status, _ := postJSON(t, mallory, base+"/api/v1/auth/login", wrong, xff); status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d, want 401", i+1, status)
			}
		}
		for _, spoof := range []string{"203.0.113.50", "198.51.100.1, 10.0.0.1", "127.0.0.1"} {
			status, h := postJSON(t, mallory, base+"/api/v1/auth/login", right, map[string]string{"X-Forwarded-For": spoof})
			if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
				t.Errorf("X-Forwarded-For %q: %d, want 429 with Retry-After: the blocked address stays blocked", spoof, status)
			}
		}
		if status, _ := postJSON(t, boundClient(t, "127.0.12.1"), base+"/api/v1/auth/login", right, nil); status != http.StatusOK {
			t.Errorf("another address: %d, want 200", status)
		}
	})
}
