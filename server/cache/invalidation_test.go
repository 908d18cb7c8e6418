package cache_test

import (
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
)

// answer is a read's result as one comparable value, errors by code.
type answer struct {
	Value any
	Code  string
}

// TestInvalidation warms every cached read on replica B, writes through
// replica A, and checks that both replicas then answer exactly what
// PostgreSQL holds: a write that has returned is never followed by a stale
// answer anywhere.
func TestInvalidation(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner, member, outsider := e.user(t), e.user(t), e.user(t)
		pub := e.room(t, owner, chat.RoomPublic)
		priv := e.room(t, owner, chat.RoomPrivate)
		e.join(t, pub, member)
		e.join(t, priv, member)
		for range 4 {
			e.send(t, pub, owner, "pub")
			e.send(t, priv, member, "priv")
		}
		token := e.session(t, member)

		type stores struct {
			r  chat.RoomStore
			m  chat.MessageStore
			u  chat.UserStore
			ss chat.SessionStore
		}
		views := map[string]func(s stores) (any, error){
			"FindRoom pub":           func(s stores) (any, error) { return s.r.FindRoom(bg(), pub.ID) },
			"FindRoom priv":          func(s stores) (any, error) { return s.r.FindRoom(bg(), priv.ID) },
			"FindMembership pub mem": func(s stores) (any, error) { return s.r.FindMembership(bg(), pub.ID, member.ID) },
			"FindMembership pub own": func(s stores) (any, error) { return s.r.FindMembership(bg(), pub.ID, owner.ID) },
			"FindMembership pub out": func(s stores) (any, error) { return s.r.FindMembership(bg(), pub.ID, outsider.ID) },
			"FindMembership priv out": func(s stores) (any, error) {
				return s.r.FindMembership(bg(), priv.ID, outsider.ID)
			},
			"MemberRole pub mem":  func(s stores) (any, error) { return s.r.MemberRole(bg(), pub.ID, member.ID) },
			"MemberRole pub out":  func(s stores) (any, error) { return s.r.MemberRole(bg(), pub.ID, outsider.ID) },
			"MemberRole priv own": func(s stores) (any, error) { return s.r.MemberRole(bg(), priv.ID, owner.ID) },
			"MemberRole priv out": func(s stores) (any, error) { return s.r.MemberRole(bg(), priv.ID, outsider.ID) },
			"UserRooms owner":     func(s stores) (any, error) { return s.r.UserRooms(bg(), owner.ID) },
			"UserRooms member":    func(s stores) (any, error) { return s.r.UserRooms(bg(), member.ID) },
			"UserRooms outsider":  func(s stores) (any, error) { return s.r.UserRooms(bg(), outsider.ID) },
			"PublicRooms":         func(s stores) (any, error) { return s.r.PublicRooms(bg()) },
			"Members pub":         func(s stores) (any, error) { return s.r.Members(bg(), pub.ID) },
			"Members priv":        func(s stores) (any, error) { return s.r.Members(bg(), priv.ID) },
			"Newest pub":          func(s stores) (any, error) { return page(s.m.ListMessages(bg(), pub.ID, chat.Page{})) },
			"Newest priv":         func(s stores) (any, error) { return page(s.m.ListMessages(bg(), priv.ID, chat.Page{Limit: 2})) },
			"Before pub": func(s stores) (any, error) {
				return page(s.m.ListMessages(bg(), pub.ID, chat.Page{BeforeSeq: 3, Limit: 2}))
			},
			"After pub":       func(s stores) (any, error) { return page(s.m.ListMessages(bg(), pub.ID, chat.Page{AfterSeq: 1})) },
			"FindMessage 2":   func(s stores) (any, error) { return s.m.FindMessage(bg(), pub.ID, 2) },
			"FindSession":     func(s stores) (any, error) { return s.ss.FindSession(bg(), token) },
			"SearchUsers":     func(s stores) (any, error) { return s.u.SearchUsers(bg(), "u", 20) },
			"FindUser member": func(s stores) (any, error) { return s.u.FindUser(bg(), member.ID) },
		}
		truth := stores{e.inner, e.inner, e.inner, e.inner}
		asAnswer := func(v any, err error) answer { return answer{v, chat.ErrorCode(err)} }
		warm := func(t *testing.T) {
			t.Helper()
			for range 2 { // a room list needs two reads to be cached
				for _, v := range views {
					v(stores{e.b, e.b, e.b, e.b})
				}
			}
			if n := e.queries(func() {
				for _, v := range views {
					v(stores{e.b, e.b, e.b, e.b})
				}
			}); n != 0 {
				t.Fatalf("warm replica B made %d queries; want 0", n)
			}
		}
		check := func(t *testing.T) {
			t.Helper()
			for name, v := range views {
				want := asAnswer(v(truth))
				for _, s := range []*cache.Stores{e.b, e.a} {
					same(t, name, asAnswer(v(stores{s, s, s, s})), want)
				}
			}
		}
		writes := []struct {
			name  string
			write func(t *testing.T)
		}{
			{"Send", func(t *testing.T) { e.send(t, pub, owner, "new") }},
			{"SendPrivate", func(t *testing.T) { e.send(t, priv, owner, "new") }},
			{"Edit", func(t *testing.T) {
				_, err := e.a.EditMessage(bg(), pub.ID, 2, "edited")
				noErr(t, err)
			}},
			{"Delete", func(t *testing.T) {
				_, err := e.a.DeleteMessage(bg(), pub.ID, 1)
				noErr(t, err)
			}},
			{"Join", func(t *testing.T) { e.join(t, pub, outsider) }},
			{"AddToPrivate", func(t *testing.T) { e.join(t, priv, outsider) }},
			{"ReadMarker", func(t *testing.T) {
				r, err := e.inner.FindRoom(bg(), pub.ID)
				noErr(t, err)
				moved, err := e.a.MarkRead(bg(), pub.ID, member.ID, r.LastSeq)
				noErr(t, err)
				if !moved {
					t.Fatal("MarkRead did not move")
				}
			}},
			{"Leave", func(t *testing.T) {
				_, err := e.a.RemoveMember(bg(), pub.ID, member.ID)
				noErr(t, err)
			}},
			{"CreateRoom", func(t *testing.T) { e.room(t, owner, chat.RoomPublic) }},
			{"DirectRoom", func(t *testing.T) {
				_, created, err := e.a.DirectRoom(bg(), member.ID, outsider.ID)
				noErr(t, err)
				if !created {
					t.Fatal("DirectRoom did not create")
				}
			}},
			{"CreateUser", func(t *testing.T) { e.user(t) }},
			{"Logout", func(t *testing.T) { _, err := e.a.DeleteSession(bg(), token); noErr(t, err) }},
		}
		for _, w := range writes {
			t.Run(w.name, func(t *testing.T) {
				warm(t)
				w.write(t)
				check(t)
			})
		}
	})
}
