package static_test

import (
	"strconv"
	"strings"
	"testing"
)

func TestAcceptEncoding(t *testing.T) {
	app, _ := newApp(t, testBuild())
	cases := []struct {
		name, acceptEncoding, wantEncoding, wantBody string
	}{
		{"Absent", "", "", "console.log"},
		{"Br", "br", "br", "BROTLI"},
		{"Gzip", "gzip", "gzip", "GZIP"},
		{"BrowserDefault", "gzip, deflate, br, zstd", "br", "BROTLI"},
		{"BothWithGzipPreferred", "br;q=0.5, gzip;q=1", "gzip", "GZIP"},
		{"BothWithBrPreferred", "gzip;q=0.8, br;q=0.9", "br", "BROTLI"},
		{"TieGoesToBr", "gzip;q=0.7, br;q=0.7", "br", "BROTLI"},
		{"BrRefused", "br;q=0, gzip", "gzip", "GZIP"},
		{"BothRefused", "br;q=0, gzip;q=0", "", "console.log"},
		{"Identity", "identity", "", "console.log"},
		{"Star", "*", "br", "BROTLI"},
		{"StarButBrRefused", "*;q=0.5, br;q=0", "gzip", "GZIP"},
		{"StarRefused", "*;q=0", "", "console.log"},
		{"CaseAndSpaces", " GZIP ; Q=1.0 ,BR;q=0.001", "gzip", "GZIP"},
		{"MalformedWeightIgnored", "br;q=2, gzip", "gzip", "GZIP"},
		{"XGzip", "x-gzip", "gzip", "GZIP"},
		{"UnknownOnly", "deflate, zstd", "", "console.log"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, app, "GET", "/assets/app-1a2b3c.js", "Accept-Encoding", tc.acceptEncoding)
			if a.status != 200 {
				t.Fatalf("status: got %d, want 200", a.status)
			}
			if got := a.header.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Errorf("Content-Encoding: got %q, want %q", got, tc.wantEncoding)
			}
			if !strings.HasPrefix(a.body, tc.wantBody) {
				t.Errorf("body: got %.20q, want prefix %q", a.body, tc.wantBody)
			}
			if got, want := a.header.Get("Content-Length"), strconv.Itoa(len(a.body)); got != want {
				t.Errorf("Content-Length: got %s, want %s", got, want)
			}
			if got := a.header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary: got %q, want Accept-Encoding", got)
			}
			if got := a.header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
				t.Errorf("Content-Type: got %q", got)
			}
		})
	}
	t.Run("OnlyIdentityAvailable", func(t *testing.T) {
		a := get(t, app, "GET", "/assets/style-9f8e.css", "Accept-Encoding", "br, gzip")
		if got := a.header.Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding: got %q, want none", got)
		}
		if a.body != "body{margin:0}" {
			t.Errorf("body: got %q", a.body)
		}
	})
}

func TestETagsDifferPerVariant(t *testing.T) {
	app, _ := newApp(t, testBuild())
	seen := map[string]string{}
	for _, ae := range []string{"", "br", "gzip"} {
		tag := get(t, app, "GET", "/assets/app-1a2b3c.js", "Accept-Encoding", ae).header.Get("ETag")
		if !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || len(tag) < 10 {
			t.Fatalf("ETag for %q: got %q, want a strong quoted tag", ae, tag)
		}
		if other, dup := seen[tag]; dup {
			t.Errorf("ETag %s shared by %q and %q", tag, other, ae)
		}
		seen[tag] = ae
	}
}
