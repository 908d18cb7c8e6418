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

func TestSendLimit(t *testing.T) {
	const rate = 5
	e := newEnv(t, func(o *app.Options) {
		o.SendLimiter = inmem.NewLimiter()
		o.SendRate = rate
		o.SendWindow = time.Minute
	})
	ctx := context.Background()
	alice, _ := e.user(t)
	bob, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, alice, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.app.CreateRoom(ctx, alice, "random", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.JoinRoom(ctx, bob, room.ID); err != nil {
		t.Fatal(err)
	}
	var first *chat.Message
	for i := range rate {
		m := e.send(t, alice, room.ID, fmt.Sprint("m", i))
		if i == 0 {
			first = m
		}
	}
	t.Run("ErrOverLimit", func(t *testing.T) {
		_, _, err := e.app.SendMessage(ctx, alice, other.ID, "one more", "over")
		wantCode(t, err, chat.ERATELIMITED)
		if r := chat.ErrorRetryAfter(err); r < time.Second || r > time.Minute {
			t.Fatalf("retry after %v; want within the window", r)
		}
		if _, err := e.store.FindSent(ctx, other.ID, alice.ID, "over"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("a refused send was stored: %v", err)
		}
	})
	t.Run("OKRetryOfStoredSend", func(t *testing.T) {
		m, created, err := e.app.SendMessage(ctx, alice, room.ID, first.Body, first.ClientID)
		if err != nil || created || m.ID != first.ID {
			t.Fatalf("retry = %v, %v, %v; want the first message, not created", m, created, err)
		}
	})
	t.Run("OKPerUser", func(t *testing.T) {
		e.send(t, bob, room.ID, "bob-1")
	})
}

func TestSendLimitDefault(t *testing.T) {
	e := newEnv(t, func(o *app.Options) { o.SendLimiter = inmem.NewLimiter() })
	ctx := context.Background()
	u, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, u, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	for i := range app.DefaultSendRate {
		e.send(t, u, room.ID, fmt.Sprint("m", i))
	}
	_, _, err = e.app.SendMessage(ctx, u, room.ID, "one more", "over")
	wantCode(t, err, chat.ERATELIMITED)
}
