package web_test

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestRooms(t *testing.T) {
	e := newEnv(t)
	owner, other, third := e.signUp("owner"), e.signUp("other"), e.signUp("third")
	pub := e.createRoom(owner, "General", chat.RoomPublic)
	priv := e.createRoom(owner, "Secret", chat.RoomPrivate)

	t.Run("CreateMakesOwnerMember", func(t *testing.T) {
		if pub.Kind != chat.RoomPublic || pub.Name != "General" || pub.LastSeq != 0 {
			t.Fatalf("room %+v", pub)
		}
		res := e.expect(req{method: "GET", path: "/api/v1/rooms", token: owner.token}, 200)
		var out struct {
			Rooms []chat.Room `json:"rooms"`
		}
		res.decode(t, &out)
		if len(out.Rooms) != 2 {
			t.Fatalf("owner has %d rooms, want 2", len(out.Rooms))
		}
		for _, r := range out.Rooms {
			if r.Unread == nil || *r.Unread != 0 {
				t.Errorf("room %d unread = %v, want 0", r.ID, r.Unread)
			}
		}
	})

	t.Run("ErrCreateFields", func(t *testing.T) {
		for _, c := range []struct {
			body  map[string]string
			field string
		}{
			{map[string]string{"name": "", "kind": "public"}, "name"},
			{map[string]string{"name": "x", "kind": "secret"}, "kind"},
			{map[string]string{"name": string(make([]byte, 81)), "kind": "public"}, "name"},
		} {
			res := e.expect(req{method: "POST", path: "/api/v1/rooms", token: owner.token, body: c.body}, 422)
			if got := res.errorCode(t); got != chat.EINVALID {
				t.Errorf("%v: code %q", c.body, got)
			}
		}
	})

	t.Run("PublicDirectoryHidesPrivate", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/rooms/public", token: other.token}, 200)
		var out struct {
			Rooms []chat.Room `json:"rooms"`
		}
		res.decode(t, &out)
		var sawPublic bool
		for _, r := range out.Rooms {
			if r.ID == priv.ID {
				t.Errorf("private room listed in the directory")
			}
			sawPublic = sawPublic || r.ID == pub.ID
		}
		if !sawPublic {
			t.Errorf("public room missing from the directory")
		}
	})

	t.Run("ErrPrivateRoomIsNotFoundToOutsiders", func(t *testing.T) {
		id := priv.ID
		for _, r := range []req{
			{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d", id)},
			{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", id)},
			{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/leave", id)},
			{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/members", id)},
			{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", id), body: map[string]int64{"user_id": other.user.ID}},
			{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", id), body: map[string]int64{"seq": 1}},
			{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages", id)},
			{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", id), body: map[string]string{"body": "hi", "client_id": "c1"}},
			{method: "PATCH", path: fmt.Sprintf("/api/v1/rooms/%d/messages/1", id), body: map[string]string{"body": "hi"}},
			{method: "DELETE", path: fmt.Sprintf("/api/v1/rooms/%d/messages/1", id)},
		} {
			r.token = other.token
			res := e.expect(r, 404)
			if got := res.errorCode(t); got != chat.ENOTFOUND {
				t.Errorf("%s %s: code %q", r.method, r.path, got)
			}
		}
	})

	t.Run("JoinLeaveMembers", func(t *testing.T) {
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", pub.ID), token: other.token}, 200)
		res := e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/members", pub.ID), token: other.token}, 200)
		var out struct {
			Members []chat.Member `json:"members"`
		}
		res.decode(t, &out)
		if len(out.Members) != 2 {
			t.Fatalf("members = %+v", out.Members)
		}
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/leave", pub.ID), token: other.token}, 204)
		res = e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/members", pub.ID), token: other.token}, 200)
		res.decode(t, &out)
		if len(out.Members) != 1 || out.Members[0].ID != owner.user.ID {
			t.Fatalf("after leave members = %+v", out.Members)
		}
	})

	t.Run("ErrSendNeedsMembership", func(t *testing.T) {
		res := e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", pub.ID), token: third.token, body: map[string]string{"body": "hi", "client_id": "x"}}, 403)
		if got := res.errorCode(t); got != chat.EFORBIDDEN {
			t.Errorf("code %q", got)
		}
	})

	t.Run("OwnerAddsToPrivate", func(t *testing.T) {
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", priv.ID), token: owner.token, body: map[string]int64{"user_id": other.user.ID}}, 200)
		e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d", priv.ID), token: other.token}, 200)
		// A plain member may not add anyone to a private room.
		res := e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", priv.ID), token: other.token, body: map[string]int64{"user_id": third.user.ID}}, 403)
		if got := res.errorCode(t); got != chat.EFORBIDDEN {
			t.Errorf("code %q", got)
		}
		res = e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", priv.ID), token: owner.token, body: map[string]int64{"user_id": 999999}}, 422)
		if got := res.errorCode(t); got != chat.EINVALID {
			t.Errorf("code %q", got)
		}
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/leave", priv.ID), token: other.token}, 204)
		e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d", priv.ID), token: other.token}, 404)
	})

	t.Run("DirectMessageSameRoomForPair", func(t *testing.T) {
		var first, second struct {
			Room chat.Room `json:"room"`
		}
		e.expect(req{method: "POST", path: "/api/v1/dms", token: owner.token, body: map[string]int64{"user_id": third.user.ID}}, 200).decode(t, &first)
		e.expect(req{method: "POST", path: "/api/v1/dms", token: third.token, body: map[string]int64{"user_id": owner.user.ID}}, 200).decode(t, &second)
		if first.Room.ID == 0 || first.Room.ID != second.Room.ID || first.Room.Kind != chat.RoomDirect {
			t.Fatalf("dm rooms %+v and %+v", first.Room, second.Room)
		}
		e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d", first.Room.ID), token: other.token}, 404)
		e.expect(req{method: "POST", path: "/api/v1/dms", token: owner.token, body: map[string]int64{"user_id": owner.user.ID}}, 422)
		e.expect(req{method: "POST", path: "/api/v1/dms", token: owner.token, body: map[string]int64{"user_id": 987654}}, 422)
	})

	t.Run("ReadMarkerMovesForwardOnly", func(t *testing.T) {
		room := e.createRoom(owner, "Reading", chat.RoomPublic)
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: other.token}, 200)
		for i := 0; i < 5; i++ {
			e.send(owner, room.ID, fmt.Sprintf("m%d", i), fmt.Sprintf("r%d", i))
		}
		unread := func() int64 {
			var out struct {
				Rooms []chat.Room `json:"rooms"`
			}
			e.expect(req{method: "GET", path: "/api/v1/rooms", token: other.token}, 200).decode(t, &out)
			for _, r := range out.Rooms {
				if r.ID == room.ID {
					return *r.Unread
				}
			}
			t.Fatalf("room not in list")
			return 0
		}
		if got := unread(); got != 5 {
			t.Fatalf("unread = %d, want 5", got)
		}
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), token: other.token, body: map[string]int64{"seq": 4}}, 204)
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), token: other.token, body: map[string]int64{"seq": 2}}, 204)
		if got := unread(); got != 1 {
			t.Fatalf("unread after marking 4 then 2 = %d, want 1", got)
		}
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), token: other.token, body: map[string]int64{"seq": -1}}, 422)
		e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), token: other.token, body: map[string]any{}}, 422)
		// The sender's own messages are never unread.
		var out struct {
			Rooms []chat.Room `json:"rooms"`
		}
		e.expect(req{method: "GET", path: "/api/v1/rooms", token: owner.token}, 200).decode(t, &out)
		for _, r := range out.Rooms {
			if r.ID == room.ID && *r.Unread != 0 {
				t.Errorf("sender has %d unread of their own", *r.Unread)
			}
		}
	})

	t.Run("ETagAnd304", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/rooms", token: owner.token}, 200)
		etag := res.header.Get("ETag")
		if etag == "" || res.header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("headers %v", res.header)
		}
		e.expect(req{method: "GET", path: "/api/v1/rooms", token: owner.token, header: map[string]string{"If-None-Match": etag}}, 304)
		e.createRoom(owner, "Changes the list", chat.RoomPublic)
		e.expect(req{method: "GET", path: "/api/v1/rooms", token: owner.token, header: map[string]string{"If-None-Match": etag}}, 200)
	})
}
