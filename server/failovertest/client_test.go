package failovertest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// client speaks the JSON API as one user.
type client struct {
	base  string
	token string
	http  *http.Client
}

type apiUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

type apiRoom struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	LastSeq int64  `json:"last_seq"`
}

type apiMessage struct {
	ID       int64  `json:"id"`
	Seq      int64  `json:"seq"`
	Body     string `json:"body"`
	ClientID string `json:"client_id"`
}

// register signs a new user up on base.
func register(tb testing.TB, base, username string) (*client, apiUser) {
	tb.Helper()
	c := &client{base: base, http: &http.Client{Timeout: 10 * time.Second}}
	var out struct {
		User  apiUser `json:"user"`
		Token string  `json:"token"`
	}
	if st := c.call(tb, "POST", "/api/v1/auth/register", map[string]string{"username": username, "password": "password123"}, &out); st != http.StatusCreated {
		tb.Fatalf("register %s: status %d", username, st)
	}
	c.token = out.Token
	return c, out.User
}

// on returns the same user talking to another server.
func (c *client) on(base string) *client {
	return &client{base: base, token: c.token, http: c.http}
}

// do sends a request and decodes a 2xx answer into out; it returns the
// status, or 0 when the server could not be reached.
func (c *client) do(method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode/100 == 2 && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s %s: %w: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, nil
}

// call is do that fails the test when the server cannot be reached.
func (c *client) call(tb testing.TB, method, path string, body, out any) int {
	tb.Helper()
	st, err := c.do(method, path, body, out)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return st
}

// must is call that also fails on a status other than want.
func (c *client) must(tb testing.TB, want int, method, path string, body, out any) {
	tb.Helper()
	if st := c.call(tb, method, path, body, out); st != want {
		tb.Fatalf("%s %s: status %d, want %d", method, path, st, want)
	}
}

func (c *client) createRoom(tb testing.TB, name, kind string) apiRoom {
	tb.Helper()
	var out struct{ Room apiRoom }
	c.must(tb, http.StatusCreated, "POST", "/api/v1/rooms", map[string]string{"name": name, "kind": kind}, &out)
	return out.Room
}

func (c *client) send(tb testing.TB, room int64, body, clientID string) apiMessage {
	tb.Helper()
	var out struct{ Message apiMessage }
	c.must(tb, http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rooms/%d/messages", room), map[string]string{"body": body, "client_id": clientID}, &out)
	return out.Message
}

func (c *client) history(tb testing.TB, room int64) []string {
	tb.Helper()
	var out struct{ Messages []apiMessage }
	c.must(tb, http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d/messages", room), nil, &out)
	bodies := make([]string, len(out.Messages))
	for i, m := range out.Messages {
		bodies[i] = m.Body
	}
	return bodies
}

func (c *client) rooms(tb testing.TB) []apiRoom {
	tb.Helper()
	var out struct{ Rooms []apiRoom }
	c.must(tb, http.StatusOK, "GET", "/api/v1/rooms", nil, &out)
	return out.Rooms
}

// roomNames lists the names of rooms with their last_seq: "general:3".
func roomNames(rooms []apiRoom) []string {
	out := make([]string, len(rooms))
	for i, r := range rooms {
		out[i] = r.Name + ":" + strconv.FormatInt(r.LastSeq, 10)
	}
	return out
}

// metric reads one sample of the admin listener's /metrics; name includes
// its labels as Prometheus prints them.
func metric(tb testing.TB, adminURL, name string) float64 {
	tb.Helper()
	resp, err := http.Get(adminURL + "/metrics")
	if err != nil {
		tb.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	tb.Fatalf("metric %s missing from %s/metrics", name, adminURL)
	return 0
}

// readyStatus is /readyz's status, 0 when unreachable.
func readyStatus(base string) int {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
