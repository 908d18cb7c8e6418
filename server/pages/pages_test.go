package pages_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestSignedOut(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	t.Run("OK", func(t *testing.T) {
		p := b.get("/")
		if p.status != 200 {
			t.Fatalf("status: got %d", p.status)
		}
		wantHTMLHeaders(t, p)
		for _, want := range []string{`action="/login"`, `name="username"`, `type="password"`, `href="/register"`, "<title>Sign in · Parley</title>"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("body lacks %q", want)
			}
		}
		if got := p.header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("Cache-Control: got %q, want no-cache", got)
		}
		if len(p.header.Values("Set-Cookie")) != 0 {
			t.Errorf("Set-Cookie on a signed-out page: %q", p.header.Values("Set-Cookie"))
		}
		tag := p.header.Get("ETag")
		if tag == "" {
			t.Fatal("no ETag")
		}
		nm := b.get("/", "If-None-Match", tag)
		if nm.status != 304 || nm.body != "" {
			t.Errorf("If-None-Match: got %d %q, want 304", nm.status, nm.body)
		}
		wantHTMLHeaders(t, nm)
	})
	t.Run("RegisterForm", func(t *testing.T) {
		p := b.get("/register")
		if p.status != 200 || !strings.Contains(p.body, `action="/register"`) || !strings.Contains(p.body, `name="display_name"`) {
			t.Errorf("got %d %.300s", p.status, p.body)
		}
	})
	t.Run("Stylesheet", func(t *testing.T) {
		m := regexp.MustCompile(`href="(/_pages/style\.[^"]+\.css)"`).FindStringSubmatch(b.get("/").body)
		if m == nil {
			t.Fatal("no stylesheet link")
		}
		p := b.get(m[1])
		if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") || p.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("got %d %v", p.status, p.header)
		}
	})
	t.Run("ErrUnknownPath", func(t *testing.T) {
		p := b.get("/no/such/page")
		if p.status != 404 {
			t.Errorf("status: got %d, want 404 without a build", p.status)
		}
		wantHTMLHeaders(t, p)
	})
	t.Run("ErrRoomSignedOut", func(t *testing.T) {
		p := b.get("/rooms/1")
		if p.status != 401 || !strings.Contains(p.body, `action="/login"`) {
			t.Errorf("got %d, want 401 with the sign-in form", p.status)
		}
	})
}
