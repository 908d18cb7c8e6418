package pages_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parleychat/parley/assets"
)

func TestSPAShell(t *testing.T) {
	e := newEnv(t, spaBuild)
	b := e.browser()
	t.Run("PagesInsideRoot", func(t *testing.T) {
		p := b.get("/")
		if p.status != 200 {
			t.Fatalf("status %d", p.status)
		}
		wantHTMLHeaders(t, p)
		for _, want := range []string{
			`<script type="module" crossorigin src="/assets/index-a1b2.js"></script>`,
			`<link rel="stylesheet" crossorigin href="/assets/index-c3d4.css">`,
			`<title>Sign in · Parley</title>`,
			`<div id="root"><div class="ssr">`,
			`action="/login"`,
		} {
			if !strings.Contains(p.body, want) {
				t.Errorf("page lacks %q:\n%s", want, p.body)
			}
		}
		if strings.Count(p.body, "<title>") != 1 || strings.Count(p.body, `id="root"`) != 1 {
			t.Error("the shell's title or root was duplicated")
		}
		if strings.Index(p.body, "/_pages/style.") > strings.Index(p.body, "</head>") {
			t.Error("the pages' stylesheet is not linked in the head")
		}
	})
	t.Run("NoInlineScript", func(t *testing.T) {
		for _, path := range []string{"/", "/register", "/settings"} {
			for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(b.get(path).body, -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s: inline script %s", path, tag)
				}
			}
			if strings.Contains(b.get(path).body, " style=") {
				t.Errorf("%s: inline style attribute", path)
			}
		}
	})
	t.Run("ClientRouteFallback", func(t *testing.T) {
		for _, path := range []string{"/settings", "/rooms/12/members", "/index.html"} {
			p := b.get(path)
			if p.status != 200 || !strings.Contains(p.body, `src="/assets/index-a1b2.js"`) || !strings.Contains(p.body, "<title>Parley</title>") {
				t.Errorf("%s: got %d, want the SPA shell", path, p.status)
			}
			wantHTMLHeaders(t, p)
			if p.header.Get("ETag") == "" || p.header.Get("Cache-Control") != "no-cache" {
				t.Errorf("%s: ETag %q Cache-Control %q", path, p.header.Get("ETag"), p.header.Get("Cache-Control"))
			}
		}
	})
	t.Run("ErrReservedPaths", func(t *testing.T) {
		for _, path := range []string{"/api/v1/nope", "/api", "/ws", "/metrics", "/healthz", "/readyz"} {
			p := b.get(path)
			if p.status != 404 || !strings.Contains(p.body, `"not_found"`) {
				t.Errorf("%s: got %d %.100q, want the server's own 404", path, p.status, p.body)
			}
		}
		p := b.get("/assets/index-gone.js")
		if p.status != 404 || strings.Contains(p.body, "<") {
			t.Errorf("unknown asset: got %d %.100q, want a plain 404", p.status, p.body)
		}
		if p := b.get("/api/v1/ping"); p.body != "pong" {
			t.Errorf("an API route registered first: got %q", p.body)
		}
	})
	t.Run("StaticFiles", func(t *testing.T) {
		p := b.get("/sw.js")
		if p.status != 200 || p.body != "self.skipWaiting()" || p.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("/sw.js: got %d %q", p.status, p.body)
		}
		if got := p.header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("/sw.js: Set-Cookie %q", got)
		}
	})
}

// TestRealBuildShell checks that the embedded SPA build, when there is
// one, gets the server-rendered markup inside its root and runs under the
// CSP: no inline scripts or styles.
func TestRealBuildShell(t *testing.T) {
	dist := assets.Dist()
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		t.Log("no frontend build embedded: the plain layout is covered by the other tests")
		return
	}
	build := fstest.MapFS{}
	err := fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dist, name)
		build[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, build)
	p := e.browser().get("/")
	if !strings.Contains(p.body, `<div id="root"><div class="ssr">`) {
		t.Errorf("the build's index.html needs an empty <div id=\"root\"></div> after </head>; got:\n%s", p.body)
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(p.body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("inline script %s would be blocked by the CSP", tag)
		}
	}
	if regexp.MustCompile(`<style|\sstyle=`).MatchString(p.body) {
		t.Error("inline style would be blocked by the CSP")
	}
}
