package clustertest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// answer is what one HTTP request got back.
type answer struct {
	status int
	etag   string
	body   []byte
}

// person is an actor of the authorization matrix: a token (empty for the
// anonymous visitor) and the user it belongs to.
type person struct {
	name  string
	token string
	id    int64
	// etag is the ETag this person last saw for the room's messages, kept
	// from before they lost access so that a revalidation cannot be
	// answered 304 from what a cache still holds.
	etag string
}

// request sends one request straight to a replica. With cookie the token
// travels as the session cookie (pages), else as a Bearer header.
func request(tb testing.TB, base, method, path string, who *person, body any, cookie bool, header map[string]string) answer {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who.token != "" {
		if cookie {
			req.AddCookie(&http.Cookie{Name: "parley_session", Value: who.token})
		} else {
			req.Header.Set("Authorization", "Bearer "+who.token)
		}
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s as %s: %v", method, path, who.name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), body: raw}
}

// signUp registers a user on base and returns them as a person.
func signUp(tb testing.TB, base, name string) *person {
	tb.Helper()
	var out struct {
		User  apiUser `json:"user"`
		Token string  `json:"token"`
	}
	anon := &person{name: "anonymous"}
	username := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1e9)
	a := request(tb, base, http.MethodPost, "/api/v1/auth/register", anon,
		map[string]string{"username": username, "password": "correct horse battery"}, false, nil)
	if a.status != http.StatusCreated {
		tb.Fatalf("register %s: %d %s", name, a.status, a.body)
	}
	if err := json.Unmarshal(a.body, &out); err != nil {
		tb.Fatal(err)
	}
	return &person{name: name, token: out.Token, id: out.User.ID}
}

// must fails the test unless a has the wanted status.
func must(tb testing.TB, a answer, want int, what string) answer {
	tb.Helper()
	if a.status != want {
		tb.Fatalf("%s: status %d, want %d: %s", what, a.status, want, a.body)
	}
	return a
}

// TestAuthorizationMatrix asks every endpoint, page and socket event of a
// private room, on two replicas sharing one Valkey, as each kind of caller:
// nobody, a stranger, a member, the owner, someone whose token was revoked
// and someone who just left. Only members and the owner ever see the room,
// whatever a cache or an ETag still holds.
func TestAuthorizationMatrix(t *testing.T) {
	c := startCluster(t, 2)
	a, b := c.replicaURL(1), c.replicaURL(2)

	anon := &person{name: "anonymous"}
	owner, member, stranger := signUp(t, a, "owner"), signUp(t, b, "member"), signUp(t, a, "stranger")
	revoked, leaver := signUp(t, b, "revoked"), signUp(t, a, "leaver")

	var created struct {
		Room apiRoom `json:"room"`
	}
	r := must(t, request(t, a, http.MethodPost, "/api/v1/rooms", owner,
		map[string]string{"name": "secret plans", "kind": "private"}, false, nil), http.StatusCreated, "create room")
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	room := fmt.Sprintf("/api/v1/rooms/%d", created.Room.ID)
	page := fmt.Sprintf("/rooms/%d", created.Room.ID)
	for _, p := range []*person{member, revoked, leaver} {
		must(t, request(t, a, http.MethodPost, room+"/members", owner, map[string]int64{"user_id": p.id}, false, nil),
			http.StatusOK, "add "+p.name)
	}
	must(t, request(t, a, http.MethodPost, room+"/messages", owner,
		map[string]string{"body": "owner's first", "client_id": "o1"}, false, nil), http.StatusCreated, "owner posts")
	must(t, request(t, b, http.MethodPost, room+"/messages", member,
		map[string]string{"body": "member's first", "client_id": "m1"}, false, nil), http.StatusCreated, "member posts")

	// Everyone with access reads once on both replicas, so that both
	// caches hold the room, and keeps the ETag.
	for _, p := range []*person{owner, member, revoked, leaver} {
		for _, base := range []string{a, b} {
			p.etag = must(t, request(t, base, http.MethodGet, room+"/messages", p, nil, false, nil), http.StatusOK, p.name+" reads").etag
		}
	}
	stranger.etag = member.etag

	// The leaver has a socket open on replica B when they leave.
	leaverSock := (&apiClient{name: "leaver", base: b, token: leaver.token, ip: "127.0.0.1", http: http.DefaultClient}).connect(t)
	leaverSock.ready(t)
	memberSock := (&apiClient{name: "member", base: b, token: member.token, ip: "127.0.0.1", http: http.DefaultClient}).connect(t)
	memberSock.ready(t)
	revokedSock := (&apiClient{name: "revoked", base: a, token: revoked.token, ip: "127.0.0.1", http: http.DefaultClient}).connect(t)
	revokedSock.ready(t)

	must(t, request(t, a, http.MethodPost, room+"/leave", leaver, nil, false, nil), http.StatusNoContent, "leave")
	must(t, request(t, b, http.MethodPost, "/api/v1/auth/logout", revoked, nil, false, nil), http.StatusNoContent, "logout")

	everyone := []*person{anon, stranger, member, owner, revoked, leaver}
	// code gives each person's expected status: members and the owner get
	// ok, the anonymous and the revoked 401, strangers and leavers 404.
	code := func(ok int, p *person) int {
		switch p {
		case member, owner:
			return ok
		case anon, revoked:
			return http.StatusUnauthorized
		default:
			return http.StatusNotFound
		}
	}

	t.Run("Reads", func(t *testing.T) {
		for _, base := range []string{a, b} {
			for _, p := range everyone {
				for _, path := range []string{room, room + "/messages", room + "/messages?before_seq=2", room + "/members"} {
					got := request(t, base, http.MethodGet, path, p, nil, false, nil)
					if want := code(http.StatusOK, p); got.status != want {
						t.Errorf("%s GET %s on %s: %d, want %d: %s", p.name, path, base, got.status, want, got.body)
					}
					if got.status != http.StatusOK && bytes.Contains(got.body, []byte("'s first")) {
						t.Errorf("%s GET %s on %s leaked a message: %s", p.name, path, base, got.body)
					}
				}
				got := request(t, base, http.MethodGet, page, p, nil, true, nil)
				if want := code(http.StatusOK, p); got.status != want {
					t.Errorf("%s page %s on %s: %d, want %d", p.name, page, base, got.status, want)
				}
				if got.status != http.StatusOK && bytes.Contains(got.body, []byte("member&#39;s first")) {
					t.Errorf("%s page %s on %s leaked a message", p.name, page, base)
				}
			}
		}
	})

	t.Run("DirectMessage", func(t *testing.T) {
		// A DM between the owner and the member is as closed as the
		// private room: only its two people see it.
		var dm struct {
			Room apiRoom `json:"room"`
		}
		got := must(t, request(t, a, http.MethodPost, "/api/v1/dms", owner, map[string]int64{"user_id": member.id}, false, nil),
			http.StatusOK, "open dm")
		if err := json.Unmarshal(got.body, &dm); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/rooms/%d", dm.Room.ID)
		must(t, request(t, b, http.MethodPost, path+"/messages", member,
			map[string]string{"body": "just between us", "client_id": "d1"}, false, nil), http.StatusCreated, "dm post")
		for _, base := range []string{a, b} {
			for _, p := range everyone {
				for _, sub := range []string{"", "/messages", "/members"} {
					got := request(t, base, http.MethodGet, path+sub, p, nil, false, nil)
					if want := code(http.StatusOK, p); got.status != want {
						t.Errorf("%s GET %s on %s: %d, want %d", p.name, path+sub, base, got.status, want)
					}
				}
				post := request(t, base, http.MethodPost, path+"/messages", p,
					map[string]string{"body": "me too", "client_id": "d-" + p.name}, false, nil)
				if want := code(http.StatusCreated, p); p != member && p != owner && post.status != want {
					t.Errorf("%s posts in the dm on %s: %d, want %d", p.name, base, post.status, want)
				}
				me := request(t, base, http.MethodGet, "/api/v1/me", p, nil, false, nil)
				if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusOK}[p == anon || p == revoked]; me.status != want {
					t.Errorf("%s GET /api/v1/me on %s: %d, want %d", p.name, base, me.status, want)
				}
			}
		}
	})

	t.Run("Revalidation", func(t *testing.T) {
		for _, base := range []string{a, b} {
			for _, p := range everyone {
				etag := p.etag
				if etag == "" {
					etag = member.etag
				}
				got := request(t, base, http.MethodGet, room+"/messages", p, nil, false, map[string]string{"If-None-Match": etag})
				if want := code(http.StatusNotModified, p); got.status != want {
					t.Errorf("%s revalidates messages on %s: %d, want %d", p.name, base, got.status, want)
				}
			}
		}
	})

	t.Run("Lists", func(t *testing.T) {
		mark := []byte(`"name":"secret plans"`)
		for _, base := range []string{a, b} {
			for _, p := range everyone {
				got := request(t, base, http.MethodGet, "/api/v1/rooms", p, nil, false, nil)
				if want := code(http.StatusOK, p); want == http.StatusNotFound {
					want = http.StatusOK // a stranger's list is theirs to read, without the room
					if got.status != want || bytes.Contains(got.body, mark) {
						t.Errorf("%s room list on %s: %d %s, want 200 without the room", p.name, base, got.status, got.body)
					}
				} else if got.status != want || (want == http.StatusOK && !bytes.Contains(got.body, mark)) {
					t.Errorf("%s room list on %s: %d %s, want %d with the room", p.name, base, got.status, got.body, want)
				}
				if pub := request(t, base, http.MethodGet, "/api/v1/rooms/public", p, nil, false, nil); bytes.Contains(pub.body, mark) {
					t.Errorf("%s sees the private room in the public directory on %s", p.name, base)
				}
			}
		}
	})

	t.Run("Writes", func(t *testing.T) {
		outsiders := []*person{anon, stranger, revoked, leaver}
		for i, base := range []string{a, b} {
			for _, p := range outsiders {
				want := code(0, p)
				writes := []struct {
					method, path string
					body         any
				}{
					{http.MethodPost, room + "/messages", map[string]string{"body": "let me in", "client_id": fmt.Sprintf("x%d%s", i, p.name)}},
					{http.MethodPost, room + "/read", map[string]int64{"seq": 1}},
					{http.MethodPost, room + "/join", nil},
					{http.MethodPost, room + "/members", map[string]int64{"user_id": stranger.id}},
					{http.MethodPatch, room + "/messages/1", map[string]string{"body": "defaced"}},
					{http.MethodDelete, room + "/messages/1", nil},
				}
				for _, w := range writes {
					if got := request(t, base, w.method, w.path, p, w.body, false, nil); got.status != want {
						t.Errorf("%s %s %s on %s: %d, want %d: %s", p.name, w.method, w.path, base, got.status, want, got.body)
					}
				}
			}
			// A member may post and read, not rule the room or touch
			// another's message.
			for _, w := range []struct {
				method, path string
				body         any
			}{
				{http.MethodPost, room + "/members", map[string]int64{"user_id": stranger.id}},
				{http.MethodPatch, room + "/messages/1", map[string]string{"body": "defaced"}},
				{http.MethodDelete, room + "/messages/1", nil},
			} {
				if got := request(t, base, w.method, w.path, member, w.body, false, nil); got.status != http.StatusForbidden {
					t.Errorf("member %s %s on %s: %d, want 403: %s", w.method, w.path, base, got.status, got.body)
				}
			}
		}
		// Nothing the outsiders tried changed the room.
		var list struct {
			Messages []apiMessage `json:"messages"`
		}
		got := must(t, request(t, b, http.MethodGet, room+"/messages", owner, nil, false, nil), http.StatusOK, "owner reads")
		if err := json.Unmarshal(got.body, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Messages) != 2 || list.Messages[0].Body != "owner's first" {
			t.Fatalf("room changed by outsiders: %+v", list.Messages)
		}
		members := must(t, request(t, a, http.MethodGet, room+"/members", owner, nil, false, nil), http.StatusOK, "members")
		if bytes.Contains(members.body, []byte(fmt.Sprintf(`"id":%d,`, stranger.id))) {
			t.Fatalf("the stranger became a member: %s", members.body)
		}
	})

	t.Run("Socket", func(t *testing.T) {
		// The revoked session's socket is closed.
		deadline := time.After(10 * time.Second)
		for open := true; open; {
			select {
			case _, ok := <-revokedSock.events:
				open = ok
			case <-deadline:
				t.Fatal("the socket of a revoked session is still open 10 s after logout")
			}
		}
		// A stranger's socket is told the room does not exist, whatever
		// it asks, and never hears of it.
		strangerSock := (&apiClient{name: "stranger", base: b, token: stranger.token, ip: "127.0.0.1", http: http.DefaultClient}).connect(t)
		strangerSock.ready(t)
		id := created.Room.ID
		strangerSock.send(t, map[string]any{"type": "send", "room_id": id, "body": "hi", "client_id": "s1"})
		strangerSock.send(t, map[string]any{"type": "typing", "room_id": id})
		strangerSock.send(t, map[string]any{"type": "resume", "rooms": map[string]int64{fmt.Sprint(id): 0}})
		for range 2 {
			if e := strangerSock.next(t, 10*time.Second); e.Type != "error" || e.Code != "not_found" {
				t.Fatalf("stranger's socket got %+v, want error not_found", e)
			}
		}
		// The owner posts; the member on replica B gets it, the leaver on
		// the same replica does not: anything queued to the leaver after
		// the member's delivery (the answer to a bad frame) comes first.
		must(t, request(t, a, http.MethodPost, room+"/messages", owner,
			map[string]string{"body": "after the leave", "client_id": "o2"}, false, nil), http.StatusCreated, "owner posts again")
		waitMessage(t, memberSock, "after the leave")
		leaverSock.send(t, map[string]any{"type": "no-such-type"})
		strangerSock.send(t, map[string]any{"type": "no-such-type"})
		for _, s := range []*socket{leaverSock, strangerSock} {
			for {
				e := s.next(t, 10*time.Second)
				if e.Message != nil && strings.Contains(e.Message.Body, "after the leave") {
					t.Fatalf("a socket without access got %+v", e.Message)
				}
				if e.Type == "error" && e.Code == "bad_request" {
					break
				}
			}
		}
	})
}

// waitMessage reads s until a message with body arrives.
func waitMessage(tb testing.TB, s *socket, body string) {
	tb.Helper()
	for {
		if e := s.next(tb, 10*time.Second); e.Type == "message" && e.Message != nil && e.Message.Body == body {
			return
		}
	}
}
