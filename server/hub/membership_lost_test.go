package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// TestLeaveLost checks that delivery follows membership even when the
// event announcing a leave never reached the leaver's replica.
func TestLeaveLost(t *testing.T) {
	t.Run("ErrBrokerOutage", func(t *testing.T) {
		redis := testenv.StartRedis(t)
		// No periodic re-check during the test: the reconnect must do it.
		rs := cluster(t, 2, redis.Addr, hub.Options{RecheckInterval: time.Hour})
		ctx := context.Background()
		alice, ta := newUser(t, rs[0].App)
		bob, tb := newUser(t, rs[0].App)
		carol, tc := newUser(t, rs[0].App)
		secret := newRoom(t, rs[0].App, alice, chat.RoomPrivate, bob, carol)
		lobby := newRoom(t, rs[0].App, alice, chat.RoomPublic, bob, carol)
		ca, cb, cc := dial(t, rs[0].URL, ta), dial(t, rs[1].URL, tb), dial(t, rs[1].URL, tc)
		for _, c := range []*client{ca, cb, cc} {
			c.next(wait, "ready")
		}

		redis.Stop()
		for _, r := range rs {
			waitBrokerDown(t, r.Hub)
		}
		if err := rs[0].App.LeaveRoom(ctx, bob, secret.ID); err != nil {
			t.Fatalf("leave: %v", err)
		}
		redis.Start()
		waitReady(t, rs[0].Hub)
		waitReady(t, rs[1].Hub)

		// Bob's replica never heard of the leave; it must find out by itself.
		deadline := time.After(5 * time.Second)
		for left := false; !left; {
			select {
			case e, ok := <-cb.events:
				if !ok {
					t.Fatal("bob's socket closed")
				}
				left = e.Type == "room_left" && e.RoomID == secret.ID
			case <-deadline:
				t.Fatal("bob's socket still subscribed to the room he left, 5s after the broker came back")
			}
		}
		// Carol, on bob's replica and still a member, shows when the
		// replica has handled the room's events: bob's queue would hold
		// them by then, before the marker that follows them.
		ca.send(map[string]any{"type": "typing", "room_id": secret.ID})
		if _, _, err := rs[0].App.SendMessage(ctx, alice, secret.ID, "for members only", "s1"); err != nil {
			t.Fatal(err)
		}
		for typing, msg := false, false; !typing || !msg; {
			e := cc.next(wait, "typing", "message")
			typing = typing || (e.Type == "typing" && e.RoomID == secret.ID)
			msg = msg || (e.Type == "message" && e.Msg.RoomID == secret.ID)
		}
		if _, _, err := rs[0].App.SendMessage(ctx, alice, lobby.ID, "marker", "m1"); err != nil {
			t.Fatal(err)
		}
		for e := cc.next(wait, "message"); e.Msg.RoomID != lobby.ID; e = cc.next(wait, "message") {
		}
		for {
			e := cb.next(wait, "message", "typing", "member_left", "message_edited", "message_deleted")
			if e.RoomID == secret.ID || (e.Msg != nil && e.Msg.RoomID == secret.ID) {
				t.Fatalf("bob got %s of the room he left: %+v", e.Type, e)
			}
			if e.Type == "message" && e.Msg.RoomID == lobby.ID {
				break
			}
		}
	})
}

// waitBrokerDown waits until the hub reports its broker unhealthy.
func waitBrokerDown(t *testing.T, h *hub.Hub) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.Check(context.Background()) == nil {
		if time.Now().After(deadline) {
			t.Fatal("broker still healthy 5s after Redis stopped")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
