package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// lateNotifier stands in for a sender whose live event is held up (its
// goroutine starved, its cache bump slow): it never hands the hub the
// message of one seq, while later ones arrive on time.
type lateNotifier struct {
	*hub.Hub
	drop int64
}

func (n lateNotifier) MessageCreated(ctx context.Context, m *chat.Message) {
	if m.Seq != n.drop {
		n.Hub.MessageCreated(ctx, m)
	}
}

// TestLateMessageFilled checks that a message whose live event never
// comes is read from the store once the room stops waiting for it, and
// delivered in its turn: the members see every seq once and in order,
// without having to notice a gap and resume.
func TestLateMessageFilled(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{ReorderWait: 100 * time.Millisecond})
		r.App.SetNotifier(lateNotifier{Hub: r.Hub, drop: 2})
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		cb := dial(t, r.URL, tb)
		cb.next(wait, "ready")
		ctx := context.Background()
		for _, id := range []string{"a", "b", "c"} {
			if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "hello "+id, id); err != nil {
				t.Fatal(err)
			}
		}
		for want := int64(1); want <= 3; want++ {
			e := cb.next(wait, "message")
			if e.Msg == nil || e.Msg.Seq != want {
				t.Fatalf("message #%d has seq %+v, want %d", want, e.Msg, want)
			}
		}
		cb.none(200*time.Millisecond, "message")
	})
}
