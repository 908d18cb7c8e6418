package rules_test

import (
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

func TestCanonicalPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "/",
		"/":                 "/",
		"//":                "/",
		"/ws":               "/ws",
		"/ws/":              "/ws",
		"/ws//":             "/ws",
		"//ws":              "/ws",
		"/WS":               "/WS",
		"/a//b///c/":        "/a/b/c",
		"//evil.example/x":  "/evil.example/x",
		"/assets/Ab-C1.js":  "/assets/Ab-C1.js",
		"/api/v1/rooms/1/":  "/api/v1/rooms/1",
		"/api/v1//rooms//1": "/api/v1/rooms/1",
	} {
		if got := rules.CanonicalPath(in); got != want {
			t.Errorf("CanonicalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReserved(t *testing.T) {
	for path, want := range map[string]bool{
		"/api": true, "/API/v1/me": true, "/ws": true, "/WS": true, "/Metrics": true, "/debug/pprof/": true,
		"/wsx": false, "/apis": false, "/rooms/1": false, "/": false, "/login": false,
	} {
		if got := rules.Reserved(path); got != want {
			t.Errorf("Reserved(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := rules.ParseProxies([]string{"127.0.0.1", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddr
	cases := []struct {
		name string
		peer string
		xff  []string
		want string
	}{
		{"UntrustedPeerIgnoresHeader", "203.0.113.5", []string{"1.1.1.1"}, "203.0.113.5"},
		{"TrustedPeerNoHeader", "127.0.0.1", nil, "127.0.0.1"},
		{"RightmostUntrusted", "127.0.0.1", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"SkipsTrustedHops", "127.0.0.1", []string{"6.6.6.6, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"SeveralHeaderLines", "127.0.0.1", []string{"6.6.6.6", "198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"GarbageStopsAtLastGoodHop", "127.0.0.1", []string{"nonsense, 10.0.0.9"}, "10.0.0.9"},
		{"AllTrusted", "127.0.0.1", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"WithPort", "127.0.0.1", []string{"198.51.100.7:4711"}, "198.51.100.7"},
		{"IPv6", "127.0.0.1", []string{"[2001:db8::1]"}, "2001:db8::1"},
		{"MappedPeer", "::ffff:127.0.0.1", []string{"198.51.100.7"}, "198.51.100.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var xff [][]byte
			for _, h := range c.xff {
				xff = append(xff, []byte(h))
			}
			if got := proxies.ClientAddr(addr(c.peer), xff); got != addr(c.want) {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	t.Run("ErrBadProxy", func(t *testing.T) {
		if _, err := rules.ParseProxies([]string{"nginx"}); err == nil {
			t.Error("a host name was taken as a proxy")
		}
	})
}

func TestETagMatch(t *testing.T) {
	for _, c := range []struct {
		inm, etag string
		want      bool
	}{
		{"", `"a"`, false}, {`"a"`, `"a"`, true}, {`W/"a"`, `"a"`, true}, {`"b", "a"`, `"a"`, true},
		{"*", `"a"`, true}, {`"b"`, `"a"`, false}, {`"a`, `"a"`, false},
	} {
		if got := rules.ETagMatch(c.inm, c.etag); got != c.want {
			t.Errorf("ETagMatch(%q, %q) = %v", c.inm, c.etag, got)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err    error
		code   string
		status int
	}{
		{chat.Errorf(chat.EINVALID, "x"), chat.EINVALID, 422},
		{chat.RateLimited(0, "x"), chat.ERATELIMITED, 429},
		{fiber.ErrRequestHeaderFieldsTooLarge, chat.ETOOLARGE, 431},
		{fiber.ErrRequestTimeout, chat.EBADREQUEST, 408},
		{fiber.ErrRequestURITooLong, chat.ETOOLARGE, 414},
		{fiber.ErrMethodNotAllowed, chat.ENOTFOUND, 404},
		{fiber.ErrNotImplemented, chat.EBADREQUEST, 400},
		{fiber.ErrTeapot, chat.EBADREQUEST, 418},
		{fiber.ErrBadGateway, chat.EINTERNAL, 500},
		{fiber.ErrServiceUnavailable, chat.EUNAVAILABLE, 503},
	} {
		ce, status := rules.Classify(c.err)
		if ce.Code != c.code || status != c.status || ce.Message == "" {
			t.Errorf("Classify(%v) = %s %d %q, want %s %d", c.err, ce.Code, status, ce.Message, c.code, c.status)
		}
	}
}
