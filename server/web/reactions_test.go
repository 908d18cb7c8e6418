package web_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
)

func reactionURL(roomID, seq int64, emoji string) string {
	return fmt.Sprintf("/api/v1/rooms/%d/messages/%d/reactions/%s", roomID, seq, url.PathEscape(emoji))
}

// fieldOf returns the field of a contract error body.
func (r *response) fieldOf(t testing.TB) string {
	t.Helper()
	var e struct {
		Error struct {
			Field string `json:"field"`
		} `json:"error"`
	}
	r.decode(t, &e)
	return e.Error.Field
}

func TestReactionsAPI(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.signUp("rxalice"), e.signUp("rxbob"), e.signUp("rxcarol")
	room := e.createRoom(alice, "Reactions", chat.RoomPublic)
	e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: bob.token}, 200)
	m := e.send(alice, room.ID, "react to me", "rx1")
	thumbs := reactionURL(room.ID, m.Seq, "👍")

	t.Run("OK", func(t *testing.T) {
		e.expect(req{method: "PUT", path: thumbs, token: bob.token}, 204)
		e.expect(req{method: "PUT", path: thumbs, token: bob.token}, 204) // idempotent
		e.expect(req{method: "PUT", path: reactionURL(room.ID, m.Seq, "🎉"), token: alice.token}, 204)
		for _, c := range []struct {
			who  account
			want string
		}{
			{bob, `[{👍 1 true} {🎉 1 false}]`},
			{alice, `[{👍 1 false} {🎉 1 true}]`},
		} {
			msgs, _ := e.messages(c.who, room.ID, "")
			if got := fmt.Sprint(msgs[0].Reactions); got != c.want {
				t.Fatalf("%s sees %s, want %s", c.who.user.Username, got, c.want)
			}
		}
		e.expect(req{method: "DELETE", path: thumbs, token: bob.token}, 204)
		e.expect(req{method: "DELETE", path: thumbs, token: bob.token}, 204) // absent: no change
		msgs, _ := e.messages(bob, room.ID, "")
		if got := fmt.Sprint(msgs[0].Reactions); got != `[{🎉 1 false}]` {
			t.Fatalf("after the delete bob sees %s", got)
		}
	})

	t.Run("OmittedWhenNone", func(t *testing.T) {
		plain := e.send(alice, room.ID, "nobody reacts", "rx2")
		res := e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages?after_seq=%d", room.ID, plain.Seq-1), token: alice.token}, 200)
		var raw struct {
			Messages []map[string]json.RawMessage `json:"messages"`
		}
		res.decode(t, &raw)
		if _, ok := raw.Messages[0]["reactions"]; ok {
			t.Fatalf("a message without reactions carries the field: %s", res.body)
		}
	})

	t.Run("ErrInvalidEmoji", func(t *testing.T) {
		for _, bad := range []string{"ok", "👍👍", "👍 ", "%2F", "1", "\u200d"} {
			for _, method := range []string{"PUT", "DELETE"} {
				res := e.expect(req{method: method, path: fmt.Sprintf("/api/v1/rooms/%d/messages/%d/reactions/%s", room.ID, m.Seq, url.PathEscape(bad)), token: bob.token}, 422)
				if res.errorCode(t) != chat.EINVALID || res.fieldOf(t) != "emoji" {
					t.Fatalf("%s %q: %s", method, bad, res.body)
				}
			}
		}
		base := e.serve(t)
		raw := func(path string) (int, string) {
			return rawRequest(t, base, "PUT "+path+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+bob.token+"\r\nConnection: close\r\n\r\n")
		}
		if status, body := raw(fmt.Sprintf("/api/v1/rooms/%d/messages/%d/reactions/%%ZZ", room.ID, m.Seq)); status != 422 || !strings.Contains(body, `"field":"emoji"`) {
			t.Fatalf("a malformed escape: %d %s", status, body)
		}
		// An emoji sent as raw UTF-8 in the request line is taken as well.
		if status, body := raw(fmt.Sprintf("/api/v1/rooms/%d/messages/%d/reactions/👋x", room.ID, m.Seq)); status != 422 {
			t.Fatalf("a raw non-emoji: %d %s", status, body)
		}
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "PUT /api/v1/rooms/%d/messages/%d/reactions/👋 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", room.ID, m.Seq, bob.token)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 204 {
			t.Fatalf("a raw emoji: status %d", res.StatusCode)
		}
		e.expect(req{method: "DELETE", path: reactionURL(room.ID, m.Seq, "👋"), token: bob.token}, 204)
	})

	t.Run("ErrAccess", func(t *testing.T) {
		e.expect(req{method: "PUT", path: thumbs}, 401)
		// A public room one has not joined: like sending there.
		if code := e.expect(req{method: "PUT", path: thumbs, token: carol.token}, 403).errorCode(t); code != chat.EFORBIDDEN {
			t.Fatalf("code %s", code)
		}
		secret := e.createRoom(alice, "Secret", chat.RoomPrivate)
		s := e.send(alice, secret.ID, "hidden", "rx-secret")
		e.expect(req{method: "PUT", path: reactionURL(secret.ID, s.Seq, "👍"), token: alice.token}, 204)
		private := e.expect(req{method: "PUT", path: reactionURL(secret.ID, s.Seq, "👍"), token: carol.token}, 404)
		missing := e.expect(req{method: "PUT", path: reactionURL(secret.ID+100, 1, "👍"), token: carol.token}, 404)
		if string(private.body) != string(missing.body) {
			t.Fatalf("a private room answers %s, a missing one %s", private.body, missing.body)
		}
		e.expect(req{method: "DELETE", path: reactionURL(secret.ID, s.Seq, "👍"), token: carol.token}, 404)
		e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages", secret.ID), token: carol.token}, 404)
	})

	t.Run("ErrMessage", func(t *testing.T) {
		e.expect(req{method: "PUT", path: reactionURL(room.ID, 999, "👍"), token: bob.token}, 404)
		e.expect(req{method: "PUT", path: fmt.Sprintf("/api/v1/rooms/%d/messages/x/reactions/%s", room.ID, url.PathEscape("👍")), token: bob.token}, 404)
		d := e.send(alice, room.ID, "soon gone", "rx3")
		e.expect(req{method: "DELETE", path: fmt.Sprintf("/api/v1/rooms/%d/messages/%d", room.ID, d.Seq), token: alice.token}, 204)
		res := e.expect(req{method: "PUT", path: reactionURL(room.ID, d.Seq, "👍"), token: bob.token}, 409)
		if res.errorCode(t) != chat.ECONFLICT {
			t.Fatalf("body %s", res.body)
		}
	})

	t.Run("ErrTooManyEmoji", func(t *testing.T) {
		f := e.send(alice, room.ID, "full", "rx4")
		for i := range chat.MaxReactionEmoji {
			e.expect(req{method: "PUT", path: reactionURL(room.ID, f.Seq, string(rune(0x1F600+i))), token: alice.token}, 204)
		}
		res := e.expect(req{method: "PUT", path: reactionURL(room.ID, f.Seq, "🦄"), token: bob.token}, 409)
		if res.errorCode(t) != chat.ECONFLICT {
			t.Fatalf("body %s", res.body)
		}
	})
}

// wsEvent is any socket event, with the fields reaction events use.
type wsEvent struct {
	Type      string     `json:"type"`
	RoomID    int64      `json:"room_id"`
	Seq       int64      `json:"seq"`
	Emoji     string     `json:"emoji"`
	User      *chat.User `json:"user"`
	Added     bool       `json:"added"`
	Reactions []struct {
		Seq     int64   `json:"seq"`
		Emoji   string  `json:"emoji"`
		Added   []int64 `json:"added"`
		Removed []int64 `json:"removed"`
	} `json:"reactions"`
}

// nextOf reads events until one of type typ, failing after a deadline.
func nextOf(t *testing.T, conn *websocket.Conn, typ string) wsEvent {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var ev wsEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if ev.Type == typ {
			return ev
		}
	}
}

// TestReactionsAcrossReplicas reacts through one replica and checks the
// other: its sockets hear it live, its cached reads show it at once, and
// the reaction retires nothing but the reactions it changed.
func TestReactionsAcrossReplicas(t *testing.T) {
	rs := newLiveReplicas(t, 2)
	a, b := rs[0], rs[1]
	alice, bob := a.signUp("xralice"), a.signUp("xrbob")
	room := a.createRoom(alice, "Two replicas", chat.RoomPrivate)
	a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", room.ID), token: alice.token, body: map[string]int64{"user_id": bob.user.ID}}, 200)
	for i := 1; i <= 150; i++ {
		a.send(alice, room.ID, fmt.Sprintf("m%d", i), fmt.Sprintf("x%d", i))
	}
	pagePath := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)
	oldPath := pagePath + "?before_seq=51&limit=50" // seqs 1–50: another block
	get := func(r liveReplica, who account, path, etag string, status int) *response {
		t.Helper()
		return r.expect(req{method: "GET", path: path, token: who.token, header: map[string]string{"If-None-Match": etag}}, status)
	}
	newest := get(b, bob, pagePath, "", 200).header.Get("ETag")
	old := get(b, bob, oldPath, "", 200).header.Get("ETag")
	rooms := get(b, bob, "/api/v1/rooms", "", 200).header.Get("ETag")
	get(b, bob, pagePath, newest, 304)

	conn, status := dialWS(t, b.base, "/ws", bob.token, b.base)
	if conn == nil {
		t.Fatalf("socket on replica B: status %d", status)
	}
	defer conn.Close()
	nextOf(t, conn, "ready")

	t.Run("LiveOnTheOtherReplica", func(t *testing.T) {
		a.expect(req{method: "PUT", path: reactionURL(room.ID, 140, "🚀"), token: alice.token}, 204)
		ev := nextOf(t, conn, "reaction")
		if ev.RoomID != room.ID || ev.Seq != 140 || ev.Emoji != "🚀" || !ev.Added || ev.User == nil || ev.User.ID != alice.user.ID {
			t.Fatalf("bob got %+v", ev)
		}
	})

	t.Run("CachedReadsOnTheOtherReplica", func(t *testing.T) {
		res := get(b, bob, pagePath, newest, 200)
		var page struct {
			Messages []chat.Message `json:"messages"`
		}
		res.decode(t, &page)
		for _, m := range page.Messages {
			want := "[]"
			if m.Seq == 140 {
				want = "[{🚀 1 false}]"
			}
			if got := fmt.Sprint(m.Reactions); got != want {
				t.Fatalf("bob sees %s on seq %d through replica B, want %s", got, m.Seq, want)
			}
		}
		var mine struct {
			Messages []chat.Message `json:"messages"`
		}
		get(b, alice, pagePath, "", 200).decode(t, &mine)
		if got := fmt.Sprint(mine.Messages[len(mine.Messages)-11].Reactions); got != "[{🚀 1 true}]" {
			t.Fatalf("alice sees %s on seq 140 through replica B", got)
		}
		// Only the page holding the message changed its ETag.
		get(b, bob, oldPath, old, 304)
		get(b, bob, "/api/v1/rooms", rooms, 304)
		newest = res.header.Get("ETag")
		get(b, bob, pagePath, newest, 304)
	})

	t.Run("OwnReactionChangesOnlyOwnETag", func(t *testing.T) {
		aliceTag := get(b, alice, pagePath, "", 200).header.Get("ETag")
		a.expect(req{method: "PUT", path: reactionURL(room.ID, 140, "🚀"), token: alice.token}, 204) // no change
		get(b, alice, pagePath, aliceTag, 304)
		get(b, bob, pagePath, newest, 304)
		b.expect(req{method: "DELETE", path: reactionURL(room.ID, 140, "🚀"), token: alice.token}, 204)
		ev := nextOf(t, conn, "reaction")
		if ev.Added || ev.Seq != 140 {
			t.Fatalf("bob got %+v after the removal", ev)
		}
		get(b, bob, pagePath, newest, 200)
		var after struct {
			Rooms []chat.Room `json:"rooms"`
		}
		get(a, bob, "/api/v1/rooms", "", 200).decode(t, &after)
		if len(after.Rooms) != 1 || after.Rooms[0].Unread == nil || *after.Rooms[0].Unread != 150 {
			t.Fatalf("bob's room list after reactions: %+v (unread must stay 150)", after.Rooms)
		}
	})

	t.Run("ReadAfterReactionCostsNoPageQuery", func(t *testing.T) {
		get(b, bob, pagePath, "", 200)
		a.expect(req{method: "PUT", path: reactionURL(room.ID, 150, "👀"), token: alice.token}, 204)
		before := b.db.QueryCount()
		var page struct {
			Messages []chat.Message `json:"messages"`
		}
		get(b, bob, pagePath, "", 200).decode(t, &page)
		// The block's counts and bob's own reactions in it; the messages
		// themselves stay cached.
		if got := b.db.QueryCount() - before; got > 2 {
			t.Fatalf("a page read after a reaction made %d queries, want at most 2", got)
		}
		if got := fmt.Sprint(page.Messages[len(page.Messages)-1].Reactions); got != "[{👀 1 false}]" {
			t.Fatalf("bob sees %s on seq 150", got)
		}
	})
}
