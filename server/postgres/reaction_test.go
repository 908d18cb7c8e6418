package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

func TestReactions(t *testing.T) {
	ctx := context.Background()
	_, s := testenv.Open(t)
	alice, bob := newUser(t, s), newUser(t, s)
	r := newRoom(t, s, alice)
	m := send(t, s, r.ID, alice.ID, "r1")

	t.Run("OK", func(t *testing.T) {
		add := func(u *chat.User, emoji string, want bool) {
			t.Helper()
			changed, err := s.AddReaction(ctx, r.ID, m.Seq, u.ID, emoji)
			if err != nil || changed != want {
				t.Fatalf("add %s by %d: changed %v, %v; want %v", emoji, u.ID, changed, err, want)
			}
		}
		add(alice, "👍", true)
		add(alice, "👍", false) // idempotent
		add(bob, "🎉", true)
		add(bob, "👍", true)
		got, err := s.Reactions(ctx, r.ID, alice.ID, m.Seq, m.Seq)
		noErr(t, err)
		want := []chat.Reaction{{Emoji: "👍", Count: 2, Me: true}, {Emoji: "🎉", Count: 1, Me: false}}
		if fmt.Sprint(got[m.Seq]) != fmt.Sprint(want) {
			t.Fatalf("alice sees %v, want %v (first chosen first)", got[m.Seq], want)
		}
		mine, err := s.UserReactions(ctx, r.ID, bob.ID, 1, 10)
		noErr(t, err)
		if fmt.Sprint(mine) != fmt.Sprint(map[int64][]string{m.Seq: {"🎉", "👍"}}) {
			t.Fatalf("bob's reactions %v", mine)
		}
		changed, err := s.RemoveReaction(ctx, r.ID, m.Seq, bob.ID, "🎉")
		if err != nil || !changed {
			t.Fatalf("remove: %v %v", changed, err)
		}
		changed, err = s.RemoveReaction(ctx, r.ID, m.Seq, bob.ID, "🎉")
		if err != nil || changed {
			t.Fatalf("remove again: changed %v, %v; want no change", changed, err)
		}
		got, err = s.Reactions(ctx, r.ID, bob.ID, m.Seq, m.Seq)
		noErr(t, err)
		if want := []chat.Reaction{{Emoji: "👍", Count: 2, Me: true}}; fmt.Sprint(got[m.Seq]) != fmt.Sprint(want) {
			t.Fatalf("bob sees %v, want %v", got[m.Seq], want)
		}
	})

	t.Run("Version", func(t *testing.T) {
		version := func() string {
			t.Helper()
			v, err := s.ReactionsVersion(ctx, r.ID, bob.ID, 1, 50)
			noErr(t, err)
			return v
		}
		before := version()
		_, err := s.AddReaction(ctx, r.ID, m.Seq, bob.ID, "🌈")
		noErr(t, err)
		during := version()
		if during == before {
			t.Fatal("the version did not change with a reaction")
		}
		_, err = s.RemoveReaction(ctx, r.ID, m.Seq, bob.ID, "🌈")
		noErr(t, err)
		if after := version(); after != before {
			t.Fatalf("the same reactions give versions %q and %q", before, after)
		}
		if v, err := s.ReactionsVersion(ctx, r.ID, bob.ID, 1, 0); err != nil || v != "-" {
			t.Fatalf("an empty range: %q %v", v, err)
		}
	})

	t.Run("ErrMessageNotFound", func(t *testing.T) {
		_, err := s.AddReaction(ctx, r.ID, 999, alice.ID, "👍")
		wantCode(t, err, chat.ENOTFOUND)
		_, err = s.RemoveReaction(ctx, r.ID, 999, alice.ID, "👍")
		wantCode(t, err, chat.ENOTFOUND)
	})

	t.Run("ErrInvalidEmoji", func(t *testing.T) {
		_, err := s.AddReaction(ctx, r.ID, m.Seq, alice.ID, "nope")
		wantCode(t, err, chat.EINVALID)
	})

	t.Run("ErrDeletedMessage", func(t *testing.T) {
		d := send(t, s, r.ID, alice.ID, "r-deleted")
		_, err := s.AddReaction(ctx, r.ID, d.Seq, bob.ID, "👍")
		noErr(t, err)
		_, err = s.DeleteMessage(ctx, r.ID, d.Seq)
		noErr(t, err)
		_, err = s.AddReaction(ctx, r.ID, d.Seq, alice.ID, "👍")
		wantCode(t, err, chat.ECONFLICT)
		_, err = s.RemoveReaction(ctx, r.ID, d.Seq, bob.ID, "👍")
		wantCode(t, err, chat.ECONFLICT)
		got, err := s.Reactions(ctx, r.ID, bob.ID, d.Seq, d.Seq)
		noErr(t, err)
		if len(got) != 0 {
			t.Fatalf("a deleted message shows reactions %v", got)
		}
	})

	t.Run("ErrTooManyEmoji", func(t *testing.T) {
		f := send(t, s, r.ID, alice.ID, "r-full")
		emoji := manyEmoji(chat.MaxReactionEmoji + 1)
		for _, e := range emoji[:chat.MaxReactionEmoji] {
			if _, err := s.AddReaction(ctx, r.ID, f.Seq, alice.ID, e); err != nil {
				t.Fatalf("add %s: %v", e, err)
			}
		}
		_, err := s.AddReaction(ctx, r.ID, f.Seq, bob.ID, emoji[chat.MaxReactionEmoji])
		wantCode(t, err, chat.ECONFLICT)
		// One of the emoji already there can still be chosen.
		if changed, err := s.AddReaction(ctx, r.ID, f.Seq, bob.ID, emoji[0]); err != nil || !changed {
			t.Fatalf("add an existing emoji to a full message: %v %v", changed, err)
		}
	})
}

// manyEmoji returns n different emoji.
func manyEmoji(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune(0x1F600 + i))
	}
	return out
}

// TestReactionBurst has many people react to one message at once, through
// two stores (two replicas), and checks the exact count; then many new
// emoji at once, which must stop exactly at the bound.
func TestReactionBurst(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewDatabase(t)
	_, s1 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	_, s2 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	owner := newUser(t, s1)
	r := newRoom(t, s1, owner)
	m := send(t, s1, r.ID, owner.ID, "burst")

	t.Run("OneEmojiExactCount", func(t *testing.T) {
		const people = 300
		users := make([]*chat.User, people)
		for i := range users {
			users[i] = newUser(t, s1)
		}
		var wg sync.WaitGroup
		var added atomic.Int64
		for i, u := range users {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			wg.Go(func() {
				// Each adds twice: the second must change nothing.
				for range 2 {
					changed, err := s.AddReaction(ctx, r.ID, m.Seq, u.ID, "🔥")
					if err != nil {
						t.Errorf("add: %v", err)
						return
					}
					if changed {
						added.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if added.Load() != people {
			t.Fatalf("%d adds changed something, want %d", added.Load(), people)
		}
		// Each store's committer grouped what arrived together.
		for _, s := range []*postgres.Store{s1, s2} {
			if st := s.ReactionStats(); st.Batches >= st.Changes || st.Refused != 0 {
				t.Fatalf("reaction committer %+v: want fewer statements than changes", st)
			}
		}
		got, err := s2.Reactions(ctx, r.ID, users[7].ID, m.Seq, m.Seq)
		noErr(t, err)
		if want := []chat.Reaction{{Emoji: "🔥", Count: people, Me: true}}; fmt.Sprint(got[m.Seq]) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got[m.Seq], want)
		}
	})

	t.Run("NewEmojiStopAtBound", func(t *testing.T) {
		n := send(t, s1, r.ID, owner.ID, "bound")
		emoji := manyEmoji(2 * chat.MaxReactionEmoji)
		var wg sync.WaitGroup
		var ok, full atomic.Int64
		for i, e := range emoji {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			wg.Go(func() {
				_, err := s.AddReaction(ctx, r.ID, n.Seq, owner.ID, e)
				switch chat.ErrorCode(err) {
				case "":
					ok.Add(1)
				case chat.ECONFLICT:
					full.Add(1)
				default:
					t.Errorf("add %s: %v", e, err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != chat.MaxReactionEmoji || full.Load() != chat.MaxReactionEmoji {
			t.Fatalf("%d new emoji accepted and %d refused, want %d and %d", ok.Load(), full.Load(), chat.MaxReactionEmoji, chat.MaxReactionEmoji)
		}
		got, err := s1.Reactions(ctx, r.ID, 0, n.Seq, n.Seq)
		noErr(t, err)
		if len(got[n.Seq]) != chat.MaxReactionEmoji {
			t.Fatalf("message carries %d emoji, want %d", len(got[n.Seq]), chat.MaxReactionEmoji)
		}
	})
}

// TestReactionOrderInBatch has one person toggle the same reaction many
// times at once: whatever the batches, the changes reported alternate,
// and the final state is what the last one left.
func TestReactionOrderInBatch(t *testing.T) {
	ctx := context.Background()
	_, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	m := send(t, s, r.ID, u.ID, "toggle")
	var wg sync.WaitGroup
	var changes atomic.Int64
	for i := range 200 {
		wg.Go(func() {
			var changed bool
			var err error
			if i%2 == 0 {
				changed, err = s.AddReaction(ctx, r.ID, m.Seq, u.ID, "🔁")
			} else {
				changed, err = s.RemoveReaction(ctx, r.ID, m.Seq, u.ID, "🔁")
			}
			if err != nil {
				t.Error(err)
			}
			if changed {
				changes.Add(1)
			}
		})
	}
	wg.Wait()
	got, err := s.Reactions(ctx, r.ID, u.ID, m.Seq, m.Seq)
	noErr(t, err)
	// Changes alternate from "none": an even number leaves none, an odd
	// number leaves the reaction.
	if present := len(got[m.Seq]) == 1; present != (changes.Load()%2 == 1) {
		t.Fatalf("%d changes reported, reaction present: %v", changes.Load(), present)
	}
}

// TestReactionHoldsNoMessageLock keeps a reaction's transaction open and
// checks that sending to the room and editing or deleting the very message
// go ahead: a reaction locks no row that a write of messages takes.
func TestReactionHoldsNoMessageLock(t *testing.T) {
	ctx := context.Background()
	db, s := testenv.Open(t)
	owner := newUser(t, s)
	r := newRoom(t, s, owner)
	m := send(t, s, r.ID, owner.ID, "held")
	tx, err := db.Primary().BeginTxx(ctx, nil)
	noErr(t, err)
	defer tx.Rollback()
	var status pq.StringArray
	noErr(t, tx.GetContext(ctx, &status, `SELECT parley_react($1, $2, '{👀}', $3, '{true}', 20)`,
		pq.Array([]int64{r.ID}), pq.Array([]int64{m.Seq}), pq.Array([]int64{owner.ID})))
	if len(status) != 1 || status[0] != "added" {
		t.Fatalf("status %v", status)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, _, err := s.SendMessage(wctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "next", ClientID: "held-2"}); err != nil {
		t.Fatalf("send while a reaction is open: %v", err)
	}
	if _, err := s.EditMessage(wctx, r.ID, m.Seq, "edited"); err != nil {
		t.Fatalf("edit while a reaction is open: %v", err)
	}
	if _, err := s.DeleteMessage(wctx, r.ID, m.Seq); err != nil {
		t.Fatalf("delete while a reaction is open: %v", err)
	}
}

func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
