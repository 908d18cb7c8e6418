package hub_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// lateNotifier stands in for a sender whose live event is held up (its
// goroutine starved, its cache bump slow): it never hands the hub the
// messages of some seqs, while the others arrive on time.
type lateNotifier struct {
	*hub.Hub
	drop map[int64]bool
}

func (n lateNotifier) MessageCreated(ctx context.Context, m *chat.Message) {
	if !n.drop[m.Seq] {
		n.Hub.MessageCreated(ctx, m)
	}
}

// TestLateMessageFilled checks that a message whose live event never
// comes is read from the store once the room stops waiting for it, and
// delivered in its turn: the members see every seq once and in order,
// without having to notice a gap and resume.
func TestLateMessageFilled(t *testing.T) {
	for _, c := range []struct {
		name  string
		drop  []int64
		sends int
	}{
		{"OKOneGap", []int64{2}, 3},
		// Several gaps before the wait ends (a broker outage while the
		// room's local members keep sending): each is filled in its turn.
		{"OKGapsBetweenHeld", []int64{2, 4, 5, 7}, 8},
		// A gap longer than the store's page (an outage's worth): the
		// fill reads page after page.
		{"OKGapLongerThanAPage", seqRange(2, 160), 165},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := single(t, hub.Options{ReorderWait: 100 * time.Millisecond})
			drop := map[int64]bool{}
			for _, seq := range c.drop {
				drop[seq] = true
			}
			r.App.SetNotifier(lateNotifier{Hub: r.Hub, drop: drop})
			alice, _ := newUser(t, r.App)
			bob, tb := newUser(t, r.App)
			room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
			cb := dial(t, r.URL, tb)
			cb.next(wait, "ready")
			ctx := context.Background()
			for i := range c.sends {
				id := fmt.Sprintf("m%d", i)
				if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "hello "+id, id); err != nil {
					t.Fatal(err)
				}
			}
			for want := int64(1); want <= int64(c.sends); want++ {
				e := cb.next(wait, "message")
				if e.Msg == nil || e.Msg.Seq != want {
					t.Fatalf("message #%d has seq %+v, want %d", want, e.Msg, want)
				}
			}
			cb.none(200*time.Millisecond, "message")
		})
	}
}

// seqRange lists the seqs from..to.
func seqRange(from, to int64) []int64 {
	var out []int64
	for seq := from; seq <= to; seq++ {
		out = append(out, seq)
	}
	return out
}
