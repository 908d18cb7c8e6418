package cache_test

import (
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
)

// TestHitAfterMiss checks that every cached read asks PostgreSQL once and
// then answers the same from the cache, on the replica that loaded it and
// on the other one.
func TestHitAfterMiss(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner, other := e.user(t), e.user(t)
		pub := e.room(t, owner, chat.RoomPublic)
		e.join(t, pub, other)
		for i := range 5 {
			e.send(t, pub, owner, "hello "+string(rune('a'+i)))
		}
		token := e.session(t, owner)
		reads := []struct {
			name  string
			loads uint64 // cold reads before the answer is cached
			read  func(s *cache.Stores) (any, error)
			truth func() (any, error)
		}{
			{"FindRoom", 1,
				func(s *cache.Stores) (any, error) { return s.FindRoom(bg(), pub.ID) },
				func() (any, error) { return e.inner.FindRoom(bg(), pub.ID) }},
			{"FindMembership", 1,
				func(s *cache.Stores) (any, error) { return s.FindMembership(bg(), pub.ID, other.ID) },
				func() (any, error) { return e.inner.FindMembership(bg(), pub.ID, other.ID) }},
			{"UserRooms", 2,
				func(s *cache.Stores) (any, error) { return s.UserRooms(bg(), other.ID) },
				func() (any, error) { return e.inner.UserRooms(bg(), other.ID) }},
			{"PublicRooms", 1,
				func(s *cache.Stores) (any, error) { return s.PublicRooms(bg()) },
				func() (any, error) { return e.inner.PublicRooms(bg()) }},
			{"Members", 1,
				func(s *cache.Stores) (any, error) { return s.Members(bg(), pub.ID) },
				func() (any, error) { return e.inner.Members(bg(), pub.ID) }},
			{"FindUser", 1,
				func(s *cache.Stores) (any, error) { return s.FindUser(bg(), other.ID) },
				func() (any, error) { return e.inner.FindUser(bg(), other.ID) }},
			{"SearchUsers", 1,
				func(s *cache.Stores) (any, error) { return s.SearchUsers(bg(), owner.Username[:3], 20) },
				func() (any, error) { return e.inner.SearchUsers(bg(), owner.Username[:3], 20) }},
			{"FindSession", 1,
				func(s *cache.Stores) (any, error) { return s.FindSession(bg(), token) },
				func() (any, error) { return e.inner.FindSession(bg(), token) }},
			{"NewestPage", 1,
				func(s *cache.Stores) (any, error) { return page(s.ListMessages(bg(), pub.ID, chat.Page{Limit: 3})) },
				func() (any, error) { return page(e.inner.ListMessages(bg(), pub.ID, chat.Page{Limit: 3})) }},
			{"OlderPage", 1,
				func(s *cache.Stores) (any, error) {
					return page(s.ListMessages(bg(), pub.ID, chat.Page{BeforeSeq: 4, Limit: 2}))
				},
				func() (any, error) {
					return page(e.inner.ListMessages(bg(), pub.ID, chat.Page{BeforeSeq: 4, Limit: 2}))
				}},
			{"AfterPage", 1,
				func(s *cache.Stores) (any, error) { return page(s.ListMessages(bg(), pub.ID, chat.Page{AfterSeq: 2})) },
				func() (any, error) { return page(e.inner.ListMessages(bg(), pub.ID, chat.Page{AfterSeq: 2})) }},
			{"FindMessage", 1,
				func(s *cache.Stores) (any, error) { return s.FindMessage(bg(), pub.ID, 2) },
				func() (any, error) { return e.inner.FindMessage(bg(), pub.ID, 2) }},
		}
		for _, r := range reads {
			t.Run(r.name, func(t *testing.T) {
				want := call(t, r.truth)
				var cold uint64
				for range r.loads {
					cold += e.queries(func() { same(t, "cold", call(t, func() (any, error) { return r.read(e.a) }), want) })
				}
				if cold != r.loads {
					t.Errorf("cold reads made %d queries; want %d", cold, r.loads)
				}
				for _, s := range []*cache.Stores{e.a, e.b, e.a} {
					if n := e.queries(func() { same(t, "warm", call(t, func() (any, error) { return r.read(s) }), want) }); n != 0 {
						t.Fatalf("warm read made %d queries; want 0", n)
					}
				}
			})
		}
		t.Run("NotModifiedPath", func(t *testing.T) {
			// What the web layer asks before answering 304: no PostgreSQL at all.
			n := e.queries(func() {
				_, err1 := e.b.FindMembership(bg(), pub.ID, owner.ID)
				_, err2 := e.b.FindRoom(bg(), pub.ID)
				noErr(t, err1, err2)
			})
			if n != 1 { // only the owner's membership is cold
				t.Fatalf("cold check made %d queries; want 1", n)
			}
			for range 3 {
				n := e.queries(func() {
					_, err1 := e.a.FindSession(bg(), token)
					_, err2 := e.a.FindMembership(bg(), pub.ID, owner.ID)
					_, err3 := e.a.FindRoom(bg(), pub.ID)
					noErr(t, err1, err2, err3)
				})
				if n != 0 {
					t.Fatalf("304 path made %d queries; want 0", n)
				}
			}
		})
		t.Run("ErrNotFoundCached", func(t *testing.T) {
			stranger := e.user(t)
			for i, s := range []*cache.Stores{e.a, e.b} {
				n := e.queries(func() {
					_, err := s.FindMembership(bg(), pub.ID, stranger.ID)
					if chat.ErrorCode(err) != chat.ENOTFOUND {
						t.Fatalf("FindMembership of a stranger = %v; want ENOTFOUND", err)
					}
				})
				if want := uint64(1 - i); n != want {
					t.Fatalf("read %d of an absent membership made %d queries; want %d", i, n, want)
				}
			}
		})
	})
}

// TestMemberRoleSurvivesSends checks that the access check of the send
// path stays cached while the room is busy: sends and read markers change
// the membership row but not who belongs, so they must not make the next
// send's check ask PostgreSQL, while a leave must.
func TestMemberRoleSurvivesSends(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner, other := e.user(t), e.user(t)
		pub := e.room(t, owner, chat.RoomPublic)
		e.join(t, pub, other)
		for _, s := range []*cache.Stores{e.a, e.b} {
			if role, err := s.MemberRole(bg(), pub.ID, other.ID); err != nil || role != chat.RoleMember {
				t.Fatalf("MemberRole = %q, %v; want %q", role, err, chat.RoleMember)
			}
		}
		for i := range 3 {
			e.send(t, pub, other, "busy "+string(rune('a'+i)))
			_, err := e.a.MarkRead(bg(), pub.ID, other.ID, int64(i+1))
			noErr(t, err)
			n := e.queries(func() {
				for _, s := range []*cache.Stores{e.a, e.b} {
					_, err := s.MemberRole(bg(), pub.ID, other.ID)
					noErr(t, err)
				}
			})
			if n != 0 {
				t.Fatalf("after send %d the role check made %d queries; want 0", i, n)
			}
		}
		_, err := e.a.RemoveMember(bg(), pub.ID, other.ID)
		noErr(t, err)
		for _, s := range []*cache.Stores{e.b, e.a} {
			if _, err := s.MemberRole(bg(), pub.ID, other.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
				t.Fatalf("MemberRole after leaving = %v; want ENOTFOUND", err)
			}
		}
	})
}

// pageAnswer is ListMessages' answer as one comparable value.
type pageAnswer struct {
	Messages []chat.Message
	HasMore  bool
}

func page(msgs []chat.Message, more bool, err error) (any, error) {
	return pageAnswer{msgs, more}, err
}

// call runs fn and fails the test on its error.
func call(tb testing.TB, fn func() (any, error)) any {
	tb.Helper()
	v, err := fn()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
