package hub_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// laggingHistory shows history only up to seq 1, as a cache or a standby
// that has not yet caught up with the room does, while the room list and
// the primary are current.
type laggingHistory struct{ hub.Chat }

func (l laggingHistory) Messages(ctx context.Context, u *chat.User, roomID int64, p chat.Page) ([]chat.Message, bool, error) {
	msgs, _, err := l.Chat.Messages(ctx, u, roomID, p)
	kept := msgs[:0]
	for _, m := range msgs {
		if m.Seq <= 1 {
			kept = append(kept, m)
		}
	}
	return kept, false, err
}

// TestReplayReachesLiveDelivery: a resume whose history read ends before
// the point live delivery continues from still hands the client every
// message in between, read from the primary, in order, before resumed.
func TestReplayReachesLiveDelivery(t *testing.T) {
	r := newReplica(t, testenv.NewDatabase(t), hub.Options{}, func(a *app.App) hub.Chat { return laggingHistory{a} })
	alice, token := newUser(t, r.App)
	room := newRoom(t, r.App, alice, chat.RoomPublic)
	for _, id := range []string{"a", "b", "c"} {
		if _, _, err := r.App.SendMessage(context.Background(), alice, room.ID, "hello "+id, id); err != nil {
			t.Fatal(err)
		}
	}
	c := dial(t, r.URL+"?resume="+strconv.FormatInt(room.ID, 10)+":0", token)
	if e := c.next(wait, "ready"); e.Rooms[strconv.FormatInt(room.ID, 10)] != 3 {
		t.Fatalf("ready rooms = %v; want live delivery after seq 3", e.Rooms)
	}
	for want := int64(1); want <= 3; want++ {
		e := c.next(wait, "message", "resumed")
		if e.Type != "message" || e.Msg.Seq != want {
			t.Fatalf("got %s seq %v; want message seq %d (replayed before resumed)", e.Type, e.Msg, want)
		}
	}
	c.next(wait, "resumed")
	c.send(sendFrame{Type: "send", RoomID: room.ID, Body: "live", ClientID: "d"})
	if e := c.next(wait, "message"); e.Msg.Seq != 4 {
		t.Fatalf("live message seq %d; want 4", e.Msg.Seq)
	}
}
