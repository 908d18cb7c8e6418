package web_test

import (
	"strings"
	"testing"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)

	t.Run("RegisterSetsCookieAndToken", func(t *testing.T) {
		res := e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "Alice_1", "password": "correct horse", "display_name": "Alice"}}, 201)
		var out struct {
			User  chat.User `json:"user"`
			Token string    `json:"token"`
		}
		res.decode(t, &out)
		if got, want := out.User.Username, "alice_1"; got != want {
			t.Errorf("username = %q, want %q (lowercased)", got, want)
		}
		if out.User.DisplayName != "Alice" || out.User.ID == 0 || out.Token == "" {
			t.Errorf("unexpected answer %s", res.body)
		}
		cookie := res.header.Get("Set-Cookie")
		for _, want := range []string{"parley_session=" + out.Token, "httponly", "samesite=lax", "path=/"} {
			if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
				t.Errorf("Set-Cookie %q lacks %q", cookie, want)
			}
		}
		if strings.Contains(string(res.body), "password") {
			t.Errorf("answer leaks password material: %s", res.body)
		}
	})

	t.Run("ErrUsernameTakenCaseInsensitive", func(t *testing.T) {
		res := e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "ALICE_1", "password": "correct horse"}}, 409)
		if got := res.errorCode(t); got != chat.ECONFLICT {
			t.Errorf("code = %q", got)
		}
	})

	t.Run("ErrFieldRules", func(t *testing.T) {
		cases := []struct {
			body  map[string]string
			field string
		}{
			{map[string]string{"username": "ab", "password": "correct horse"}, "username"},
			{map[string]string{"username": "has space", "password": "correct horse"}, "username"},
			{map[string]string{"username": strings.Repeat("a", 33), "password": "correct horse"}, "username"},
			{map[string]string{"username": "bobby", "password": "short"}, "password"},
			{map[string]string{"username": "bobby", "password": strings.Repeat("p", 129)}, "password"},
		}
		for _, c := range cases {
			res := e.expect(req{method: "POST", path: "/api/v1/auth/register", body: c.body}, 422)
			var out struct {
				Error struct{ Code, Field string } `json:"error"`
			}
			res.decode(t, &out)
			if out.Error.Code != chat.EINVALID || out.Error.Field != c.field {
				t.Errorf("%v: got %s, want invalid on %s", c.body, res.body, c.field)
			}
		}
	})

	t.Run("LoginAndMe", func(t *testing.T) {
		a := e.signUp("carol")
		res := e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": a.user.Username, "password": "correct horse"}}, 200)
		var out struct {
			User  chat.User `json:"user"`
			Token string    `json:"token"`
		}
		res.decode(t, &out)
		if out.Token == "" || out.Token == a.token || out.User.ID != a.user.ID {
			t.Fatalf("login answer %s", res.body)
		}
		me := e.expect(req{method: "GET", path: "/api/v1/me", token: out.Token}, 200)
		var meOut struct {
			User chat.User `json:"user"`
		}
		me.decode(t, &meOut)
		if meOut.User != a.user {
			t.Errorf("me = %+v, want %+v", meOut.User, a.user)
		}
	})

	t.Run("CookieAuthenticates", func(t *testing.T) {
		a := e.signUp("dave")
		e.expect(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": "parley_session=" + a.token}}, 200)
	})

	t.Run("ErrBadCredentials", func(t *testing.T) {
		a := e.signUp("erin")
		for _, body := range []map[string]string{
			{"username": a.user.Username, "password": "wrong password"},
			{"username": "nobody-here", "password": "correct horse"},
		} {
			res := e.expect(req{method: "POST", path: "/api/v1/auth/login", body: body}, 401)
			if got := res.errorCode(t); got != chat.EUNAUTHENTICATED {
				t.Errorf("code = %q", got)
			}
		}
	})

	t.Run("LogoutRevokesAtOnce", func(t *testing.T) {
		a := e.signUp("frank")
		e.expect(req{method: "POST", path: "/api/v1/auth/logout", token: a.token}, 204)
		res := e.expect(req{method: "GET", path: "/api/v1/me", token: a.token}, 401)
		if got := res.errorCode(t); got != chat.EUNAUTHENTICATED {
			t.Errorf("code = %q", got)
		}
		// Signing out twice is harmless.
		e.expect(req{method: "POST", path: "/api/v1/auth/logout", token: a.token}, 204)
	})

	t.Run("ErrUnauthenticatedEverywhere", func(t *testing.T) {
		paths := []struct{ method, path string }{
			{"GET", "/api/v1/me"}, {"GET", "/api/v1/users?q=a"}, {"GET", "/api/v1/rooms"},
			{"GET", "/api/v1/rooms/public"}, {"POST", "/api/v1/rooms"}, {"GET", "/api/v1/rooms/1"},
			{"POST", "/api/v1/rooms/1/join"}, {"POST", "/api/v1/rooms/1/leave"}, {"GET", "/api/v1/rooms/1/members"},
			{"POST", "/api/v1/rooms/1/members"}, {"POST", "/api/v1/dms"}, {"POST", "/api/v1/rooms/1/read"},
			{"GET", "/api/v1/rooms/1/messages"}, {"POST", "/api/v1/rooms/1/messages"},
			{"PATCH", "/api/v1/rooms/1/messages/1"}, {"DELETE", "/api/v1/rooms/1/messages/1"},
		}
		for _, p := range paths {
			for _, token := range []string{"", "not-a-real-token"} {
				res := e.expect(req{method: p.method, path: p.path, token: token}, 401)
				if got := res.errorCode(t); got != chat.EUNAUTHENTICATED {
					t.Errorf("%s %s: code %q", p.method, p.path, got)
				}
			}
		}
	})

	t.Run("UserSearch", func(t *testing.T) {
		a := e.signUp("zed")
		for i := 0; i < 25; i++ {
			e.signUp("searchme")
		}
		res := e.expect(req{method: "GET", path: "/api/v1/users?q=SEARCHME", token: a.token}, 200)
		var out struct {
			Users []chat.User `json:"users"`
		}
		res.decode(t, &out)
		if len(out.Users) != chat.UserSearchLimit {
			t.Fatalf("got %d users, want %d", len(out.Users), chat.UserSearchLimit)
		}
		for _, u := range out.Users {
			if !strings.HasPrefix(u.Username, "searchme") {
				t.Errorf("user %q does not match the prefix", u.Username)
			}
		}
		res = e.expect(req{method: "GET", path: "/api/v1/users?q=" + strings.Repeat("x", 40), token: a.token}, 422)
		if got := res.errorCode(t); got != chat.EINVALID {
			t.Errorf("code = %q", got)
		}
	})
}

func TestAuthRateLimit(t *testing.T) {
	_, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	guard := ratelimit.NewGuard(inmem.NewLimiter(), inmem.NewBackoff(), ratelimit.Rules{SignInRate: 3, RegisterRate: 2}, nil)
	srv, err := web.New(web.Options{App: a, Guard: guard})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, srv: srv}
	for i := 0; i < 3; i++ {
		e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "nobody", "password": "wrong password"}}, 401)
	}
	res := e.expect(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "nobody", "password": "wrong password"}}, 429)
	if got := res.errorCode(t); got != chat.ERATELIMITED {
		t.Errorf("code %q", got)
	}
	if got := res.header.Get("Retry-After"); got == "" || got == "0" {
		t.Errorf("Retry-After %q", got)
	}
	// Sign-ups have their own budget.
	e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "limited1", "password": "correct horse"}}, 201)
	e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "limited2", "password": "correct horse"}}, 201)
	res = e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "limited3", "password": "correct horse"}}, 429)
	if res.header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After on the sign-up limit")
	}
}
