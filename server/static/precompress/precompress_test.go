package precompress_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/parleychat/parley/server/static/precompress"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	big := []byte(strings.Repeat("body { color: #123456; margin: 0 auto; }\n", 100))
	files := map[string][]byte{
		"assets/app.css":       big,
		"assets/app.js":        big,
		"index.html":           big,
		"manifest.webmanifest": big,
		"small.js":             []byte("let a = 1;"),
		"logo.png":             big, // not a text asset
		"random.js":            randomish(4096),
	}
	for name, b := range files {
		write(t, filepath.Join(dir, name), b)
	}
	// A sibling left by an older build of a file that no longer compresses.
	write(t, filepath.Join(dir, "random.js.br"), []byte("stale"))

	st, err := precompress.Dir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		for _, name := range []string{"assets/app.css", "assets/app.js", "index.html", "manifest.webmanifest"} {
			br := read(t, filepath.Join(dir, name+".br"))
			gz := read(t, filepath.Join(dir, name+".gz"))
			if len(br) >= len(big) || len(gz) >= len(big) {
				t.Errorf("%s: br %d, gz %d bytes, want both under %d", name, len(br), len(gz), len(big))
			}
			if got := unbrotli(t, br); !bytes.Equal(got, big) {
				t.Errorf("%s.br does not decode to the original", name)
			}
			if got := gunzip(t, gz); !bytes.Equal(got, big) {
				t.Errorf("%s.gz does not decode to the original", name)
			}
		}
		if got, want := st.Files, 5; got != want {
			t.Errorf("Files: got %d, want %d", got, want)
		}
		if got, want := st.BrFiles, 4; got != want {
			t.Errorf("BrFiles: got %d, want %d", got, want)
		}
		if !strings.Contains(st.String(), "5 files") {
			t.Errorf("summary %q", st)
		}
	})
	t.Run("ErrNotWorthIt", func(t *testing.T) {
		for _, name := range []string{"small.js.br", "small.js.gz", "logo.png.br", "logo.png.gz", "random.js.br", "random.js.gz"} {
			if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
				t.Errorf("%s exists (err %v), want none", name, err)
			}
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		before := read(t, filepath.Join(dir, "assets/app.js.gz"))
		beforeBr := read(t, filepath.Join(dir, "assets/app.js.br"))
		st, err := precompress.Dir(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Unchanged != st.Files {
			t.Errorf("second run changed %d of %d files", st.Files-st.Unchanged, st.Files)
		}
		if !bytes.Equal(before, read(t, filepath.Join(dir, "assets/app.js.gz"))) || !bytes.Equal(beforeBr, read(t, filepath.Join(dir, "assets/app.js.br"))) {
			t.Error("second run wrote different bytes")
		}
	})
	t.Run("ErrMissingDir", func(t *testing.T) {
		if _, err := precompress.Dir(context.Background(), filepath.Join(dir, "nope")); err == nil {
			t.Error("got nil error for a missing directory")
		}
	})
}

// randomish returns bytes that do not compress (a xorshift stream).
func randomish(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func write(tb testing.TB, name string, b []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func read(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func unbrotli(tb testing.TB, b []byte) []byte {
	tb.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
