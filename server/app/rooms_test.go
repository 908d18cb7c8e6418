package app_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestDirectMessageAfterLeaving(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, _ := e.user(t)
	bob, _ := e.user(t)
	dm, err := e.app.DirectMessage(ctx, alice, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.send(t, bob, dm.ID, "before")
	if err := e.app.LeaveRoom(ctx, alice, dm.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrGone", func(t *testing.T) {
		_, err := e.app.Room(ctx, alice, dm.ID)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("OKOpenAgain", func(t *testing.T) {
		again, err := e.app.DirectMessage(ctx, alice, bob.ID)
		if err != nil || again.ID != dm.ID {
			t.Fatalf("DirectMessage = %v, %v; want room %d", again, err, dm.ID)
		}
		msgs, _, err := e.app.Messages(ctx, alice, dm.ID, chat.Page{})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("messages = %v, %v; want the one before leaving", msgs, err)
		}
		e.send(t, alice, dm.ID, "back")
	})
}

func TestDeleteInDirectRoom(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, _ := e.user(t)
	bob, _ := e.user(t)
	// alice opens it, so the store makes her its owner.
	dm, err := e.app.DirectMessage(ctx, alice, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	fromBob := e.send(t, bob, dm.ID, "bob-1")
	fromAlice := e.send(t, alice, dm.ID, "alice-1")
	t.Run("ErrOthersMessage", func(t *testing.T) {
		wantCode(t, e.app.DeleteMessage(ctx, alice, dm.ID, fromBob.Seq), chat.EFORBIDDEN)
		wantCode(t, e.app.DeleteMessage(ctx, bob, dm.ID, fromAlice.Seq), chat.EFORBIDDEN)
		m, err := e.store.FindMessage(ctx, dm.ID, fromBob.Seq)
		if err != nil || m.Deleted {
			t.Fatalf("message = %v, %v; want it kept", m, err)
		}
	})
	t.Run("OKOwnMessage", func(t *testing.T) {
		if err := e.app.DeleteMessage(ctx, bob, dm.ID, fromBob.Seq); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKRoomOwnerElsewhere", func(t *testing.T) {
		room, err := e.app.CreateRoom(ctx, alice, "general", "", chat.RoomPublic)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.JoinRoom(ctx, bob, room.ID); err != nil {
			t.Fatal(err)
		}
		m := e.send(t, bob, room.ID, "spam")
		if err := e.app.DeleteMessage(ctx, alice, room.ID, m.Seq); err != nil {
			t.Fatalf("owner deleting in a public room: %v", err)
		}
	})
}

func TestMarkReadPastNewest(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	owner, _ := e.user(t)
	reader, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, owner, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.JoinRoom(ctx, reader, room.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"1", "2", "3"} {
		e.send(t, owner, room.ID, c)
	}
	readSeq := func(t *testing.T) int64 {
		t.Helper()
		m, err := e.store.FindMembership(ctx, room.ID, reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m.ReadSeq
	}
	t.Run("OKCapped", func(t *testing.T) {
		if err := e.app.MarkRead(ctx, reader, room.ID, 1000); err != nil {
			t.Fatal(err)
		}
		if got := readSeq(t); got != 3 {
			t.Fatalf("read_seq = %d, want the last seq 3", got)
		}
	})
	t.Run("OKLaterMessagesUnread", func(t *testing.T) {
		e.send(t, owner, room.ID, "4")
		rooms, err := e.app.MyRooms(ctx, reader)
		if err != nil || len(rooms) != 1 || rooms[0].Unread == nil || *rooms[0].Unread != 1 {
			t.Fatalf("rooms = %+v, %v; want 1 unread", rooms, err)
		}
	})
	t.Run("ErrNegative", func(t *testing.T) {
		wantInvalid(t, e.app.MarkRead(ctx, reader, room.ID, -1), "seq")
	})
}
