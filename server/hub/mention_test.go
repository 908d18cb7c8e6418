package hub_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// firstMention reads c's events up to its next mention and returns it.
func firstMention(c *client) event {
	c.tb.Helper()
	return c.next(wait, "mention")
}

// wantMention fails unless e is the mention of seq in room with the
// message's body.
func wantMention(tb testing.TB, who string, e event, room, seq int64, body string) {
	tb.Helper()
	if e.RoomID != room || e.Seq != seq || e.Msg == nil || e.Msg.Seq != seq || e.Msg.Body != body {
		tb.Fatalf("%s got mention %+v (message %+v), want room %d seq %d %q", who, e, e.Msg, room, seq, body)
	}
}

func TestMentionEvents(t *testing.T) {
	rs := cluster(t, 2, testenv.RedisAddr, hub.Options{})
	a := rs[0].App
	ctx := context.Background()
	alice, ta := newUser(t, a)
	bob, tb := newUser(t, a)
	carol, tc := newUser(t, a)
	dave, td := newUser(t, a)
	room := newRoom(t, a, alice, chat.RoomPrivate, bob, carol)
	// Dave shares another room with alice, so that a mention can reach him
	// at all: the one he gets must be that one.
	other := newRoom(t, a, alice, chat.RoomPrivate, dave)

	ca := dial(t, rs[0].URL, ta)
	cb := dial(t, rs[1].URL, tb)
	cb2 := dial(t, rs[0].URL, tb)
	cc := dial(t, rs[1].URL, tc)
	cd := dial(t, rs[1].URL, td)
	for _, c := range []*client{ca, cb, cb2, cc, cd} {
		c.next(wait, "ready")
	}
	seq, sent := int64(0), 0
	// send writes a send frame and returns the seq its ack gives.
	send := func(from *client, roomID int64, body string) int64 {
		from.tb.Helper()
		sent++
		from.send(sendFrame{Type: "send", RoomID: roomID, Body: body, ClientID: fmt.Sprintf("m%d", sent)})
		e := from.next(wait, "ack")
		return e.Msg.Seq
	}

	t.Run("OKByNameOnEveryReplica", func(t *testing.T) {
		// Dave is no member of the room and alice names herself: neither
		// is a mention.
		body := "hi @" + bob.Username + " @" + dave.Username + " @" + alice.Username
		seq = send(ca, room.ID, body)
		wantMention(t, "bob on replica 1", firstMention(cb), room.ID, seq, body)
		wantMention(t, "bob on replica 0", firstMention(cb2), room.ID, seq, body)
	})
	t.Run("OKNobodyElse", func(t *testing.T) {
		// The next mention each of them sees is the one meant for them.
		body := "and @" + carol.Username
		next := send(cb, room.ID, body)
		wantMention(t, "carol", firstMention(cc), room.ID, next, body)
		body = "hello @" + dave.Username
		dseq := send(ca, other.ID, body)
		wantMention(t, "dave", firstMention(cd), other.ID, dseq, body)
		body = "@" + alice.Username + " ping"
		next = send(cc, room.ID, body)
		wantMention(t, "alice", firstMention(ca), room.ID, next, body)
	})
	t.Run("OKRoomSkipsTheAuthor", func(t *testing.T) {
		body := "@room standup"
		s := send(cc, room.ID, body)
		wantMention(t, "alice", firstMention(ca), room.ID, s, body)
		wantMention(t, "bob on replica 1", firstMention(cb), room.ID, s, body)
		wantMention(t, "bob on replica 0", firstMention(cb2), room.ID, s, body)
		body = "@" + carol.Username + " you too"
		s = send(ca, room.ID, body)
		wantMention(t, "carol", firstMention(cc), room.ID, s, body)
	})
	t.Run("OKRoomSwitchedOff", func(t *testing.T) {
		if _, err := a.SetRoomMentions(ctx, alice, room.ID, false); err != nil {
			t.Fatal(err)
		}
		send(cc, room.ID, "@room nobody")
		body := "@" + bob.Username + " only"
		s := send(cc, room.ID, body)
		wantMention(t, "bob", firstMention(cb), room.ID, s, body)
		body = "@" + alice.Username + " only"
		s = send(cc, room.ID, body)
		wantMention(t, "alice", firstMention(ca), room.ID, s, body)
	})
	t.Run("OKNotAfterLeaving", func(t *testing.T) {
		if err := a.LeaveRoom(ctx, dave, other.ID); err != nil {
			t.Fatal(err)
		}
		cd.next(wait, "room_left")
		send(ca, other.ID, "@"+dave.Username+" gone?")
		// Dave's next mention is from the room he is in now.
		pub := newRoom(t, a, alice, chat.RoomPublic, dave)
		cd.next(wait, "room_joined")
		body := "@" + dave.Username + " welcome"
		s := send(ca, pub.ID, body)
		wantMention(t, "dave", firstMention(cd), pub.ID, s, body)
	})
}
