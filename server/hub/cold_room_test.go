package hub_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// commitAfterRooms is the app, except that the first MyRooms commits one
// more message after reading the rooms: exactly the moment a connection has
// its room list but the room is not yet receiving on this replica.
type commitAfterRooms struct {
	*app.App
	sender *chat.User
	room   int64
	done   atomic.Bool
}

func (w *commitAfterRooms) MyRooms(ctx context.Context, u *chat.User) ([]chat.Room, error) {
	rooms, err := w.App.MyRooms(ctx, u)
	if err == nil && w.room != 0 && w.done.CompareAndSwap(false, true) {
		if _, _, err := w.App.SendMessage(ctx, w.sender, w.room, "in between", "between"); err != nil {
			return nil, err
		}
	}
	return rooms, err
}

// TestColdRoom checks the promise of ready: every message committed after
// the last_seq it lists reaches the connection, even one committed while
// the room was not yet receiving on this replica (its first local member is
// joining).
func TestColdRoom(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var w *commitAfterRooms
		r := newReplica(t, testenv.NewDatabase(t), hub.Options{}, func(a *app.App) hub.Chat {
			w = &commitAfterRooms{App: a}
			return w
		})
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		w.sender, w.room = alice, room.ID

		c := dial(t, r.URL, tb)
		ready := c.next(wait, "ready")
		if got := ready.Rooms[strconv.FormatInt(room.ID, 10)]; got != 0 {
			t.Fatalf("ready says last_seq %d, want 0 (the room list was read before the commit)", got)
		}
		e := c.next(wait, "message")
		if e.Msg == nil || e.Msg.Seq != 1 || e.Msg.Body != "in between" {
			t.Fatalf("first message %+v, want seq 1 committed while the room was cold", e.Msg)
		}
		if _, _, err := r.App.SendMessage(context.Background(), alice, room.ID, "live", "live"); err != nil {
			t.Fatal(err)
		}
		if e := c.next(wait, "message"); e.Msg == nil || e.Msg.Seq != 2 {
			t.Fatalf("next message %+v, want seq 2", e.Msg)
		}
	})
}
