package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

// testEnv is one server over its own fresh database.
type testEnv struct {
	t   testing.TB
	srv *web.Server
}

var userSeq atomic.Int64

// cheapPasswords keeps argon2id real but small so that tests sign up fast.
var cheapPasswords = app.PasswordParams{MemoryKiB: 1024, Time: 1}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	_, store := testenv.Open(t)
	return newEnvOn(t, store)
}

type fullStore interface {
	chat.UserStore
	chat.SessionStore
	chat.RoomStore
	chat.MessageStore
}

func newEnvOn(t testing.TB, store fullStore) *testEnv {
	t.Helper()
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	srv, err := web.New(web.Options{App: a, BodyLimit: 64 << 10, Instance: "test"})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return &testEnv{t: t, srv: srv}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorCode returns the contract's error code, failing when the body is
// not in the contract's error shape.
func (r *response) errorCode(t testing.TB) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	r.decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not an error body: %s", r.body)
	}
	return e.Error.Code
}

type req struct {
	method, path, token string
	body                any
	header              map[string]string
}

func (e *testEnv) do(r req) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(r.method, r.path, rd)
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := e.srv.Fiber().Test(hr, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &response{status: res.StatusCode, header: res.Header, body: body}
}

func (e *testEnv) expect(r req, status int) *response {
	e.t.Helper()
	res := e.do(r)
	if res.status != status {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, res.status, status, res.body)
	}
	return res
}

type account struct {
	user  chat.User
	token string
}

func (e *testEnv) signUp(name string) account {
	e.t.Helper()
	username := fmt.Sprintf("%s%d", name, userSeq.Add(1))
	res := e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": username, "password": "correct horse"}}, 201)
	var out struct {
		User  chat.User `json:"user"`
		Token string    `json:"token"`
	}
	res.decode(e.t, &out)
	return account{user: out.User, token: out.Token}
}

func (e *testEnv) createRoom(a account, name, kind string) chat.Room {
	e.t.Helper()
	res := e.expect(req{method: "POST", path: "/api/v1/rooms", token: a.token, body: map[string]string{"name": name, "kind": kind}}, 201)
	var out struct {
		Room chat.Room `json:"room"`
	}
	res.decode(e.t, &out)
	return out.Room
}

func (e *testEnv) send(a account, roomID int64, body, clientID string) chat.Message {
	e.t.Helper()
	res := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", roomID), token: a.token, body: map[string]string{"body": body, "client_id": clientID}})
	if res.status != 201 && res.status != 200 {
		e.t.Fatalf("send: status %d: %s", res.status, res.body)
	}
	var out struct {
		Message chat.Message `json:"message"`
	}
	res.decode(e.t, &out)
	return out.Message
}

func (e *testEnv) messages(a account, roomID int64, query string) ([]chat.Message, bool) {
	e.t.Helper()
	res := e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages%s", roomID, query), token: a.token}, 200)
	var out struct {
		Messages []chat.Message `json:"messages"`
		HasMore  bool           `json:"has_more"`
	}
	res.decode(e.t, &out)
	return out.Messages, out.HasMore
}

// serve runs the server on a free loopback port until the test ends and
// returns its base URL.
func (e *testEnv) serve(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
		<-done
	})
	return "http://" + ln.Addr().String()
}
