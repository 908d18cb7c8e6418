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
