package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestDirectRoom(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		a, b := newUser(t, s), newUser(t, s)
		r, created, err := s.DirectRoom(ctx, a.ID, b.ID)
		if err != nil || !created {
			t.Fatalf("created = %v, %v; want true", created, err)
		}
		if r.Kind != chat.RoomDirect || r.OwnerID != a.ID {
			t.Fatalf("room %+v, want kind direct owned by %d", r, a.ID)
		}
		members, err := s.Members(ctx, r.ID)
		if err != nil || len(members) != 2 {
			t.Fatalf("members %v, %v; want both users", members, err)
		}
		again, created, err := s.DirectRoom(ctx, b.ID, a.ID)
		if err != nil || created || again.ID != r.ID {
			t.Fatalf("reversed pair: room %d created %v err %v; want room %d, not created", again.ID, created, err, r.ID)
		}
	})
	t.Run("OKConcurrentEitherOrder", func(t *testing.T) {
		a, b := newUser(t, s), newUser(t, s)
		const n = 10
		ids := make([]int64, n)
		createdCount := 0
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				x, y := a.ID, b.ID
				if i%2 == 1 {
					x, y = y, x
				}
				r, created, err := s.DirectRoom(ctx, x, y)
				if err != nil {
					t.Errorf("direct room: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[i] = r.ID
				if created {
					createdCount++
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("rooms %v, want one room", ids)
			}
		}
		if createdCount != 1 {
			t.Fatalf("created %d times, want once", createdCount)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		a := newUser(t, s)
		_, _, err := s.DirectRoom(ctx, a.ID, a.ID+1000)
		wantCode(t, err, chat.ENOTFOUND)
	})
}
