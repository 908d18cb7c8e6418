package pages_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/pages"
	"github.com/parleychat/parley/server/ratelimit"
)

func TestAccount(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	t.Run("SignUp", func(t *testing.T) {
		p := b.post("/register", url.Values{"username": {"Alice"}, "password": {"correct horse"}, "display_name": {"Alice A."}})
		if p.status != 303 || p.header.Get("Location") != "/" {
			t.Fatalf("got %d Location %q, want 303 to /", p.status, p.header.Get("Location"))
		}
		cookie := p.header.Get("Set-Cookie")
		for _, want := range []string{pages.SessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/", "max-age=2592000"} {
			if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
				t.Errorf("Set-Cookie %q lacks %q", cookie, want)
			}
		}
		if strings.Contains(strings.ToLower(cookie), "secure") {
			t.Errorf("Set-Cookie %q is Secure over plain HTTP", cookie)
		}
		home := b.get("/")
		if !strings.Contains(home.body, "Alice A.") || !strings.Contains(home.body, "You are in no rooms yet.") {
			t.Errorf("home after sign-up: %.500s", home.body)
		}
		if got := home.header.Get("Cache-Control"); got != "private, no-cache" {
			t.Errorf("Cache-Control: got %q, want private, no-cache", got)
		}
		if p := b.get("/register"); p.status != 303 {
			t.Errorf("GET /register signed in: got %d, want 303", p.status)
		}
	})
	t.Run("ErrSignUpInvalid", func(t *testing.T) {
		p := e.browser().post("/register", url.Values{"username": {"<b>x</b>"}, "password": {"short"}})
		if p.status != 422 || !strings.Contains(p.body, `role="alert"`) {
			t.Errorf("got %d %.500s, want 422 with the error", p.status, p.body)
		}
		if !strings.Contains(p.body, `value="&lt;b&gt;x&lt;/b&gt;"`) {
			t.Error("the posted username is not echoed escaped")
		}
		wantHTMLHeaders(t, p)
		if got := p.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
	})
	t.Run("ErrSignUpTaken", func(t *testing.T) {
		p := e.browser().post("/register", url.Values{"username": {"alice"}, "password": {"correct horse"}})
		if p.status != 409 || !strings.Contains(p.body, "taken") {
			t.Errorf("got %d, want 409 naming the taken username", p.status)
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		token := b.cookies[pages.SessionCookie]
		p := b.post("/logout", url.Values{})
		if p.status != 303 || p.header.Get("Location") != "/" {
			t.Errorf("got %d, want 303 to /", p.status)
		}
		if b.cookies[pages.SessionCookie] != "" {
			t.Errorf("cookie not cleared: %q", p.header.Get("Set-Cookie"))
		}
		if _, err := e.app.Authenticate(context.Background(), token); chat.ErrorCode(err) != chat.EUNAUTHENTICATED {
			t.Errorf("old token after sign-out: got %v, want unauthenticated", err)
		}
		stale := e.browser()
		stale.cookies[pages.SessionCookie] = token
		if p := stale.get("/"); !strings.Contains(p.body, `action="/login"`) || stale.cookies[pages.SessionCookie] != "" {
			t.Errorf("a revoked cookie should show the sign-in form and be cleared")
		}
	})
	t.Run("ErrSignInWrongPassword", func(t *testing.T) {
		p := b.post("/login", url.Values{"username": {"alice"}, "password": {"wrong password"}})
		if p.status != 401 || !strings.Contains(p.body, "Wrong username or password.") || !strings.Contains(p.body, `value="alice"`) {
			t.Errorf("got %d %.400s", p.status, p.body)
		}
		if b.cookies[pages.SessionCookie] != "" {
			t.Error("a failed sign-in set a session")
		}
	})
	t.Run("SignIn", func(t *testing.T) {
		p := b.post("/login", url.Values{"username": {"ALICE"}, "password": {"correct horse"}})
		if p.status != 303 || b.cookies[pages.SessionCookie] == "" {
			t.Fatalf("got %d, want 303 with a session", p.status)
		}
		if home := b.get("/"); !strings.Contains(home.body, "Alice A.") {
			t.Errorf("home after sign-in: %.400s", home.body)
		}
	})
	t.Run("SecureCookieOverTLS", func(t *testing.T) {
		p := e.browser().post("/login", url.Values{"username": {"alice"}, "password": {"correct horse"}}, "X-Forwarded-Proto", "https")
		if !strings.Contains(p.header.Get("Set-Cookie"), "secure") && !strings.Contains(p.header.Get("Set-Cookie"), "Secure") {
			t.Errorf("Set-Cookie %q: want Secure when the request came over TLS", p.header.Get("Set-Cookie"))
		}
	})
}

func TestCrossSitePost(t *testing.T) {
	e := newEnv(t, nil, "https://app.example.com")
	b := e.browser()
	b.signUp("carol")
	form := url.Values{"username": {"carol"}, "password": {"correct horse"}}
	t.Run("ErrOtherOrigin", func(t *testing.T) {
		for _, path := range []string{"/login", "/register", "/logout", "/rooms/1/messages"} {
			p := b.post(path, form, "Origin", "https://evil.example")
			if p.status != 403 {
				t.Errorf("POST %s: got %d, want 403", path, p.status)
			}
			wantHTMLHeaders(t, p)
		}
		if b.cookies[pages.SessionCookie] == "" {
			t.Error("a refused logout cleared the session")
		}
	})
	t.Run("ErrNullOrigin", func(t *testing.T) {
		if p := b.post("/login", form, "Origin", "null"); p.status != 403 {
			t.Errorf("got %d, want 403", p.status)
		}
	})
	t.Run("ErrCrossSiteFetch", func(t *testing.T) {
		if p := b.post("/login", form, "Origin", "", "Sec-Fetch-Site", "cross-site"); p.status != 403 {
			t.Errorf("got %d, want 403", p.status)
		}
	})
	t.Run("OK", func(t *testing.T) {
		for _, origin := range []string{"", "https://app.example.com"} {
			if p := e.browser().post("/login", form, "Origin", origin); p.status != 303 {
				t.Errorf("Origin %q: got %d, want 303", origin, p.status)
			}
		}
	})
}

// guardedEnv is a server whose abuse limits are r, counted in process.
func guardedEnv(t *testing.T, r ratelimit.Rules) *env {
	t.Helper()
	g := ratelimit.NewGuard(inmem.NewLimiter(), inmem.NewBackoff(), r, nil)
	return newEnvWith(t, nil, func(o *pages.Options) { o.Guard = g })
}

func TestLimiter(t *testing.T) {
	t.Run("ErrFormBudget", func(t *testing.T) {
		e := guardedEnv(t, ratelimit.Rules{FormRate: 2})
		b := e.browser()
		b.signUp("limited_form")
		if p := b.post("/logout", url.Values{}); p.status != 303 {
			t.Fatalf("second post: got %d, want 303", p.status)
		}
		p := b.post("/login", url.Values{"username": {"limited_form"}, "password": {"correct horse"}})
		if p.status != 429 || p.header.Get("Retry-After") == "" {
			t.Errorf("third post: got %d Retry-After %q, want 429 with Retry-After", p.status, p.header.Get("Retry-After"))
		}
		wantHTMLHeaders(t, p)
	})
	t.Run("OKOriginCheckedFirst", func(t *testing.T) {
		e := guardedEnv(t, ratelimit.Rules{FormRate: 1})
		b := e.browser()
		if p := b.post("/register", url.Values{"username": {"x"}}, "Origin", "https://evil.example"); p.status != 403 {
			t.Fatalf("cross-site post: got %d, want 403", p.status)
		}
		b.signUp("origin_first")
	})
	t.Run("OKGetsNotLimited", func(t *testing.T) {
		e := guardedEnv(t, ratelimit.Rules{FormRate: 1})
		b := e.browser()
		b.signUp("gets_free")
		for range 3 {
			if p := b.get("/"); p.status != 200 {
				t.Fatalf("GET /: got %d", p.status)
			}
		}
	})
	// The sign-in form shares the JSON API's sign-in limit, apart from the
	// form budget: spending one leaves the other.
	t.Run("OKSignInBudgetApartFromForms", func(t *testing.T) {
		e := guardedEnv(t, ratelimit.Rules{SignInRate: 1, FormRate: 100})
		b := e.browser()
		b.signUp("apart")
		room, err := e.app.CreateRoom(context.Background(), mustUser(t, e, b), "apart", "", chat.RoomPublic)
		if err != nil {
			t.Fatal(err)
		}
		other := e.browser()
		form := url.Values{"username": {"apart"}, "password": {"correct horse"}}
		if p := other.post("/login", form); p.status != 303 {
			t.Fatalf("first sign-in: got %d", p.status)
		}
		if p := e.browser().post("/login", form); p.status != 429 || p.header.Get("Retry-After") == "" {
			t.Fatalf("second sign-in: got %d, want 429 with Retry-After", p.status)
		}
		page := b.get(fmt.Sprintf("/rooms/%d", room.ID))
		p := b.post(fmt.Sprintf("/rooms/%d/messages", room.ID), url.Values{"body": {"still posting"}, "client_id": {formClientID(t, page)}})
		if p.status != 303 {
			t.Errorf("message post after the sign-in budget is spent: got %d, want 303", p.status)
		}
	})
	t.Run("ErrSignInLockout", func(t *testing.T) {
		e := guardedEnv(t, ratelimit.Rules{SignInFailures: 2, SignInMaxDelay: time.Minute})
		e.browser().signUp("locked_out")
		wrong := url.Values{"username": {"LOCKED_OUT"}, "password": {"wrong horse"}}
		for i := range 3 {
			if p := e.browser().post("/login", wrong); p.status != 401 {
				t.Fatalf("wrong password %d: got %d, want 401", i+1, p.status)
			}
		}
		right := url.Values{"username": {"locked_out"}, "password": {"correct horse"}}
		p := e.browser().post("/login", right)
		if p.status != 429 || p.header.Get("Retry-After") == "" {
			t.Errorf("sign-in during the lock-out: got %d Retry-After %q, want 429", p.status, p.header.Get("Retry-After"))
		}
	})
}

func mustUser(t *testing.T, e *env, b *browser) *chat.User {
	t.Helper()
	u, err := e.app.Authenticate(context.Background(), b.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	return u
}
