package pages_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/pages"
	"github.com/parleychat/parley/server/static"
	"github.com/parleychat/parley/server/testenv"
)

// cheapPasswords keeps argon2id real but small so that tests sign up fast.
var cheapPasswords = app.PasswordParams{MemoryKiB: 1024, Time: 1}

// spaBuild is a minimal SPA build shaped like Vite's output.
var spaBuild = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Parley</title>
    <script type="module" crossorigin src="/assets/index-a1b2.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-c3d4.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`)},
	"assets/index-a1b2.js":  {Data: []byte("console.log(1)")},
	"assets/index-c3d4.css": {Data: []byte("body{}")},
	"sw.js":                 {Data: []byte("self.skipWaiting()")},
}

// env is a server with the static and page routes over a fresh database,
// listening on a free port like the real one.
type env struct {
	t     testing.TB
	app   *app.App
	base  string
	fiber *fiber.App
}

func newEnv(t testing.TB, build fstest.MapFS, allowed ...string) *env {
	t.Helper()
	return newEnvWith(t, build, func(o *pages.Options) { o.AllowedOrigins = allowed })
}

// newEnvWith lets a test adjust the pages' options.
func newEnvWith(t testing.TB, build fstest.MapFS, adjust func(*pages.Options)) *env {
	t.Helper()
	_, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	st, err := static.New(build, static.Options{})
	if err != nil {
		t.Fatalf("static.New: %v", err)
	}
	o := pages.Options{App: a, Static: st}
	adjust(&o)
	p, err := pages.New(o)
	if err != nil {
		t.Fatalf("pages.New: %v", err)
	}
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	f.Get("/api/v1/ping", func(c *fiber.Ctx) error { return c.SendString("pong") })
	st.Register(f)
	p.Register(f)
	// What the server answers when no route took the request.
	f.Use(func(c *fiber.Ctx) error {
		return c.Status(404).JSON(fiber.Map{"error": fiber.Map{"code": "not_found", "message": "Not found."}})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Listener(ln) }()
	t.Cleanup(func() {
		if err := f.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return &env{t: t, app: a, base: "http://" + ln.Addr().String(), fiber: f}
}

// browser is one client with its own cookies that does not follow
// redirects, so tests see each 303.
type browser struct {
	e       *env
	cookies map[string]string
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values, headers ...string) page {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, b.e.base+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.e.base)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func (b *browser) get(path string, headers ...string) page {
	b.e.t.Helper()
	return b.do("GET", path, nil, headers...)
}

func (b *browser) post(path string, form url.Values, headers ...string) page {
	b.e.t.Helper()
	return b.do("POST", path, form, headers...)
}

// signUp registers a user through the form and keeps its cookie.
func (b *browser) signUp(username string) {
	b.e.t.Helper()
	p := b.post("/register", url.Values{"username": {username}, "password": {"correct horse"}, "display_name": {strings.ToUpper(username)}})
	if p.status != 303 || b.cookies[pages.SessionCookie] == "" {
		b.e.t.Fatalf("sign up %s: got %d, cookies %v, body %.300s", username, p.status, b.cookies, p.body)
	}
}

// wantHTMLHeaders checks the headers every HTML answer carries.
func wantHTMLHeaders(tb testing.TB, p page) {
	tb.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := p.header.Get(k); got != v {
			tb.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	if p.status != 304 {
		if got := p.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			tb.Errorf("Content-Type: got %q", got)
		}
	}
}

var clientIDField = regexp.MustCompile(`name="client_id" value="([^"]+)"`)

func formClientID(tb testing.TB, p page) string {
	tb.Helper()
	m := clientIDField.FindStringSubmatch(p.body)
	if m == nil {
		tb.Fatalf("no client_id field in %.500s", p.body)
	}
	return m[1]
}
