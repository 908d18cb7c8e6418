package web_test

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// roomOf returns the entry of roomID in who's room list as replica e
// answers it, and the answer's ETag.
func (e *testEnv) roomOf(who account, roomID int64, etag string) (chat.Room, string, int) {
	e.t.Helper()
	res := e.do(req{method: "GET", path: "/api/v1/rooms", token: who.token, header: map[string]string{"If-None-Match": etag}})
	if res.status == 304 {
		return chat.Room{}, etag, 304
	}
	if res.status != 200 {
		e.t.Fatalf("GET /api/v1/rooms: %d %s", res.status, res.body)
	}
	var out struct {
		Rooms []chat.Room `json:"rooms"`
	}
	res.decode(e.t, &out)
	for _, r := range out.Rooms {
		if r.ID == roomID {
			return r, res.header.Get("ETag"), 200
		}
	}
	e.t.Fatalf("room %d missing from the list: %s", roomID, res.body)
	return chat.Room{}, "", 0
}

func count(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

// TestMentionCounts checks, on two replicas sharing PostgreSQL and Valkey
// caches, that a mention sent through one shows in the mentioned user's
// room list served by the other, that reading clears it, and that lists
// the mention does not concern stay cached.
func TestMentionCounts(t *testing.T) {
	rs := newCachedReplicas(t, 2)
	a, b := rs[0], rs[1]
	alice, bob, carol := a.signUp("mentalice"), a.signUp("mentbob"), a.signUp("mentcarol")
	room := a.createRoom(alice, "Mentions", chat.RoomPublic)
	elsewhere := a.createRoom(carol, "Elsewhere", chat.RoomPublic)
	a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: bob.token}, 200)

	t.Run("OKAcrossReplicasThroughTheCache", func(t *testing.T) {
		before, etag, _ := b.roomOf(bob, room.ID, "")
		if count(before.Mentions) != 0 || count(before.Unread) != 0 {
			t.Fatalf("bob starts with mentions %d unread %d, want 0 and 0", count(before.Mentions), count(before.Unread))
		}
		if _, _, status := b.roomOf(bob, room.ID, etag); status != 304 {
			t.Fatalf("an unchanged list answered %d, want 304", status)
		}
		// The first read after a join only learns the rooms; the second
		// caches the list.
		b.roomOf(carol, elsewhere.ID, "")
		_, carolTag, _ := b.roomOf(carol, elsewhere.ID, "")

		a.send(alice, room.ID, "plain", "p1")
		a.send(alice, room.ID, "hey @"+bob.user.Username+" look", "m1")
		got, etag2, status := b.roomOf(bob, room.ID, etag)
		if status != 200 || etag2 == etag {
			t.Fatalf("after the mention bob's list answered %d with ETag %q (was %q), want 200 and a new one", status, etag2, etag)
		}
		if count(got.Mentions) != 1 || count(got.Unread) != 2 {
			t.Fatalf("bob has mentions %d unread %d, want 1 and 2", count(got.Mentions), count(got.Unread))
		}
		if _, _, status := b.roomOf(bob, room.ID, etag2); status != 304 {
			t.Fatalf("the same list asked again answered %d, want 304", status)
		}
		// Carol is in neither the room nor the message: her cached list
		// is still good, and costs no query.
		queries := b.db.QueryCount()
		if _, _, status := b.roomOf(carol, elsewhere.ID, carolTag); status != 304 {
			t.Fatalf("carol's list answered %d, want 304", status)
		}
		if n := b.db.QueryCount() - queries; n != 0 {
			t.Fatalf("carol's conditional GET took %d queries, want 0", n)
		}
		// Alice wrote it: no mention of hers.
		if mine, _, _ := b.roomOf(alice, room.ID, ""); count(mine.Mentions) != 0 {
			t.Fatalf("alice has %d mentions, want 0", count(mine.Mentions))
		}

		a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), token: bob.token, body: map[string]int64{"seq": got.LastSeq}}, 204)
		if read, _, _ := b.roomOf(bob, room.ID, etag2); count(read.Mentions) != 0 || count(read.Unread) != 0 {
			t.Fatalf("after reading bob has mentions %d unread %d, want 0 and 0", count(read.Mentions), count(read.Unread))
		}
	})

	t.Run("OKRoomMention", func(t *testing.T) {
		b.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: carol.token}, 200)
		b.send(carol, room.ID, "@room hello", "r1")

		for _, who := range []account{alice, bob} {
			if r, _, _ := a.roomOf(who, room.ID, ""); count(r.Mentions) != 1 {
				t.Errorf("%s has %d mentions after @room, want 1", who.user.Username, count(r.Mentions))
			}
		}
		if r, _, _ := a.roomOf(carol, room.ID, ""); count(r.Mentions) != 0 {
			t.Errorf("carol, who wrote @room, has %d mentions, want 0", count(r.Mentions))
		}
	})

	t.Run("OKOwnerSwitchesRoomOff", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/rooms/%d", room.ID)
		first := b.expect(req{method: "GET", path: path, token: bob.token}, 200)
		var out struct {
			Room chat.Room `json:"room"`
		}
		first.decode(t, &out)
		if !out.Room.RoomMentions {
			t.Fatalf("room_mentions is off by default: %s", first.body)
		}
		a.expect(req{method: "PATCH", path: path, token: alice.token, body: map[string]bool{"room_mentions": false}}, 200).decode(t, &out)
		if out.Room.RoomMentions {
			t.Fatalf("PATCH answered %+v, want room_mentions false", out.Room)
		}
		// The other replica's cached room is retired at once.
		again := b.expect(req{method: "GET", path: path, token: bob.token, header: map[string]string{"If-None-Match": first.header.Get("ETag")}}, 200)
		again.decode(t, &out)
		if out.Room.RoomMentions {
			t.Fatalf("replica B still shows room_mentions on: %s", again.body)
		}
		b.expect(req{method: "POST", path: path + "/read", token: alice.token, body: map[string]int64{"seq": 1 << 40}}, 204)
		b.send(carol, room.ID, "@room anyone?", "r2")
		if r, _, _ := a.roomOf(alice, room.ID, ""); count(r.Mentions) != 0 || count(r.Unread) != 1 {
			t.Fatalf("alice has mentions %d unread %d after a disallowed @room, want 0 and 1", count(r.Mentions), count(r.Unread))
		}
	})
}

func TestRoomSettingsErrors(t *testing.T) {
	e := newEnv(t)
	owner, member, stranger := e.signUp("setowner"), e.signUp("setmember"), e.signUp("setstranger")
	pub := e.createRoom(owner, "Open", chat.RoomPublic)
	priv := e.createRoom(owner, "Closed", chat.RoomPrivate)
	e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", pub.ID), token: member.token}, 200)
	var dm struct {
		Room chat.Room `json:"room"`
	}
	e.expect(req{method: "POST", path: "/api/v1/dms", token: owner.token, body: map[string]int64{"user_id": member.user.ID}}, 200).decode(t, &dm)
	path := fmt.Sprintf("/api/v1/rooms/%d", pub.ID)
	on := map[string]bool{"room_mentions": true}

	for _, c := range []struct {
		name   string
		r      req
		status int
		code   string
		field  string
	}{
		{"ErrNotJSON", req{method: "PATCH", path: path, token: owner.token, body: "room_mentions=true", header: map[string]string{"Content-Type": "text/plain"}}, 415, chat.EUNSUPPORTED, ""},
		{"ErrBrokenJSON", req{method: "PATCH", path: path, token: owner.token, body: `{"room_mentions":`}, 400, chat.EINVALIDJSON, ""},
		{"ErrMissingField", req{method: "PATCH", path: path, token: owner.token, body: `{}`}, 422, chat.EINVALID, "room_mentions"},
		{"ErrNullField", req{method: "PATCH", path: path, token: owner.token, body: `{"room_mentions":null}`}, 422, chat.EINVALID, "room_mentions"},
		{"ErrWrongType", req{method: "PATCH", path: path, token: owner.token, body: `{"room_mentions":"no"}`}, 422, chat.EINVALID, "room_mentions"},
		{"ErrNotSignedIn", req{method: "PATCH", path: path, body: on}, 401, chat.EUNAUTHENTICATED, ""},
		{"ErrNotOwner", req{method: "PATCH", path: path, token: member.token, body: on}, 403, chat.EFORBIDDEN, ""},
		{"ErrNotMember", req{method: "PATCH", path: path, token: stranger.token, body: on}, 403, chat.EFORBIDDEN, ""},
		{"ErrPrivateHidden", req{method: "PATCH", path: fmt.Sprintf("/api/v1/rooms/%d", priv.ID), token: stranger.token, body: on}, 404, chat.ENOTFOUND, ""},
		{"ErrUnknownRoom", req{method: "PATCH", path: "/api/v1/rooms/999999", token: owner.token, body: on}, 404, chat.ENOTFOUND, ""},
		{"ErrBadID", req{method: "PATCH", path: "/api/v1/rooms/abc", token: owner.token, body: on}, 404, chat.ENOTFOUND, ""},
		{"ErrDirect", req{method: "PATCH", path: fmt.Sprintf("/api/v1/rooms/%d", dm.Room.ID), token: owner.token, body: on}, 403, chat.EFORBIDDEN, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.expect(c.r, c.status)
			var body struct {
				Error struct {
					Code  string `json:"code"`
					Field string `json:"field"`
				} `json:"error"`
			}
			res.decode(t, &body)
			if body.Error.Code != c.code || body.Error.Field != c.field {
				t.Fatalf("error %+v, want code %q field %q", body.Error, c.code, c.field)
			}
		})
	}
	t.Run("OKNothingChanged", func(t *testing.T) {
		var out struct {
			Room chat.Room `json:"room"`
		}
		e.expect(req{method: "GET", path: path, token: owner.token}, 200).decode(t, &out)
		if !out.Room.RoomMentions || out.Room.Rev != pub.Rev {
			t.Fatalf("after refused changes the room is %+v, want room_mentions on and rev %d", out.Room, pub.Rev)
		}
	})
}
