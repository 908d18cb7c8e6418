package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// fuzzEndpoints are the API's JSON body decoders; %d is a room the fuzzing
// user owns.
var fuzzEndpoints = []struct{ method, path string }{
	{"POST", "/api/v1/auth/register"},
	{"POST", "/api/v1/auth/login"},
	{"POST", "/api/v1/rooms"},
	{"POST", "/api/v1/rooms/%d/members"},
	{"POST", "/api/v1/dms"},
	{"POST", "/api/v1/rooms/%d/read"},
	{"POST", "/api/v1/rooms/%d/messages"},
	{"PATCH", "/api/v1/rooms/%d/messages/1"},
}

// serveRaw runs one request through the server's handler in process,
// with the URI and body exactly as given, and checks the invariant of
// every answer: below 500, and an error is in the contract's shape.
func (e *testEnv) serveRaw(t *testing.T, method, uri, token, contentType string, body []byte) {
	t.Helper()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetHost("example.com")
	if token != "" {
		ctx.Request.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		ctx.Request.Header.SetContentType(contentType)
	}
	ctx.Request.SetBody(body)
	e.srv.Fiber().Handler()(&ctx)
	status := ctx.Response.StatusCode()
	if status >= 500 {
		t.Fatalf("%s %q body %q: status %d %s", method, uri, body, status, ctx.Response.Body())
	}
	if status >= 400 {
		r := &response{status: status, body: ctx.Response.Body()}
		r.errorCode(t)
	}
}

// FuzzAPIBody posts any bytes to every JSON endpoint: no input may answer
// 5xx or panic.
func FuzzAPIBody(f *testing.F) {
	e := newEnv(f)
	a := e.signUp("fuzzbody")
	room := e.createRoom(a, "fuzz", "public")
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		ep := fuzzEndpoints[int(endpoint)%len(fuzzEndpoints)]
		path := ep.path
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, room.ID)
		}
		fe := &testEnv{t: t, srv: e.srv}
		fe.serveRaw(t, ep.method, path, a.token, "application/json", body)
	})
}

// FuzzAPIQuery sends any path ids and query strings to the history, room
// and user-search reads (before_seq, after_seq, limit, q, :id, :seq).
func FuzzAPIQuery(f *testing.F) {
	e := newEnv(f)
	a := e.signUp("fuzzquery")
	room := e.createRoom(a, "fuzzq", "public")
	e.send(a, room.ID, "hello", "fuzz-seed")
	f.Fuzz(func(t *testing.T, id, query string) {
		fe := &testEnv{t: t, srv: e.srv}
		if id == "" {
			id = fmt.Sprint(room.ID)
		}
		for _, uri := range []string{
			"/api/v1/rooms/" + id + "/messages?" + query,
			"/api/v1/rooms/" + id + "?" + query,
			"/api/v1/users?" + query,
		} {
			fe.serveRaw(t, "GET", uri, a.token, "", nil)
		}
		fe.serveRaw(t, "DELETE", "/api/v1/rooms/"+fmt.Sprint(room.ID)+"/messages/"+id, a.token, "", nil)
	})
}
