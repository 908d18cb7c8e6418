package hub_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// reactionGroup is one (message, emoji) of a reaction_batch event.
type reactionGroup struct {
	Seq     int64   `json:"seq"`
	Emoji   string  `json:"emoji"`
	Added   []int64 `json:"added"`
	Removed []int64 `json:"removed"`
}

// tally adds up the reaction changes a socket hears: the net count per
// "seq emoji" and, per user, whether their latest change was an add.
type tally struct {
	count  map[string]int
	mine   map[int64]bool
	frames int
}

func (t *tally) add(e event) bool {
	switch e.Type {
	case "reaction":
		k := fmt.Sprintf("%d %s", e.Seq, e.Emoji)
		if e.Added {
			t.count[k]++
		} else {
			t.count[k]--
		}
		t.mine[e.User.ID] = e.Added
	case "reaction_batch":
		for _, g := range e.Reactions {
			k := fmt.Sprintf("%d %s", g.Seq, g.Emoji)
			t.count[k] += len(g.Added) - len(g.Removed)
			for _, id := range g.Added {
				t.mine[id] = true
			}
			for _, id := range g.Removed {
				t.mine[id] = false
			}
		}
	default:
		return false
	}
	t.frames++
	return true
}

// TestReactionFanout has many people react to one message at once through
// one replica and checks a member on another: it hears every change
// exactly once, net, in a handful of frames rather than one per change.
func TestReactionFanout(t *testing.T) {
	const people = 60
	const interval = 200 * time.Millisecond
	rs := cluster(t, 2, testenv.RedisAddr, hub.Options{PresenceInterval: interval})
	a := rs[0].App
	owner, ownerToken := newUser(t, a)
	users := make([]*chat.User, people)
	for i := range users {
		users[i], _ = newUser(t, a)
	}
	room := newRoom(t, a, owner, chat.RoomPublic, users...)
	ctx := context.Background()
	m, _, err := a.SendMessage(ctx, owner, room.ID, "react to this", "r1")
	if err != nil {
		t.Fatal(err)
	}
	watcher := dial(t, rs[1].URL, ownerToken)
	watcher.next(wait, "ready")

	t.Run("BurstCoalesced", func(t *testing.T) {
		start := time.Now()
		var wg sync.WaitGroup
		for _, u := range users {
			wg.Go(func() {
				if err := a.AddReaction(ctx, u, room.ID, m.Seq, "🔥"); err != nil {
					t.Errorf("react: %v", err)
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		tl := &tally{count: map[string]int{}, mine: map[int64]bool{}}
		key := fmt.Sprintf("%d 🔥", m.Seq)
		for tl.count[key] < people {
			tl.add(watcher.next(wait, "reaction", "reaction_batch"))
		}
		watcher.none(3*interval, "reaction", "reaction_batch")
		if tl.count[key] != people || len(tl.mine) != people {
			t.Fatalf("heard a net %d from %d people, want %d from %d", tl.count[key], len(tl.mine), people, people)
		}
		// Per interval the burst lasted (and the flush after it) at most
		// one batch, and three single events when an interval found the
		// room quiet.
		if limit := 4 * (int(took/interval) + 2); tl.frames > limit {
			t.Fatalf("%d changes in %v came in %d frames, want at most %d", people, took, tl.frames, limit)
		}
	})

	t.Run("UndoneChangeNetsOut", func(t *testing.T) {
		// Keep the room busy so that the next changes are held back.
		for _, u := range users[:3] {
			if err := a.AddReaction(ctx, u, room.ID, m.Seq, "👀"); err != nil {
				t.Fatal(err)
			}
		}
		u := users[10]
		if err := a.AddReaction(ctx, u, room.ID, m.Seq, "🙈"); err != nil {
			t.Fatal(err)
		}
		if err := a.RemoveReaction(ctx, u, room.ID, m.Seq, "🙈"); err != nil {
			t.Fatal(err)
		}
		if err := a.AddReaction(ctx, users[11], room.ID, m.Seq, "👀"); err != nil {
			t.Fatal(err)
		}
		tl := &tally{count: map[string]int{}, mine: map[int64]bool{}}
		for tl.count[fmt.Sprintf("%d 👀", m.Seq)] < 4 {
			tl.add(watcher.next(wait, "reaction", "reaction_batch"))
		}
		watcher.none(3*interval, "reaction", "reaction_batch")
		// Held back, the two changes cancel out and nothing is sent; if a
		// flush fell between them, both went out. Either way the net is 0.
		if n := tl.count[fmt.Sprintf("%d 🙈", m.Seq)]; n != 0 {
			t.Fatalf("a reaction added then removed left a net %d", n)
		}
	})
}
