package web_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// searchResult is the answer of GET /api/v1/search.
type searchResult struct {
	Messages []chat.SearchHit `json:"messages"`
	HasMore  bool             `json:"has_more"`
}

func searchPath(q string, extra ...string) string {
	p := "/api/v1/search?q=" + url.QueryEscape(q)
	for _, e := range extra {
		p += "&" + e
	}
	return p
}

func (e *testEnv) search(a account, q string, extra ...string) searchResult {
	e.t.Helper()
	var out searchResult
	e.expect(req{method: "GET", path: searchPath(q, extra...), token: a.token}, 200).decode(e.t, &out)
	return out
}

func hitBodies(r searchResult) []string {
	out := make([]string, len(r.Messages))
	for i, m := range r.Messages {
		out[i] = m.Body
	}
	return out
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.signUp("salice"), e.signUp("sbob")
	pub := e.createRoom(alice, "Launch", chat.RoomPublic)
	priv := e.createRoom(alice, "Hidden", chat.RoomPrivate)
	other := e.createRoom(bob, "Elsewhere", chat.RoomPublic)
	e.send(alice, pub.ID, "launch <b>checklist</b> & notes", "s1")
	e.send(alice, priv.ID, "checklist for the board", "s2")
	e.send(bob, other.ID, "checklist nobody shares", "s3")

	t.Run("OK", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: searchPath("checkl"), token: alice.token}, 200)
		var out searchResult
		res.decode(t, &out)
		if got := hitBodies(out); !slices.Equal(got, []string{"checklist for the board", "launch <b>checklist</b> & notes"}) || out.HasMore {
			t.Fatalf("got %q has_more=%v", got, out.HasMore)
		}
		hit := out.Messages[1]
		if hit.RoomID != pub.ID || hit.Seq != 1 || hit.User.ID != alice.user.ID || hit.ClientID != "s1" {
			t.Fatalf("hit %+v lacks the message's fields", hit.Message)
		}
		if want := []string{"launch <b>", "checklist", "</b> & notes"}; !slices.Equal(hit.Highlight, want) {
			t.Fatalf("highlight %q, want %q", hit.Highlight, want)
		}
		if !strings.Contains(string(res.body), `"body":"launch <b>checklist</b> & notes"`) {
			t.Fatalf("body not returned exactly as sent: %s", res.body)
		}
		if res.header.Get("ETag") == "" || res.header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("validators: %v", res.header)
		}
	})

	t.Run("OKNotModified", func(t *testing.T) {
		first := e.expect(req{method: "GET", path: searchPath("checklist"), token: alice.token}, 200)
		etag := first.header.Get("ETag")
		e.expect(req{method: "GET", path: searchPath("checklist"), token: alice.token, header: map[string]string{"If-None-Match": etag}}, 304)
		e.send(alice, pub.ID, "another checklist", "s4")
		e.expect(req{method: "GET", path: searchPath("checklist"), token: alice.token, header: map[string]string{"If-None-Match": etag}}, 200)
	})

	t.Run("OKRoomID", func(t *testing.T) {
		out := e.search(alice, "checklist", fmt.Sprintf("room_id=%d", priv.ID))
		if got := hitBodies(out); !slices.Equal(got, []string{"checklist for the board"}) {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("ErrRoomNotMine", func(t *testing.T) {
		// A public room one has not joined, a private room of someone
		// else's and no room at all answer alike.
		for _, id := range []int64{other.ID, priv.ID, 999999} {
			who := bob
			if id == other.ID {
				who = alice
			}
			res := e.expect(req{method: "GET", path: searchPath("checklist", fmt.Sprintf("room_id=%d", id)), token: who.token}, 404)
			if res.errorCode(t) != chat.ENOTFOUND {
				t.Fatalf("room %d: %s", id, res.body)
			}
		}
	})

	t.Run("ErrInput", func(t *testing.T) {
		for _, c := range []struct {
			path, field string
		}{
			{"/api/v1/search", "q"},
			{searchPath(""), "q"},
			{searchPath(strings.Repeat("x", chat.SearchQueryMaxLen+1)), "q"},
			{searchPath("from:alice"), "q"},
			{searchPath("checklist", "limit=0"), "limit"},
			{searchPath("checklist", "limit=51"), "limit"},
			{searchPath("checklist", "limit=-3"), "limit"},
			{searchPath("checklist", "limit=ten"), "limit"},
			{searchPath("checklist", "before_id=0"), "before_id"},
			{searchPath("checklist", "before_id=-1"), "before_id"},
			{searchPath("checklist", "before_id=x"), "before_id"},
			{searchPath("checklist", "room_id=0"), "room_id"},
			{searchPath("checklist", "room_id=abc"), "room_id"},
		} {
			res := e.expect(req{method: "GET", path: c.path, token: alice.token}, 422)
			var out struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			res.decode(t, &out)
			if out.Error.Code != chat.EINVALID || out.Error.Field != c.field || out.Error.Message == "" {
				t.Errorf("%s: %s, want invalid on %s", c.path, res.body, c.field)
			}
		}
		e.expect(req{method: "GET", path: searchPath("checklist")}, 401)
	})

	t.Run("OKPages", func(t *testing.T) {
		room := e.createRoom(bob, "Pages", chat.RoomPrivate)
		for i := range 7 {
			e.send(bob, room.ID, fmt.Sprintf("paged %d", i), fmt.Sprintf("p%d", i))
		}
		var got []string
		extra := []string{"limit=3"}
		for {
			out := e.search(bob, "paged", extra...)
			got = append(got, hitBodies(out)...)
			if !out.HasMore {
				break
			}
			extra = []string{"limit=3", fmt.Sprintf("before_id=%d", out.Messages[len(out.Messages)-1].ID)}
		}
		want := []string{"paged 6", "paged 5", "paged 4", "paged 3", "paged 2", "paged 1", "paged 0"}
		if !slices.Equal(got, want) {
			t.Fatalf("pages gave %q, want %q", got, want)
		}
	})
}

// TestSearchAcrossCachedReplicas checks the contract's rule on two
// replicas sharing PostgreSQL and Valkey: search never returns a room the
// caller left, nor a deleted message, nor an edit's old words, whichever
// replica answered before, from whatever it had cached.
func TestSearchAcrossCachedReplicas(t *testing.T) {
	rs := newCachedReplicas(t, 2)
	a, b := rs[0], rs[1]
	alice, bob := a.signUp("xalice"), a.signUp("xbob")
	room := a.createRoom(alice, "Shared", chat.RoomPublic)
	a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: bob.token}, 200)
	mine := a.createRoom(bob, "Own", chat.RoomPrivate)
	a.send(alice, room.ID, "quarterly numbers are in", "q1")
	a.send(bob, mine.ID, "quarterly plan of my own", "q2")

	// Both replicas answer, and so cache, before each change.
	both := func(t *testing.T, want ...string) {
		t.Helper()
		for i, r := range []replica{a, b} {
			if got := hitBodies(r.search(bob, "quarterly")); !slices.Equal(got, want) {
				t.Fatalf("replica %d: got %q, want %q", i, got, want)
			}
		}
	}
	both(t, "quarterly plan of my own", "quarterly numbers are in")
	both(t, "quarterly plan of my own", "quarterly numbers are in")
	etag := b.expect(req{method: "GET", path: searchPath("quarterly"), token: bob.token}, 200).header.Get("ETag")

	t.Run("LeftRoomDisappearsAtOnce", func(t *testing.T) {
		a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/leave", room.ID), token: bob.token}, 204)
		both(t, "quarterly plan of my own")
		res := b.expect(req{method: "GET", path: searchPath("quarterly"), token: bob.token, header: map[string]string{"If-None-Match": etag}}, 200)
		if strings.Contains(string(res.body), "numbers") {
			t.Fatalf("a conditional GET after leaving answered %s", res.body)
		}
		b.expect(req{method: "GET", path: searchPath("quarterly", fmt.Sprintf("room_id=%d", room.ID)), token: bob.token}, 404)
		// Back in, the room is searched again.
		b.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: bob.token}, 200)
		both(t, "quarterly plan of my own", "quarterly numbers are in")
	})

	t.Run("EditAndDeleteShowAtOnce", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/rooms/%d/messages/1", room.ID)
		a.expect(req{method: "PATCH", path: path, token: alice.token, body: map[string]string{"body": "yearly numbers are in"}}, 200)
		both(t, "quarterly plan of my own")
		for i, r := range []replica{a, b} {
			if got := hitBodies(r.search(bob, "yearly")); !slices.Equal(got, []string{"yearly numbers are in"}) {
				t.Fatalf("replica %d: edited message: %q", i, got)
			}
		}
		b.expect(req{method: "DELETE", path: path, token: alice.token}, 204)
		for i, r := range []replica{a, b} {
			if got := hitBodies(r.search(bob, "yearly")); len(got) != 0 {
				t.Fatalf("replica %d: deleted message found: %q", i, got)
			}
		}
	})

	t.Run("NewMessageShowsAtOnce", func(t *testing.T) {
		b.send(alice, room.ID, "quarterly review friday", "q3")
		both(t, "quarterly review friday", "quarterly plan of my own")
	})
}
