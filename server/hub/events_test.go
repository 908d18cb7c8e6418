package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

func TestMembership(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{})
		ctx := context.Background()
		alice, ta := newUser(t, rs[0].App)
		bob, tb := newUser(t, rs[0].App)
		room := newRoom(t, rs[0].App, alice, chat.RoomPrivate)
		ca, cb := dial(t, rs[0].URL, ta), dial(t, rs[1].URL, tb)
		ca.next(wait, "ready")
		cb.next(wait, "ready")

		// Added on replica 0, bob's connection on replica 1 subscribes.
		if _, _, err := rs[0].App.AddMember(ctx, alice, room.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if e := cb.next(wait, "room_joined"); e.Room == nil || e.Room.ID != room.ID {
			t.Fatalf("room_joined = %+v", e)
		}
		// Joins are announced with the next membership flush, so the
		// owner's own join at creation may come first.
		e := ca.next(wait, "member_joined")
		if e.User != nil && e.User.ID == alice.ID {
			e = ca.next(wait, "member_joined")
		}
		if e.RoomID != room.ID || e.User == nil || e.User.ID != bob.ID {
			t.Fatalf("member_joined = %+v", e)
		}
		time.Sleep(100 * time.Millisecond) // the remote subscription settles
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "welcome", ClientID: "w"})
		if e := cb.next(wait, "message"); e.Msg.Body != "welcome" {
			t.Fatalf("bob got %+v", e.Msg)
		}

		// Typing reaches members only, never the typist.
		cb.send(map[string]any{"type": "typing", "room_id": room.ID})
		if e := ca.next(wait, "typing"); e.RoomID != room.ID || e.User.ID != bob.ID {
			t.Fatalf("typing = %+v", e)
		}
		// Read markers reach the reader's own connections.
		cb2 := dial(t, rs[0].URL, tb)
		cb2.next(wait, "ready")
		cb.send(map[string]any{"type": "read", "room_id": room.ID, "seq": 1})
		if e := cb2.next(wait, "read"); e.RoomID != room.ID || e.Seq != 1 {
			t.Fatalf("read = %+v", e)
		}

		// Leaving a private room: room_left, then nothing more from it.
		if err := rs[1].App.LeaveRoom(ctx, bob, room.ID); err != nil {
			t.Fatal(err)
		}
		cb.next(wait, "room_left")
		cb2.next(wait, "room_left")
		if e := ca.next(wait, "member_left"); e.User.ID != bob.ID {
			t.Fatalf("member_left = %+v", e)
		}
		time.Sleep(100 * time.Millisecond)
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "secret", ClientID: "s"})
		ca.next(wait, "ack")
		cb.none(300*time.Millisecond, "message")
		cb2.none(10*time.Millisecond, "message")
	})
}

func TestPresence(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{})
		ctx := context.Background()
		alice, ta := newUser(t, rs[0].App)
		bob, tb := newUser(t, rs[0].App)
		room := newRoom(t, rs[0].App, alice, chat.RoomPublic, bob)
		ca := dial(t, rs[0].URL, ta)
		ca.next(wait, "ready")

		cb := dial(t, rs[1].URL, tb)
		cb.next(wait, "ready")
		if e := ca.next(wait, "presence"); e.UserID != bob.ID || !e.Online {
			t.Fatalf("presence = %+v, want bob online", e)
		}
		members, err := rs[0].App.Members(ctx, alice, room.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if !m.Online {
				t.Fatalf("member %s offline while connected", m.Username)
			}
		}
		// A second connection of bob's elsewhere announces nothing.
		cb2 := dial(t, rs[0].URL, tb)
		cb2.next(wait, "ready")
		ca.none(200*time.Millisecond, "presence")
		_ = cb2.ws.Close()
		ca.none(200*time.Millisecond, "presence")
		_ = cb.ws.Close()
		if e := ca.next(wait, "presence"); e.UserID != bob.ID || e.Online {
			t.Fatalf("presence = %+v, want bob offline", e)
		}
		if got, _ := rs[1].Hub.Online(ctx, []int64{bob.ID}); got[bob.ID] {
			t.Fatal("bob still online after his last connection closed")
		}
	})
}

func TestEditDelete(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		ctx := context.Background()
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		cb := dial(t, r.URL, tb)
		cb.next(wait, "ready")
		m, _, err := r.App.SendMessage(ctx, alice, room.ID, "first draft", "e1")
		if err != nil {
			t.Fatal(err)
		}
		cb.next(wait, "message")
		if _, err := r.App.EditMessage(ctx, alice, room.ID, m.Seq, "final"); err != nil {
			t.Fatal(err)
		}
		if e := cb.next(wait, "message_edited"); e.Msg == nil || e.Msg.Seq != m.Seq || e.Msg.Body != "final" || e.Msg.EditedAt == nil {
			t.Fatalf("message_edited = %+v", e.Msg)
		}
		if err := r.App.DeleteMessage(ctx, alice, room.ID, m.Seq); err != nil {
			t.Fatal(err)
		}
		if e := cb.next(wait, "message_deleted"); e.RoomID != room.ID || e.Seq != m.Seq {
			t.Fatalf("message_deleted = %+v", e)
		}
	})
}
