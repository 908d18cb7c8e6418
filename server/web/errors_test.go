package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
)

func TestRequestErrors(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("errs")

	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		// Fiber's in-memory test transport refuses big bodies itself, so
		// this one goes over a real socket. Only the headers are written:
		// the server answers from Content-Length and closes, and a client
		// still writing the body then could see the connection reset
		// before it reads the answer.
		base := e.serve(t)
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		head := "POST /api/v1/rooms HTTP/1.1\r\nHost: parley.test\r\nContent-Type: application/json\r\n" +
			"Authorization: Bearer " + a.token + "\r\nContent-Length: " + strconv.Itoa(70<<10) + "\r\n\r\n"
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 413 {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		r := &response{status: res.StatusCode, body: body}
		if got := r.errorCode(t); got != chat.ETOOLARGE {
			t.Errorf("code %q", got)
		}
	})
	t.Run("ErrMalformedJSON", func(t *testing.T) {
		for _, body := range []string{`{"name":`, `[1,2]`, `{"name":"a","kind":"public"} trailing`, ``} {
			res := e.expect(req{method: "POST", path: "/api/v1/rooms", token: a.token, body: body, header: map[string]string{"Content-Type": "application/json"}}, 400)
			if got := res.errorCode(t); got != chat.EINVALIDJSON {
				t.Errorf("%q: code %q", body, got)
			}
		}
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		res := e.expect(req{method: "POST", path: "/api/v1/dms", token: a.token, body: `{"user_id":"seven"}`}, 422)
		if !strings.Contains(string(res.body), `"field":"user_id"`) {
			t.Errorf("body %s does not name the field", res.body)
		}
	})
	t.Run("ErrContentType", func(t *testing.T) {
		res := e.expect(req{method: "POST", path: "/api/v1/rooms", token: a.token, body: `{"name":"a","kind":"public"}`, header: map[string]string{"Content-Type": "text/plain"}}, 415)
		if got := res.errorCode(t); got != chat.EUNSUPPORTED {
			t.Errorf("code %q", got)
		}
	})
	t.Run("ErrUnknownAPIPathIsJSON404", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/nothing-here", token: a.token}, 404)
		if got := res.errorCode(t); got != chat.ENOTFOUND {
			t.Errorf("code %q", got)
		}
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("content type %q", ct)
		}
	})
	t.Run("ErrCrossSiteCookieWrite", func(t *testing.T) {
		h := map[string]string{"Cookie": "parley_session=" + a.token, "Origin": "https://evil.example"}
		res := e.expect(req{method: "POST", path: "/api/v1/rooms", body: map[string]string{"name": "x", "kind": "public"}, header: h}, 403)
		if got := res.errorCode(t); got != chat.EFORBIDDEN {
			t.Errorf("code %q", got)
		}
		h["Origin"] = "http://example.com"
		e.expect(req{method: "POST", path: "/api/v1/rooms", body: map[string]string{"name": "x", "kind": "public"}, header: h}, 201)
	})
	t.Run("HeadersOnAPIAnswers", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/me", token: a.token, header: map[string]string{"X-Request-ID": "abc-123"}}, 200)
		if res.header.Get("X-Request-ID") != "abc-123" || !strings.HasPrefix(res.header.Get("Server-Timing"), "app;dur=") || res.header.Get("X-Parley-Instance") != "test" {
			t.Errorf("headers %v", res.header)
		}
	})
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	e.expect(req{method: "GET", path: "/healthz"}, 200)
	res := e.expect(req{method: "GET", path: "/metrics"}, 200)
	if !strings.Contains(string(res.body), "parley_http_requests_total") {
		t.Errorf("metrics lack the request counter")
	}
	e.expect(req{method: "GET", path: "/readyz"}, 200)
	e.srv.Drain()
	res = e.expect(req{method: "GET", path: "/readyz"}, 503)
	if !strings.Contains(string(res.body), "draining") {
		t.Errorf("readyz while draining: %s", res.body)
	}
}
