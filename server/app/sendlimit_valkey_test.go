package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// Two replicas on one Valkey share one user's budget: a client cannot
// double it by sending through both.
func TestSendLimitAcrossReplicas(t *testing.T) {
	const rate = 4
	client := testenv.NewClient(t, testenv.RedisAddr)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	e := newEnv(t, func(o *app.Options) {
		o.SendLimiter = valkeystore.NewLimiter(client, prefix)
		o.SendRate = rate
		o.SendWindow = time.Minute
	})
	other := app.New(app.Options{Users: e.store, Sessions: e.store, Rooms: e.store, Messages: e.store,
		Passwords: cheapPasswords, SendLimiter: valkeystore.NewLimiter(client, prefix), SendRate: rate, SendWindow: time.Minute})
	ctx := context.Background()
	u, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, u, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rate {
		a := e.app
		if i%2 == 1 {
			a = other
		}
		if _, _, err := a.SendMessage(ctx, u, room.ID, "hi", fmt.Sprint("m", i)); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	t.Run("ErrOverLimit", func(t *testing.T) {
		for _, a := range []*app.App{e.app, other} {
			_, _, err := a.SendMessage(ctx, u, room.ID, "hi", "over")
			wantCode(t, err, chat.ERATELIMITED)
		}
	})
}
