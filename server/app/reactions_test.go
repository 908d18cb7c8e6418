package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
)

func TestReactions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	alice, _ := e.user(t)
	bob, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, alice, "general", "", chat.RoomPublic)
	noErr(t, err)
	_, err = e.app.JoinRoom(ctx, bob, room.ID)
	noErr(t, err)
	m := e.send(t, alice, room.ID, "m1")

	t.Run("OK", func(t *testing.T) {
		noErr(t, e.app.AddReaction(ctx, bob, room.ID, m.Seq, "👍"))
		noErr(t, e.app.AddReaction(ctx, bob, room.ID, m.Seq, "👍"))
		noErr(t, e.app.AddReaction(ctx, alice, room.ID, m.Seq, "👍"))
		noErr(t, e.app.RemoveReaction(ctx, alice, room.ID, m.Seq, "👍"))
		noErr(t, e.app.RemoveReaction(ctx, alice, room.ID, m.Seq, "👍"))
		got := e.notes.reactionEvents()
		want := []chat.ReactionEvent{
			{RoomID: room.ID, Seq: m.Seq, Emoji: "👍", User: *bob, Added: true},
			{RoomID: room.ID, Seq: m.Seq, Emoji: "👍", User: *alice, Added: true},
			{RoomID: room.ID, Seq: m.Seq, Emoji: "👍", User: *alice, Added: false},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("events %v, want %v (one per change, none for a repeat)", got, want)
		}
	})

	t.Run("MePerViewer", func(t *testing.T) {
		for _, c := range []struct {
			u  *chat.User
			me bool
		}{{alice, false}, {bob, true}} {
			msgs, _, err := e.app.Messages(ctx, c.u, room.ID, chat.Page{})
			noErr(t, err)
			if want := []chat.Reaction{{Emoji: "👍", Count: 1, Me: c.me}}; fmt.Sprint(msgs[0].Reactions) != fmt.Sprint(want) {
				t.Fatalf("user %d sees %v, want %v", c.u.ID, msgs[0].Reactions, want)
			}
		}
		msgs, _, err := e.app.Messages(ctx, alice, room.ID, chat.Page{Forward: true})
		noErr(t, err)
		if len(msgs) != 1 || len(msgs[0].Reactions) != 1 {
			t.Fatalf("the page from the start shows %+v", msgs)
		}
	})

	t.Run("ErrNotMember", func(t *testing.T) {
		carol, _ := e.user(t)
		wantCode(t, e.app.AddReaction(ctx, carol, room.ID, m.Seq, "👍"), chat.EFORBIDDEN)
		secret, err := e.app.CreateRoom(ctx, alice, "secret", "", chat.RoomPrivate)
		noErr(t, err)
		s := e.send(t, alice, secret.ID, "s1")
		wantCode(t, e.app.AddReaction(ctx, carol, secret.ID, s.Seq, "👍"), chat.ENOTFOUND)
		wantCode(t, e.app.RemoveReaction(ctx, carol, secret.ID, s.Seq, "👍"), chat.ENOTFOUND)
		// The same answer as for a room that does not exist.
		wantCode(t, e.app.AddReaction(ctx, carol, secret.ID+1000, 1, "👍"), chat.ENOTFOUND)
	})

	t.Run("ErrMessage", func(t *testing.T) {
		wantCode(t, e.app.AddReaction(ctx, bob, room.ID, 0, "👍"), chat.ENOTFOUND)
		wantCode(t, e.app.AddReaction(ctx, bob, room.ID, 99, "👍"), chat.ENOTFOUND)
		d := e.send(t, alice, room.ID, "d1")
		noErr(t, e.app.DeleteMessage(ctx, alice, room.ID, d.Seq))
		wantCode(t, e.app.AddReaction(ctx, bob, room.ID, d.Seq, "👍"), chat.ECONFLICT)
	})

	t.Run("ErrInvalidEmoji", func(t *testing.T) {
		before := len(e.notes.reactionEvents())
		for _, bad := range []string{"", "+1", "👍👍", "a\x00"} {
			wantInvalid(t, e.app.AddReaction(ctx, bob, room.ID, m.Seq, bad), "emoji")
		}
		if got := len(e.notes.reactionEvents()); got != before {
			t.Fatalf("refused reactions sent %d events", got-before)
		}
	})
}

func TestReactionLimit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(o *app.Options) {
		o.SendLimiter = inmem.NewLimiter()
		o.ReactionRate, o.ReactionWindow = 3, time.Minute
	})
	u, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, u, "general", "", chat.RoomPublic)
	noErr(t, err)
	m := e.send(t, u, room.ID, "m1")
	for _, emoji := range []string{"👍", "🎉", "👀"} {
		noErr(t, e.app.AddReaction(ctx, u, room.ID, m.Seq, emoji))
	}
	err = e.app.AddReaction(ctx, u, room.ID, m.Seq, "🔥")
	wantCode(t, err, chat.ERATELIMITED)
	if chat.ErrorRetryAfter(err) < time.Second {
		t.Fatalf("retry after %v", chat.ErrorRetryAfter(err))
	}
	// Sends keep their own budget.
	e.send(t, u, room.ID, "m2")
}

func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
