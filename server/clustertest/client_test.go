package clustertest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// The contract's JSON, as an outside client sees it.
type (
	apiUser struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	}
	apiRoom struct {
		ID      int64 `json:"id"`
		LastSeq int64 `json:"last_seq"`
	}
	apiMessage struct {
		ID       int64   `json:"id"`
		RoomID   int64   `json:"room_id"`
		Seq      int64   `json:"seq"`
		Body     string  `json:"body"`
		ClientID string  `json:"client_id"`
		User     apiUser `json:"user"`
	}
)

// apiClient talks to Parley through nginx from one source address.
type apiClient struct {
	name  string
	ip    string
	base  string
	http  *http.Client
	token string
	user  apiUser
}

func newAPIClient(tb testing.TB, base, ip, name string) *apiClient {
	tb.Helper()
	return &apiClient{name: name, ip: ip, base: base, http: boundClient(tb, ip)}
}

// call sends a JSON request and decodes a 2xx answer into out; any other
// status fails the test with the contract's error body.
func (a *apiClient) call(tb testing.TB, method, path string, body, out any) *http.Response {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	var raw []byte
	var resp *http.Response
	// A GET answered 503 is asked again after its Retry-After, as a
	// client does: during a failover nginx may have no replica to offer
	// for a moment. Nothing else is retried.
	for attempt := 0; ; attempt++ {
		if rd != nil {
			_, _ = rd.(io.Seeker).Seek(0, io.SeekStart)
		}
		req, err := http.NewRequest(method, a.base+path, rd)
		if err != nil {
			tb.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if a.token != "" {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
		resp, err = a.http.Do(req)
		if err != nil {
			tb.Fatalf("%s: %s %s: %v", a.name, method, path, err)
		}
		raw, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			tb.Fatalf("%s: %s %s: read: %v", a.name, method, path, err)
		}
		if method != http.MethodGet || resp.StatusCode != http.StatusServiceUnavailable || attempt >= 5 {
			break
		}
		wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || wait < 1 {
			wait = 1
		}
		time.Sleep(time.Duration(min(wait, 2)) * time.Second)
	}
	if resp.StatusCode/100 != 2 {
		tb.Fatalf("%s: %s %s = %d %s", a.name, method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.Fatalf("%s: %s %s: decode %s: %v", a.name, method, path, raw, err)
		}
	}
	return resp
}

// register signs a new user up and keeps its token; it returns the replica
// that answered.
func (a *apiClient) register(tb testing.TB, username string) string {
	tb.Helper()
	var out struct {
		User  apiUser `json:"user"`
		Token string  `json:"token"`
	}
	resp := a.call(tb, http.MethodPost, "/api/v1/auth/register",
		map[string]string{"username": username, "password": "correct horse battery"}, &out)
	if out.Token == "" {
		tb.Fatalf("%s: register answered no token", a.name)
	}
	a.token, a.user = out.Token, out.User
	return resp.Header.Get("X-Parley-Instance")
}

func (a *apiClient) createRoom(tb testing.TB, name string) apiRoom {
	tb.Helper()
	var out struct {
		Room apiRoom `json:"room"`
	}
	a.call(tb, http.MethodPost, "/api/v1/rooms", map[string]string{"name": name, "kind": "public"}, &out)
	return out.Room
}

func (a *apiClient) join(tb testing.TB, room int64) {
	tb.Helper()
	a.call(tb, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/join", room), nil, nil)
}
