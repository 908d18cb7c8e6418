package cache_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
)

func searchFor(tb testing.TB, s *cache.Stores, u *chat.User, q string) []string {
	tb.Helper()
	parsed, err := chat.ParseSearch(q)
	if err != nil {
		tb.Fatal(err)
	}
	parsed.Limit = chat.SearchDefaultLimit
	hits, _, err := s.SearchMessages(context.Background(), u.ID, parsed)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Body
	}
	return out
}

// TestSearchCache checks that a search is answered from the cache once
// loaded, on both replicas, per user, and that every write that changes
// its answer (a send, an edit, a delete, a leave, a join) retires it on
// both before it returns.
func TestSearchCache(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		alice, bob := e.user(t), e.user(t)
		shared := e.room(t, alice, chat.RoomPublic)
		own := e.room(t, bob, chat.RoomPrivate)
		e.join(t, shared, bob)
		first := e.send(t, shared, alice, "budget review at noon")
		e.send(t, own, bob, "budget draft of my own")
		expect := func(t *testing.T, u *chat.User, want ...string) {
			t.Helper()
			for i, s := range []*cache.Stores{e.a, e.b} {
				if got := searchFor(t, s, u, "budget"); !slices.Equal(got, want) {
					t.Fatalf("replica %d: %q, want %q", i, got, want)
				}
			}
		}

		t.Run("OKHitCostsNoQuery", func(t *testing.T) {
			want := []string{"budget draft of my own", "budget review at noon"}
			if n := e.queries(func() { expect(t, bob, want...) }); n == 0 {
				t.Fatal("the first search made no query")
			}
			if n := e.queries(func() { expect(t, bob, want...) }); n != 0 {
				t.Fatalf("a cached search made %d queries", n)
			}
		})

		t.Run("OKPerUser", func(t *testing.T) {
			expect(t, alice, "budget review at noon")
			expect(t, bob, "budget draft of my own", "budget review at noon")
		})

		t.Run("OKSendRetires", func(t *testing.T) {
			e.send(t, shared, alice, "budget approved")
			expect(t, bob, "budget approved", "budget draft of my own", "budget review at noon")
		})

		t.Run("OKEditRetires", func(t *testing.T) {
			if _, err := e.a.EditMessage(bg(), shared.ID, first.Seq, "forecast review at noon"); err != nil {
				t.Fatal(err)
			}
			expect(t, bob, "budget approved", "budget draft of my own")
		})

		t.Run("OKDeleteRetires", func(t *testing.T) {
			if _, err := e.b.DeleteMessage(bg(), shared.ID, first.Seq+1); err != nil {
				t.Fatal(err)
			}
			expect(t, bob, "budget draft of my own")
		})

		t.Run("OKLeaveAndJoinRetire", func(t *testing.T) {
			e.send(t, shared, alice, "budget meeting moved")
			expect(t, bob, "budget meeting moved", "budget draft of my own")
			if _, err := e.a.RemoveMember(bg(), shared.ID, bob.ID); err != nil {
				t.Fatal(err)
			}
			expect(t, bob, "budget draft of my own")
			e.join(t, shared, bob)
			expect(t, bob, "budget meeting moved", "budget draft of my own")
		})
	})
}
