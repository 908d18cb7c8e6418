package cache_test

import (
	"sync"
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
)

// TestConcurrentMisses checks that 1,000 callers missing the same key at
// once make exactly one query (a cold room list is two keys: see UserRooms).
func TestConcurrentMisses(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		owner := e.user(t)
		r := e.room(t, owner, chat.RoomPublic)
		for range 3 {
			e.send(t, r, owner, "hi")
		}
		reads := []struct {
			name string
			read func(s *cache.Stores) error
		}{
			{"FindRoom", func(s *cache.Stores) error { _, err := s.FindRoom(bg(), r.ID); return err }},
			{"NewestPage", func(s *cache.Stores) error { _, _, err := s.ListMessages(bg(), r.ID, chat.Page{}); return err }},
			{"UserRoomsCold", func(s *cache.Stores) error { _, err := s.UserRooms(bg(), owner.ID); return err }},
			{"UserRoomsAfterSend", func(s *cache.Stores) error { _, err := s.UserRooms(bg(), owner.ID); return err }},
			{"FindMembership", func(s *cache.Stores) error { _, err := s.FindMembership(bg(), r.ID, owner.ID); return err }},
		}
		for _, rd := range reads {
			t.Run(rd.name, func(t *testing.T) {
				// A cold room list loads once to learn which rooms the user
				// is in, and once more keyed by those rooms' versions; a send
				// changes only the second.
				want := uint64(1)
				switch rd.name {
				case "UserRoomsCold":
					want = 2
				case "UserRoomsAfterSend":
					e.send(t, r, owner, "bump")
				}
				start := make(chan struct{})
				var wg sync.WaitGroup
				n := e.queries(func() {
					for range 1000 {
						wg.Go(func() {
							<-start
							if err := rd.read(e.a); err != nil {
								t.Error(err)
							}
						})
					}
					close(start)
					wg.Wait()
				})
				if n > want || n == 0 {
					t.Fatalf("1,000 concurrent misses made %d queries; want %d", n, want)
				}
			})
		}
	})
}
