package clustertest_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

const immutable = "public, max-age=31536000, immutable"

// fetch GETs url with the given Accept-Encoding ("" sends identity) and
// returns the response with its raw, still encoded body.
func fetch(tb testing.TB, c *http.Client, url, acceptEncoding string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if acceptEncoding == "" {
		acceptEncoding = "identity"
	}
	// Setting the header ourselves keeps Go from decoding gzip for us.
	req.Header.Set("Accept-Encoding", acceptEncoding)
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read %s: %v", url, err)
	}
	return resp, string(body)
}

func TestNginxAssets(t *testing.T) {
	var hits atomic.Int64
	replica := startFakeReplica(t, "fake-assets", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.Contains(r.URL.Path, "missing") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", immutable)
		h.Set("Vary", "Accept-Encoding")
		ae := r.Header.Get("Accept-Encoding")
		switch {
		case strings.Contains(ae, "br"):
			h.Set("Content-Encoding", "br")
			io.WriteString(w, "upstream-br")
		case strings.Contains(ae, "gzip"):
			h.Set("Content-Encoding", "gzip")
			io.WriteString(w, "upstream-gzip")
		default:
			io.WriteString(w, "upstream-plain")
		}
	}))

	// A copy of the build on nginx's disk, with precompressed siblings.
	static := sharedTempDir(t)
	if err := os.Mkdir(filepath.Join(static, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"disk-1a2b.js":    "disk-plain",
		"disk-1a2b.js.gz": "disk-gzip",
		"disk-1a2b.js.br": "disk-br",
	} {
		if err := os.WriteFile(filepath.Join(static, "assets", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := startNginx(t, []string{replica.addr()}, map[string]string{"NGINX_STATIC_ROOT": static})
	c := boundClient(t, "127.0.9.1")
	_, err := os.Stat(brotliModule)
	hasBrotli := err == nil

	t.Run("OKDiskPrecompressed", func(t *testing.T) {
		wantBr, wantBrEnc := "disk-br", "br"
		if !hasBrotli {
			wantBr, wantBrEnc = "disk-gzip", "gzip"
		}
		for _, tc := range []struct{ accept, body, encoding string }{
			{"gzip, deflate, br", wantBr, wantBrEnc},
			{"gzip", "disk-gzip", "gzip"},
			{"", "disk-plain", ""},
		} {
			resp, body := fetch(t, c, base+"/assets/disk-1a2b.js", tc.accept)
			if resp.StatusCode != http.StatusOK || body != tc.body {
				t.Errorf("Accept-Encoding %q: %d %q, want 200 %q", tc.accept, resp.StatusCode, body, tc.body)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Accept-Encoding %q: Content-Encoding = %q, want %q", tc.accept, got, tc.encoding)
			}
			if got := resp.Header.Get("Cache-Control"); got != immutable {
				t.Errorf("Cache-Control = %q, want %q", got, immutable)
			}
			if got := resp.Header.Get("Vary"); tc.encoding != "" && got != "Accept-Encoding" {
				t.Errorf("Accept-Encoding %q: Vary = %q, want Accept-Encoding", tc.accept, got)
			}
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("files on disk reached the replica %d times", n)
		}
	})

	t.Run("OKEdgeCacheHonoursVary", func(t *testing.T) {
		before := hits.Load()
		for _, tc := range []struct{ accept, body, cache string }{
			{"br, gzip", "upstream-br", "MISS"},
			{"br, gzip", "upstream-br", "HIT"},
			{"gzip", "upstream-gzip", "MISS"},
			{"gzip", "upstream-gzip", "HIT"},
			{"", "upstream-plain", "MISS"},
			{"", "upstream-plain", "HIT"},
			// nginx keys variants on the Accept-Encoding it received, so
			// another spelling is another variant, never a wrong encoding.
			{"gzip, br", "upstream-br", "MISS"},
			{"gzip, br", "upstream-br", "HIT"},
		} {
			resp, body := fetch(t, c, base+"/assets/app-9f8e.js", tc.accept)
			if body != tc.body {
				t.Errorf("Accept-Encoding %q: body %q, want %q", tc.accept, body, tc.body)
			}
			if got := resp.Header.Get("X-Cache-Status"); got != tc.cache {
				t.Errorf("Accept-Encoding %q: cache %q, want %q", tc.accept, got, tc.cache)
			}
		}
		if got, want := hits.Load()-before, int64(4); got != want {
			t.Errorf("replica served %d requests, want %d (one per variant)", got, want)
		}
	})

	t.Run("ErrMissingAssetNotCached", func(t *testing.T) {
		// During a rolling deploy a new asset may be missing on an old
		// replica for a moment: its 404 must not stick at the edge.
		before := hits.Load()
		for range 2 {
			resp, _ := fetch(t, c, base+"/assets/missing-0000.js", "")
			if got, want := resp.StatusCode, http.StatusNotFound; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
		}
		if got, want := hits.Load()-before, int64(2); got != want {
			t.Errorf("replica saw %d requests, want %d", got, want)
		}
	})
}
