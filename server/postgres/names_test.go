package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

// Registering "bob" and someone displayed as "Bob" at the same moment must
// not let both through: one would pass for the other.
func TestCreateUserNamesRace(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	for i := range 20 {
		name := fmt.Sprintf("bob%d", i)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() { _, errs[0] = s.CreateUser(ctx, name, "", "hash") })
		wg.Go(func() { _, errs[1] = s.CreateUser(ctx, fmt.Sprintf("eve%d", i), "@"+name, "hash") })
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: errors %v, %v; want exactly one refused", i, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && chat.ErrorCode(err) != chat.ECONFLICT {
				t.Fatalf("round %d: %v; want a conflict", i, err)
			}
		}
	}
}

func TestFindSent(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	m := send(t, s, r.ID, u.ID, "c1")
	t.Run("OK", func(t *testing.T) {
		got, err := s.FindSent(ctx, r.ID, u.ID, "c1")
		if err != nil || got.ID != m.ID || got.User.ID != u.ID {
			t.Fatalf("FindSent = %+v, %v; want message %d", got, err, m.ID)
		}
	})
	t.Run("ErrOtherUser", func(t *testing.T) {
		_, err := s.FindSent(ctx, r.ID, newUser(t, s).ID, "c1")
		wantCode(t, err, chat.ENOTFOUND)
	})
}
