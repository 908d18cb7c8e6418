package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

// newGuardedEnv is a server with abuse limits r whose trusted proxies are
// proxies.
func newGuardedEnv(t *testing.T, r ratelimit.Rules, proxies ...string) *testEnv {
	t.Helper()
	_, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	g := ratelimit.NewGuard(inmem.NewLimiter(), inmem.NewBackoff(), r, nil)
	srv, err := web.New(web.Options{App: a, Guard: g, TrustedProxies: proxies, Instance: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, srv: srv}
}

// post sends a JSON POST over a real socket, so that the peer is
// 127.0.0.1 as behind a local proxy.
func post(t *testing.T, base, path, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	hr, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestClientAddress is finding 2: behind a trusted proxy the limiter keyed
// on the whole X-Forwarded-For, which the client writes the left of, so
// every spoofed value got a fresh sign-in bucket.
func TestClientAddress(t *testing.T) {
	e := newGuardedEnv(t, ratelimit.Rules{SignInRate: 3}, "127.0.0.1")
	base := e.serve(t)
	a := e.signUp("xff")
	wrong := fmt.Sprintf(`{"username":%q,"password":"wrong password"}`, a.user.Username)
	right := fmt.Sprintf(`{"username":%q,"password":"correct horse"}`, a.user.Username)
	// What nginx sends: the client's header with the real peer appended.
	spoofed := func(i int) map[string]string {
		return map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d, 198.51.100.7", i)}
	}

	t.Run("ErrSpoofedLeftmostSharesTheBucket", func(t *testing.T) {
		for i := range 3 {
			if status, _, body := post(t, base, "/api/v1/auth/login", wrong, spoofed(i)); status != 401 {
				t.Fatalf("attempt %d: %d %s", i+1, status, body)
			}
		}
		status, h, body := post(t, base, "/api/v1/auth/login", wrong, spoofed(99))
		if status != 429 || h.Get("Retry-After") == "" {
			t.Fatalf("fourth attempt with a new spoofed address: %d %s, want 429 with Retry-After", status, body)
		}
	})
	t.Run("ErrBlockedStaysBlockedWhateverTheHeader", func(t *testing.T) {
		for _, xff := range []string{"198.51.100.8", "10.0.0.1, 198.51.100.7", "garbage, 198.51.100.7", "198.51.100.7, 127.0.0.1"} {
			status, _, body := post(t, base, "/api/v1/auth/login", right, map[string]string{"X-Forwarded-For": xff})
			want := 429
			if xff == "198.51.100.8" {
				want = 200 // another client behind the proxy has its own budget
			}
			if status != want {
				t.Errorf("X-Forwarded-For %q: %d %s, want %d", xff, status, body, want)
			}
		}
	})
	t.Run("OKUntrustedPeerHeaderIgnored", func(t *testing.T) {
		e := newGuardedEnv(t, ratelimit.Rules{SignInRate: 1})
		base := e.serve(t)
		post(t, base, "/api/v1/auth/login", wrong, spoofed(1))
		if status, _, _ := post(t, base, "/api/v1/auth/login", wrong, spoofed(2)); status != 429 {
			t.Errorf("without trusted proxies a spoofed header got a fresh bucket: %d", status)
		}
	})
}

func TestSignInBackoff(t *testing.T) {
	e := newGuardedEnv(t, ratelimit.Rules{SignInFailures: 2, SignInMaxDelay: time.Minute})
	a := e.signUp("backoff")
	login := func(user, password string) *response {
		return e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": user, "password": password}})
	}
	t.Run("ErrLockedAfterFailures", func(t *testing.T) {
		for i := range 3 {
			if res := login(a.user.Username, "wrong password"); res.status != 401 {
				t.Fatalf("failure %d: %d %s", i+1, res.status, res.body)
			}
		}
		res := login(strings.ToUpper(a.user.Username), "correct horse")
		if res.status != 429 || res.errorCode(t) != chat.ERATELIMITED || res.header.Get("Retry-After") == "" {
			t.Fatalf("right password during the lock-out: %d %s", res.status, res.body)
		}
	})
	t.Run("OKOtherUsernameUnaffected", func(t *testing.T) {
		b := e.signUp("backoff_other")
		if res := login(b.user.Username, "correct horse"); res.status != 200 {
			t.Errorf("another user: %d %s", res.status, res.body)
		}
	})
}

func TestAnonymousLimit(t *testing.T) {
	e := newGuardedEnv(t, ratelimit.Rules{AnonRate: 4})
	a := e.signUp("anon") // a sign-up is anonymous: 1
	for range 5 {
		e.expect(req{method: "GET", path: "/healthz"}, 200)
	}
	e.expect(req{method: "GET", path: "/api/v1/rooms/public"}, 401)         // 2
	e.expect(req{method: "GET", path: "/api/v1/me", token: "made-up"}, 401) // 3: a failed token counts
	e.expect(req{method: "GET", path: "/api/v1/rooms/public"}, 401)         // 4
	res := e.expect(req{method: "GET", path: "/api/v1/rooms/public"}, 429)
	if res.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Signed-in requests are not anonymous.
	e.expect(req{method: "GET", path: "/api/v1/me", token: a.token}, 200)
}

func TestHostileInput(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("hostile")
	room := e.createRoom(a, "hostile", chat.RoomPublic)
	t.Run("ErrQueryAndPath", func(t *testing.T) {
		for _, path := range []string{
			"/api/v1/users?q=%00",
			"/api/v1/users?q=%ff%fe",
			"/api/v1/users?q%00=a",
			fmt.Sprintf("/api/v1/rooms/%d/messages?before_seq=%%00", room.ID),
			"/api/v1/rooms/%00/messages",
			"/api/v1/rooms/%c3%28",
		} {
			res := e.do(req{method: "GET", path: path, token: a.token})
			if res.status < 400 || res.status >= 500 {
				t.Errorf("%s: status %d %s", path, res.status, res.body)
				continue
			}
			res.errorCode(t)
		}
	})
	t.Run("ErrCookie", func(t *testing.T) {
		res := e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": "parley_session=\xff\xfe"}})
		if res.status != 400 {
			t.Errorf("status %d %s", res.status, res.body)
		}
	})
	t.Run("ErrFormField", func(t *testing.T) {
		form := url.Values{"username": {"a\x00b"}, "password": {"x"}}.Encode()
		res := e.do(req{method: "POST", path: "/login", body: form, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
		if res.status != 400 || res.errorCode(t) != chat.EBADREQUEST {
			t.Errorf("status %d %s", res.status, res.body)
		}
	})
	t.Run("ErrInvalidUTF8Body", func(t *testing.T) {
		res := e.do(req{method: "POST", path: "/api/v1/rooms", token: a.token, body: []byte("{\"name\":\"\xff\",\"kind\":\"public\"}")})
		if res.status != 400 || res.errorCode(t) != chat.EINVALIDJSON {
			t.Errorf("status %d %s", res.status, res.body)
		}
	})
	t.Run("OKNothingStored", func(t *testing.T) {
		if msgs, _ := e.messages(a, room.ID, ""); len(msgs) != 0 {
			t.Errorf("hostile requests stored %d messages", len(msgs))
		}
	})
}

// rawRequest writes a request by hand, for what net/http refuses to send.
func rawRequest(t *testing.T, base, raw string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q for %d %s", ct, res.StatusCode, b)
	}
	return res.StatusCode, string(b)
}

// TestServerStatuses checks the answers fasthttp and Fiber produce by
// themselves: each is the contract's JSON, none is internal.
func TestServerStatuses(t *testing.T) {
	e := newEnv(t)
	base := e.serve(t)
	cases := []struct {
		name, raw string
		status    int
		code      string
	}{
		{"ErrHeadersTooLarge", "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 10<<10) + "\r\n\r\n", 431, chat.ETOOLARGE},
		{"ErrUnknownMethod", "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, chat.EBADREQUEST},
		{"ErrWrongMethod", "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404, chat.ENOTFOUND},
		{"ErrBodyTooLarge", "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9999999\r\n\r\n", 413, chat.ETOOLARGE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawRequest(t, base, c.raw)
			if status != c.status || !strings.Contains(body, `"code":"`+c.code+`"`) {
				t.Errorf("got %d %s, want %d %s", status, body, c.status, c.code)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("headers")
	for _, r := range []req{
		{method: "GET", path: "/api/v1/me", token: a.token},
		{method: "GET", path: "/api/v1/me"},
		{method: "GET", path: "/api/v1/nothing"},
		{method: "GET", path: "/healthz"},
	} {
		res := e.do(r)
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := res.header.Get(k); got != want {
				t.Errorf("%s %s (%d): %s = %q, want %q", r.method, r.path, res.status, k, got, want)
			}
		}
	}
}

func TestCanonicalPaths(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("canon")
	t.Run("ErrAPIOtherSpellings", func(t *testing.T) {
		for _, p := range []string{"/api/v1/me/", "/api//v1/me", "/API/v1/me", "/Api/v1/Me"} {
			res := e.do(req{method: "GET", path: p, token: a.token})
			if res.status != 404 || res.errorCode(t) != chat.ENOTFOUND {
				t.Errorf("%s: %d %s, want the contract's 404", p, res.status, res.body)
			}
		}
		res := e.do(req{method: "POST", path: "/api/v1/rooms/", token: a.token, body: map[string]string{"name": "x", "kind": "public"}})
		if res.status != 404 {
			t.Errorf("POST with a trailing slash: %d, want 404", res.status)
		}
	})
	t.Run("OKPageRedirectsToCanonical", func(t *testing.T) {
		res := e.do(req{method: "GET", path: "//evil.example/x//y/?a=1"})
		if res.status != 308 || res.header.Get("Location") != "/evil.example/x/y?a=1" {
			t.Errorf("got %d Location %q", res.status, res.header.Get("Location"))
		}
	})
	t.Run("ErrMetricsOtherSpellings", func(t *testing.T) {
		for _, p := range []string{"/metrics/", "/METRICS", "/Metrics", "//metrics"} {
			res := e.do(req{method: "GET", path: p})
			if res.status == 200 {
				t.Errorf("%s answered 200", p)
			}
		}
	})
}
