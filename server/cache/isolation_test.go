package cache_test

import (
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// TestNoCrossUserLeak checks that per-user answers are never served to
// another user, however warm the cache.
func TestNoCrossUserLeak(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		alice, bob := e.user(t), e.user(t)
		secret := e.room(t, alice, chat.RoomPrivate)
		e.send(t, secret, alice, "for alice only")
		e.room(t, bob, chat.RoomPublic)
		t.Run("OK", func(t *testing.T) {
			for range 3 { // warm alice's list on both replicas
				_, err1 := e.a.UserRooms(bg(), alice.ID)
				_, err2 := e.b.UserRooms(bg(), alice.ID)
				noErr(t, err1, err2)
			}
			got, err := e.b.UserRooms(bg(), bob.ID)
			noErr(t, err)
			want, err := e.inner.UserRooms(bg(), bob.ID)
			noErr(t, err)
			same(t, "bob's rooms", got, want)
			for _, r := range got {
				if r.ID == secret.ID {
					t.Fatal("bob was shown alice's private room")
				}
			}
		})
		t.Run("ErrNotMember", func(t *testing.T) {
			for range 2 {
				_, err := e.a.FindMembership(bg(), secret.ID, alice.ID)
				noErr(t, err)
			}
			for _, s := range []chat.RoomStore{e.a, e.b} {
				if _, err := s.FindMembership(bg(), secret.ID, bob.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
					t.Fatalf("bob's membership of alice's private room = %v; want ENOTFOUND", err)
				}
			}
		})
		t.Run("ErrConcurrentUsers", func(t *testing.T) {
			// Many users reading their lists at once each get their own.
			users := []*chat.User{alice, bob}
			for range 6 {
				u := e.user(t)
				e.room(t, u, chat.RoomPrivate)
				users = append(users, u)
			}
			var wg sync.WaitGroup
			for i := range 200 {
				wg.Go(func() {
					u := users[i%len(users)]
					s := e.a
					if i%3 == 0 {
						s = e.b
					}
					rooms, err := s.UserRooms(bg(), u.ID)
					if err != nil {
						t.Error(err)
						return
					}
					for _, r := range rooms {
						if r.OwnerID != u.ID {
							t.Errorf("user %d was shown room %d of user %d", u.ID, r.ID, r.OwnerID)
						}
					}
				})
			}
			wg.Wait()
		})
	})
}

// TestCallerCopies checks that a caller changing an answer it got does not
// change what the next caller gets.
func TestCallerCopies(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		u := e.user(t)
		r := e.room(t, u, chat.RoomPublic)
		e.send(t, r, u, "original")
		t.Run("OK", func(t *testing.T) {
			for range 3 {
				rooms, err := e.a.UserRooms(bg(), u.ID)
				noErr(t, err)
				*rooms[0].Unread = 99
				rooms[0].Name = "changed"
				msgs, _, err := e.a.ListMessages(bg(), r.ID, chat.Page{})
				noErr(t, err)
				msgs[0].Body = "changed"
			}
			rooms, err := e.a.UserRooms(bg(), u.ID)
			noErr(t, err)
			want, err := e.inner.UserRooms(bg(), u.ID)
			noErr(t, err)
			same(t, "rooms", rooms, want)
			msgs, _, err := e.a.ListMessages(bg(), r.ID, chat.Page{})
			noErr(t, err)
			if msgs[0].Body != "original" {
				t.Fatalf("body = %q after a caller changed its copy; want \"original\"", msgs[0].Body)
			}
		})
	})
}
