package cache_test

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
)

// fill commits n messages to r directly in PostgreSQL, the way a room
// that has been talking for a while arrives: the cache never saw them.
func fill(tb testing.TB, e *env, r *chat.Room, u *chat.User, n int64) {
	tb.Helper()
	_, err := e.db.Primary().Exec(`
		INSERT INTO messages (room_id, seq, user_id, body, client_id)
		SELECT $1, g, $2, 'filler ' || g, 'fill-' || g FROM generate_series(1, $3::bigint) AS g`, r.ID, u.ID, n)
	noErr(tb, err)
	_, err = e.db.Primary().Exec(`UPDATE rooms SET last_seq = $2 WHERE id = $1`, r.ID, n)
	noErr(tb, err)
}

// TestReplyInvalidation checks that a reply written through replica A
// retires, on both replicas, exactly what shows its parent: the page of
// history holding it, the parent itself, its thread and the room's newest
// pages (as any send does). Pages and messages elsewhere in the room, and
// other threads, stay cached.
func TestReplyInvalidation(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner := e.user(t)
		r := e.room(t, owner, chat.RoomPublic)
		fill(t, e, r, owner, 250)
		const parent, otherParent = 150, 40
		reply := func(t *testing.T, to int64) *chat.Message {
			t.Helper()
			m, created, err := e.a.SendMessage(bg(), chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "re",
				ClientID: fmt.Sprintf("r%d", userSeq.Add(1)), ReplyTo: to})
			if err != nil || !created {
				t.Fatalf("reply to %d: created %v, %v", to, created, err)
			}
			return m
		}
		reply(t, otherParent)

		type view = func(s chat.MessageStore) (any, error)
		changed := map[string]view{
			"page holding the parent": func(s chat.MessageStore) (any, error) {
				return page(s.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: parent + 10, Limit: 20}))
			},
			"page ending at the parent": func(s chat.MessageStore) (any, error) {
				return page(s.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: parent + 1, Limit: 100}))
			},
			"newest page": func(s chat.MessageStore) (any, error) { return page(s.ListMessages(bg(), r.ID, chat.Page{})) },
			"parent":      func(s chat.MessageStore) (any, error) { return s.FindMessage(bg(), r.ID, parent) },
			"thread": func(s chat.MessageStore) (any, error) {
				return page(s.ListReplies(bg(), r.ID, parent, chat.Page{}))
			},
			"thread from the start": func(s chat.MessageStore) (any, error) {
				return page(s.ListReplies(bg(), r.ID, parent, chat.Page{Forward: true, Limit: 10}))
			},
		}
		kept := map[string]view{
			"page of another bucket": func(s chat.MessageStore) (any, error) {
				return page(s.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: 60, Limit: 20}))
			},
			"page just past the parent's bucket": func(s chat.MessageStore) (any, error) {
				return page(s.ListMessages(bg(), r.ID, chat.Page{BeforeSeq: 240, Limit: 30}))
			},
			"another message": func(s chat.MessageStore) (any, error) { return s.FindMessage(bg(), r.ID, 60) },
			"another thread": func(s chat.MessageStore) (any, error) {
				return page(s.ListReplies(bg(), r.ID, otherParent, chat.Page{}))
			},
		}
		all := func(yield func(string, view) bool) {
			for _, m := range []map[string]view{changed, kept} {
				for k, v := range m {
					if !yield(k, v) {
						return
					}
				}
			}
		}
		warm := func(t *testing.T) {
			t.Helper()
			for _, v := range all {
				_, err := v(e.b)
				noErr(t, err)
			}
			if n := e.queries(func() {
				for _, v := range all {
					_, _ = v(e.b)
				}
			}); n != 0 {
				t.Fatalf("warm replica B made %d queries; want 0", n)
			}
		}
		check := func(t *testing.T) {
			t.Helper()
			// Kept answers first, while nothing else has loaded: not one query.
			for name, v := range kept {
				if n := e.queries(func() { _, _ = v(e.b) }); n != 0 {
					t.Errorf("%s: %d queries after the reply, want 0 (still cached)", name, n)
				}
			}
			for name, v := range all {
				want, err := v(e.inner)
				noErr(t, err)
				for _, s := range []*cache.Stores{e.b, e.a} {
					got, err := v(s)
					noErr(t, err)
					same(t, name, got, want)
				}
			}
		}

		t.Run("OKReply", func(t *testing.T) {
			warm(t)
			reply(t, parent)
			check(t)
			p, err := e.b.FindMessage(bg(), r.ID, parent)
			noErr(t, err)
			if p.ReplyCount != 1 {
				t.Fatalf("replica B shows reply_count %d, want 1", p.ReplyCount)
			}
		})
		t.Run("OKReplyToReply", func(t *testing.T) {
			msgs, _, err := e.b.ListReplies(bg(), r.ID, parent, chat.Page{})
			noErr(t, err)
			warm(t)
			// Joins the thread of the reply's parent: that one is retired.
			reply(t, msgs[0].Seq)
			check(t)
			p, err := e.b.FindMessage(bg(), r.ID, parent)
			noErr(t, err)
			if p.ReplyCount != 2 {
				t.Fatalf("replica B shows reply_count %d, want 2", p.ReplyCount)
			}
		})
		t.Run("OKEditOfReply", func(t *testing.T) {
			msgs, _, err := e.b.ListReplies(bg(), r.ID, parent, chat.Page{})
			noErr(t, err)
			_, _, _ = e.b.ListReplies(bg(), r.ID, parent, chat.Page{})
			_, err = e.a.EditMessage(bg(), r.ID, msgs[0].Seq, "edited")
			noErr(t, err)
			got, _, err := e.b.ListReplies(bg(), r.ID, parent, chat.Page{})
			noErr(t, err)
			if got[0].Body != "edited" {
				t.Fatalf("replica B's thread shows %q after the edit", got[0].Body)
			}
		})
	})
}
