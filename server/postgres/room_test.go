package postgres_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestCreateRoom(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	owner := newUser(t, s)
	t.Run("OK", func(t *testing.T) {
		r, err := s.CreateRoom(ctx, owner.ID, "design", "pixels", chat.RoomPrivate)
		if err != nil {
			t.Fatal(err)
		}
		want := chat.Room{ID: r.ID, Name: "design", Topic: "pixels", Kind: chat.RoomPrivate, OwnerID: owner.ID, RoomMentions: true}
		if r.ID == 0 || *r != want {
			t.Fatalf("got %+v, want %+v", r, want)
		}
		m, err := s.FindMembership(ctx, r.ID, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Role != chat.RoleOwner {
			t.Fatalf("owner role = %q, want %q", m.Role, chat.RoleOwner)
		}
	})
	t.Run("ErrUnknownOwner", func(t *testing.T) {
		_, err := s.CreateRoom(ctx, owner.ID+1000, "x", "", chat.RoomPublic)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrBadKind", func(t *testing.T) {
		_, err := s.CreateRoom(ctx, owner.ID, "x", "", "secret")
		wantCode(t, err, chat.EINVALID)
	})
}

func TestFindRoom(t *testing.T) {
	_, s := testenv.Open(t)
	r := newRoom(t, s, newUser(t, s))
	t.Run("OK", func(t *testing.T) {
		got, err := s.FindRoom(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *r {
			t.Fatalf("got %+v, want %+v", got, r)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindRoom(context.Background(), r.ID+1000)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func TestUserRooms(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	alice, bob := newUser(t, s), newUser(t, s)
	r1 := newRoom(t, s, alice)
	r2 := newRoom(t, s, bob)
	if _, err := s.AddMember(ctx, r2.ID, alice.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	send(t, s, r2.ID, bob.ID, "b1")
	send(t, s, r2.ID, bob.ID, "b2")
	send(t, s, r1.ID, alice.ID, "a1")
	t.Run("OK", func(t *testing.T) {
		rooms, err := s.UserRooms(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rooms) != 2 || rooms[0].ID != r1.ID || rooms[1].ID != r2.ID {
			t.Fatalf("got %+v, want rooms %d and %d", rooms, r1.ID, r2.ID)
		}
		if rooms[0].Unread == nil || *rooms[0].Unread != 0 {
			t.Fatalf("own message unread = %v, want 0", rooms[0].Unread)
		}
		if rooms[1].Unread == nil || *rooms[1].Unread != 2 || rooms[1].LastSeq != 2 {
			t.Fatalf("room 2 = %+v unread %v, want last_seq 2 unread 2", rooms[1], rooms[1].Unread)
		}
	})
	t.Run("OKNone", func(t *testing.T) {
		rooms, err := s.UserRooms(ctx, newUser(t, s).ID)
		if err != nil {
			t.Fatal(err)
		}
		if rooms == nil || len(rooms) != 0 {
			t.Fatalf("got %#v, want an empty non-nil slice", rooms)
		}
	})
}

func TestPublicRooms(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	for _, r := range []struct{ name, kind string }{{"zeta", chat.RoomPublic}, {"alpha", chat.RoomPublic}, {"hidden", chat.RoomPrivate}} {
		if _, err := s.CreateRoom(ctx, u.ID, r.name, "", r.kind); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.DirectRoom(ctx, u.ID, newUser(t, s).ID); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		rooms, err := s.PublicRooms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rooms) != 2 || rooms[0].Name != "alpha" || rooms[1].Name != "zeta" {
			t.Fatalf("got %+v, want [alpha zeta]", rooms)
		}
	})
}

func TestMembers(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	zed, err := s.CreateUser(ctx, "zed", "", "h")
	if err != nil {
		t.Fatal(err)
	}
	amy, err := s.CreateUser(ctx, "amy", "", "h")
	if err != nil {
		t.Fatal(err)
	}
	r := newRoom(t, s, zed)
	if _, err := s.AddMember(ctx, r.ID, amy.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := s.Members(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != *amy || got[1] != *zed {
			t.Fatalf("got %+v, want [amy zed]", got)
		}
	})
	t.Run("OKUnknownRoomIsEmpty", func(t *testing.T) {
		got, err := s.Members(ctx, r.ID+1000)
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v; want no members", got, err)
		}
	})
}
