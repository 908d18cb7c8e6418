package cache_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// TestReactionsCache checks that reactions read through either replica
// are what PostgreSQL holds right after a write through the other, that
// "me" is each caller's own over counts every member shares, and that a
// reaction retires only the counts of its own block and the reacting
// user's own reactions: no room, page, room list or membership.
func TestReactionsCache(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner, member := e.user(t), e.user(t)
		r := e.room(t, owner, chat.RoomPublic)
		e.join(t, r, member)
		for range 150 {
			e.send(t, r, owner, "m")
		}
		const low, high = 20, 140 // blocks 0 and 1
		view := func(viewer *chat.User, from, to int64) string {
			t.Helper()
			got, err := e.b.Reactions(bg(), r.ID, viewer.ID, from, to)
			noErr(t, err)
			want, err := e.inner.Reactions(bg(), r.ID, viewer.ID, from, to)
			noErr(t, err)
			same(t, "reactions", got, want)
			return fmtJSON(got)
		}
		version := func(viewer *chat.User, from, to int64) string {
			t.Helper()
			v, err := e.b.ReactionsVersion(bg(), r.ID, viewer.ID, from, to)
			noErr(t, err)
			if v == "" {
				t.Fatal("no version while the cache works")
			}
			return v
		}

		t.Run("ReadYourWritesAcrossReplicas", func(t *testing.T) {
			view(member, 101, 150)
			_, err := e.a.AddReaction(bg(), r.ID, high, owner.ID, "👍")
			noErr(t, err)
			if got := view(member, 101, 150); got != `{"140":[{"emoji":"👍","count":1,"me":false}]}` {
				t.Fatalf("member sees %s", got)
			}
			if got := view(owner, 101, 150); got != `{"140":[{"emoji":"👍","count":1,"me":true}]}` {
				t.Fatalf("owner sees %s", got)
			}
			_, err = e.a.RemoveReaction(bg(), r.ID, high, owner.ID, "👍")
			noErr(t, err)
			if got := view(owner, 101, 150); got != `{}` {
				t.Fatalf("owner sees %s after removing", got)
			}
		})

		t.Run("RetiresOnlyItsBlockAndUser", func(t *testing.T) {
			oldBlock, newBlock := version(member, 1, 50), version(member, 101, 150)
			ownerOld := version(owner, 1, 50)
			warm := func() {
				for range 2 {
					_, _ = e.b.UserRooms(bg(), member.ID)
					_, _ = e.b.FindRoom(bg(), r.ID)
					_, _ = e.b.MemberRole(bg(), r.ID, member.ID)
					_, _, _ = e.b.ListMessages(bg(), r.ID, chat.Page{})
					_, _, _ = e.b.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: 51, Limit: 50})
					view(member, 1, 50)
				}
			}
			warm()
			_, err := e.a.AddReaction(bg(), r.ID, high, owner.ID, "🎉")
			noErr(t, err)
			if n := e.queries(func() {
				_, _ = e.b.UserRooms(bg(), member.ID)
				_, _ = e.b.FindRoom(bg(), r.ID)
				_, _ = e.b.MemberRole(bg(), r.ID, member.ID)
				_, _, _ = e.b.ListMessages(bg(), r.ID, chat.Page{})
				_, _, _ = e.b.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: 51, Limit: 50})
				_, _ = e.b.Reactions(bg(), r.ID, member.ID, 1, 50)
			}); n != 0 {
				t.Fatalf("after a reaction in block 1, reads outside it made %d queries", n)
			}
			if version(member, 1, 50) != oldBlock {
				t.Fatal("a reaction in block 1 changed the version of block 0 for another member")
			}
			if version(member, 101, 150) == newBlock {
				t.Fatal("a reaction in block 1 left its block's version")
			}
			if version(owner, 1, 50) == ownerOld {
				t.Fatal("the reacting user's own version did not move")
			}
			_, err = e.a.AddReaction(bg(), r.ID, low, member.ID, "🎉")
			noErr(t, err)
			if got := view(member, 1, 150); got != `{"140":[{"emoji":"🎉","count":1,"me":false}],"20":[{"emoji":"🎉","count":1,"me":true}]}` {
				t.Fatalf("a range over two blocks: %s", got)
			}
		})

		t.Run("DeletedMessageHasNone", func(t *testing.T) {
			_, err := e.a.DeleteMessage(bg(), r.ID, low)
			noErr(t, err)
			// The store leaves deleted messages out; the app does the same
			// with what the cache still holds for the block.
			got, err := e.inner.Reactions(bg(), r.ID, member.ID, low, low)
			noErr(t, err)
			if len(got) != 0 {
				t.Fatalf("the store shows %v on a deleted message", got)
			}
		})

		t.Run("ConcurrentMissesLoadOnce", func(t *testing.T) {
			_, err := e.a.AddReaction(bg(), r.ID, 150, owner.ID, "🔥")
			noErr(t, err)
			n := e.queries(func() {
				var wg sync.WaitGroup
				for range 100 {
					wg.Go(func() {
						if _, err := e.b.Reactions(bg(), r.ID, 0, 101, 150); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
			})
			if n > 1 {
				t.Fatalf("100 concurrent reads after a reaction made %d queries, want 1", n)
			}
		})
	})
}

// fmtJSON renders v as JSON, maps by sorted key.
func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
