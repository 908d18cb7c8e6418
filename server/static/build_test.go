package static_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/assets"
	"github.com/parleychat/parley/server/static"
	"github.com/parleychat/parley/server/static/precompress"
)

// TestPrecompressedBuild runs the build step on a directory and serves its
// output: each encoded answer must decode to the original.
func TestPrecompressedBuild(t *testing.T) {
	dir := t.TempDir()
	js := []byte(strings.Repeat("export const greet = (n) => `hello ${n}`;\n", 200))
	writeFile(t, filepath.Join(dir, "assets", "app-abc.js"), js)
	writeFile(t, filepath.Join(dir, "index.html"), []byte(`<!doctype html><div id="root"></div>`))
	if _, err := precompress.Dir(context.Background(), dir); err != nil {
		t.Fatalf("precompress: %v", err)
	}
	h, err := static.New(os.DirFS(dir), static.Options{})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	h.Register(app)
	for _, ae := range []string{"br", "gzip", ""} {
		a := get(t, app, "GET", "/assets/app-abc.js", "Accept-Encoding", ae)
		if got := a.header.Get("Content-Encoding"); got != ae {
			t.Fatalf("Accept-Encoding %q: Content-Encoding got %q", ae, got)
		}
		if got := decode(t, ae, []byte(a.body)); !bytes.Equal(got, js) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the original", ae)
		}
	}
}

// TestRealBuild checks the embedded build when the frontend has been built.
func TestRealBuild(t *testing.T) {
	dist := assets.Dist()
	h, err := static.New(dist, static.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !h.HasSPA() {
		t.Log("no frontend build embedded: only the empty handler is checked")
		if h.Len() != 0 {
			t.Errorf("got %d files without a build, want 0", h.Len())
		}
		return
	}
	app := fiber.New()
	h.Register(app)
	err = fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir // bookkeeping of the bundler, not served
			}
			return nil
		}
		if d.IsDir() || name == "index.html" || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			return nil
		}
		want, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		a := get(t, app, "GET", "/"+name, "Accept-Encoding", "br, gzip")
		if a.status != 200 {
			t.Errorf("/%s: status %d", name, a.status)
			return nil
		}
		if got := decode(t, a.header.Get("Content-Encoding"), []byte(a.body)); !bytes.Equal(got, want) {
			t.Errorf("/%s: decoded body differs from the file", name)
		}
		immutable := strings.HasPrefix(name, "assets/")
		if cc := a.header.Get("Cache-Control"); immutable != strings.Contains(cc, "immutable") {
			t.Errorf("/%s: Cache-Control %q", name, cc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(tb testing.TB, name string, b []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func decode(tb testing.TB, encoding string, b []byte) []byte {
	tb.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			tb.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("decode %s: %v", encoding, err)
	}
	return out
}
