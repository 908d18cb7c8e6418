package static_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/static"
)

// testBuild is a small build whose siblings hold markers instead of real
// compressed bytes, so a test sees at a glance which variant it got.
func testBuild() fstest.MapFS {
	js := strings.Repeat("console.log('parley');\n", 100)
	return fstest.MapFS{
		".keep":                    {Data: nil},
		"index.html":               {Data: []byte(`<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>`)},
		"assets/app-1a2b3c.js":     {Data: []byte(js)},
		"assets/app-1a2b3c.js.br":  {Data: []byte("BROTLI")},
		"assets/app-1a2b3c.js.gz":  {Data: []byte("GZIP")},
		"assets/style-9f8e.css":    {Data: []byte("body{margin:0}")},
		"assets/logo-77aa.png":     {Data: []byte("\x89PNG")},
		"sw.js":                    {Data: []byte("self.skipWaiting()")},
		"sw.js.br":                 {Data: []byte("SW-BROTLI")},
		"sw.js.gz":                 {Data: []byte("SW-GZIP")},
		"workbox-5d6e.js":          {Data: []byte("workbox")},
		"manifest.webmanifest":     {Data: []byte(`{"name":"Parley"}`)},
		"favicon.ico":              {Data: []byte("ICO")},
		"icons/icon-192.png":       {Data: []byte("\x89PNG192")},
		"downloads/archive.tar.gz": {Data: []byte("TARGZ")},
	}
}

// newApp serves the build the way the server does: the static routes,
// then a catch-all standing in for the pages' SPA fallback.
func newApp(tb testing.TB, dist fstest.MapFS) (*fiber.App, *static.Handler) {
	tb.Helper()
	h, err := static.New(dist, static.Options{})
	if err != nil {
		tb.Fatalf("static.New: %v", err)
	}
	app := fiber.New()
	h.Register(app)
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Cookie(&fiber.Cookie{Name: "fallback", Value: "1"})
		return c.SendString("spa shell")
	})
	return app, h
}

type answer struct {
	status int
	header http.Header
	body   string
}

func get(tb testing.TB, app *fiber.App, method, target string, headers ...string) answer {
	tb.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func TestCacheHeaders(t *testing.T) {
	app, _ := newApp(t, testBuild())
	cases := []struct {
		path, wantCache, wantType string
	}{
		{"/assets/app-1a2b3c.js", "public, max-age=31536000, immutable", "text/javascript; charset=utf-8"},
		{"/assets/style-9f8e.css", "public, max-age=31536000, immutable", "text/css; charset=utf-8"},
		{"/assets/logo-77aa.png", "public, max-age=31536000, immutable", "image/png"},
		{"/sw.js", "no-cache", "text/javascript; charset=utf-8"},
		{"/workbox-5d6e.js", "no-cache", "text/javascript; charset=utf-8"},
		{"/manifest.webmanifest", "no-cache", "application/manifest+json"},
		{"/favicon.ico", "no-cache", "image/x-icon"},
		{"/icons/icon-192.png", "no-cache", "image/png"},
		{"/downloads/archive.tar.gz", "no-cache", "application/gzip"},
	}
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			a := get(t, app, "GET", tc.path, "Accept-Encoding", "br")
			if a.status != 200 {
				t.Fatalf("status: got %d, want 200", a.status)
			}
			if got := a.header.Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control: got %q, want %q", got, tc.wantCache)
			}
			if got := a.header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type: got %q, want %q", got, tc.wantType)
			}
			if a.header.Get("ETag") == "" {
				t.Error("ETag missing")
			}
			if got := a.header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary: got %q, want Accept-Encoding", got)
			}
			if got := a.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
			}
			if got := a.header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("Set-Cookie: got %q, want none", got)
			}
		})
	}
	t.Run("SwJsPrecompressed", func(t *testing.T) {
		a := get(t, app, "GET", "/sw.js", "Accept-Encoding", "gzip")
		if a.body != "SW-GZIP" || a.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("got body %q encoding %q, want the gzip sibling", a.body, a.header.Get("Content-Encoding"))
		}
	})
	t.Run("TarGzIsAFileOfItsOwn", func(t *testing.T) {
		a := get(t, app, "GET", "/downloads/archive.tar.gz", "Accept-Encoding", "gzip")
		if a.body != "TARGZ" || a.header.Get("Content-Encoding") != "" {
			t.Errorf("got body %q encoding %q, want the file as is", a.body, a.header.Get("Content-Encoding"))
		}
	})
}

func TestIfNoneMatch(t *testing.T) {
	app, _ := newApp(t, testBuild())
	first := get(t, app, "GET", "/sw.js", "Accept-Encoding", "br")
	tag := first.header.Get("ETag")
	t.Run("OK", func(t *testing.T) {
		for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
			a := get(t, app, "GET", "/sw.js", "Accept-Encoding", "br", "If-None-Match", inm)
			if a.status != 304 {
				t.Errorf("If-None-Match %s: status got %d, want 304", inm, a.status)
			}
			if a.body != "" {
				t.Errorf("If-None-Match %s: body got %q, want none", inm, a.body)
			}
			if a.header.Get("ETag") != tag || a.header.Get("Cache-Control") != "no-cache" || a.header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("If-None-Match %s: 304 headers got %v", inm, a.header)
			}
		}
	})
	t.Run("ErrOtherVariant", func(t *testing.T) {
		a := get(t, app, "GET", "/sw.js", "Accept-Encoding", "gzip", "If-None-Match", tag)
		if a.status != 200 || a.body != "SW-GZIP" {
			t.Errorf("got %d %q, want 200 with the gzip body", a.status, a.body)
		}
	})
	t.Run("ErrStale", func(t *testing.T) {
		a := get(t, app, "GET", "/sw.js", "Accept-Encoding", "br", "If-None-Match", `"stale"`)
		if a.status != 200 || a.body != "SW-BROTLI" {
			t.Errorf("got %d %q, want 200 with the body", a.status, a.body)
		}
	})
	t.Run("Immutable", func(t *testing.T) {
		tag := get(t, app, "GET", "/assets/app-1a2b3c.js").header.Get("ETag")
		a := get(t, app, "GET", "/assets/app-1a2b3c.js", "If-None-Match", tag)
		if a.status != 304 {
			t.Errorf("status: got %d, want 304", a.status)
		}
	})
}

func TestHead(t *testing.T) {
	app, _ := newApp(t, testBuild())
	for _, path := range []string{"/assets/app-1a2b3c.js", "/sw.js"} {
		a := get(t, app, "HEAD", path, "Accept-Encoding", "gzip")
		g := get(t, app, "GET", path, "Accept-Encoding", "gzip")
		if a.status != 200 || a.body != "" {
			t.Errorf("HEAD %s: got %d with body %q, want 200 and no body", path, a.status, a.body)
		}
		for _, h := range []string{"Content-Length", "Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary"} {
			if got, want := a.header.Get(h), g.header.Get(h); got != want {
				t.Errorf("HEAD %s: %s got %q, want %q as for GET", path, h, got, want)
			}
		}
	}
}

func TestFallback(t *testing.T) {
	app, h := newApp(t, testBuild())
	t.Run("UnknownAssetIs404", func(t *testing.T) {
		for _, path := range []string{"/assets/app-gone.js", "/assets/", "/assets/app-1a2b3c.js.br", "/assets/../index.html"} {
			a := get(t, app, "GET", path)
			if a.status != 404 {
				t.Errorf("%s: status got %d, want 404", path, a.status)
			}
			if strings.Contains(a.body, "spa shell") || strings.Contains(a.body, "<html") {
				t.Errorf("%s: body got %q, want a plain 404", path, a.body)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("%s: Content-Type got %q, want text/plain", path, ct)
			}
			if got := a.header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("%s: Set-Cookie got %q, want none", path, got)
			}
		}
	})
	t.Run("ClientRouteFallsThrough", func(t *testing.T) {
		for _, path := range []string{"/rooms/12", "/settings", "/index.html", "/sw.js.br"} {
			if a := get(t, app, "GET", path); a.status != 200 || a.body != "spa shell" {
				t.Errorf("%s: got %d %q, want the catch-all", path, a.status, a.body)
			}
		}
	})
	t.Run("DotFilesHidden", func(t *testing.T) {
		for _, path := range []string{"/.vite/manifest.json", "/.keep"} {
			if a := get(t, app, "GET", path); a.body != "spa shell" {
				t.Errorf("%s: got %d %q, want it left to the catch-all", path, a.status, a.body)
			}
		}
	})
	t.Run("OtherMethodsFallThrough", func(t *testing.T) {
		if a := get(t, app, "POST", "/sw.js"); a.body == "self.skipWaiting()" {
			t.Errorf("POST /sw.js served the file")
		}
	})
	t.Run("IndexHTML", func(t *testing.T) {
		if !h.HasSPA() || !bytes.Contains(h.IndexHTML(), []byte(`<div id="root">`)) {
			t.Errorf("HasSPA %v, IndexHTML %q", h.HasSPA(), h.IndexHTML())
		}
	})
	t.Run("NoBuild", func(t *testing.T) {
		h, err := static.New(fstest.MapFS{".keep": {}}, static.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if h.HasSPA() || h.IndexHTML() != nil || h.Len() != 0 {
			t.Errorf("got HasSPA %v, %d files, want an empty handler", h.HasSPA(), h.Len())
		}
	})
}
