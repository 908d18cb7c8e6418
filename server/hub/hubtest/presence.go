package hubtest

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/hub"
)

// TestPresence runs the tests every hub.Presence must pass. newPair returns
// two views of one fresh presence: for a shared one two replicas, for an
// in-process one the same value twice.
func TestPresence(t *testing.T, newPair func(t *testing.T) (a, b hub.Presence)) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		r1, r2 := newPair(t)
		if first, ok, err := r1.Connect(ctx, 7, 0); err != nil || !ok || !first {
			t.Fatalf("r1 connect = %v, %v, %v; want first", first, ok, err)
		}
		if first, ok, err := r2.Connect(ctx, 7, 0); err != nil || !ok || first {
			t.Fatalf("r2 connect = %v, %v, %v; want not first", first, ok, err)
		}
		got, err := r2.Online(ctx, []int64{7, 8})
		if err != nil || !got[7] || got[8] {
			t.Fatalf("online = %v, %v; want 7 online, 8 offline", got, err)
		}
		if last, err := r1.Disconnect(ctx, 7); err != nil || last {
			t.Fatalf("r1 disconnect = %v, %v; want not last", last, err)
		}
		if last, err := r2.Disconnect(ctx, 7); err != nil || !last {
			t.Fatalf("r2 disconnect = %v, %v; want last", last, err)
		}
		if got, _ := r1.Online(ctx, []int64{7}); got[7] {
			t.Fatal("user 7 online after both replicas disconnected")
		}
	})
	t.Run("CapOK", func(t *testing.T) {
		r1, r2 := newPair(t)
		for i, r := range []hub.Presence{r1, r2, r1} {
			if _, ok, err := r.Connect(ctx, 9, 3); err != nil || !ok {
				t.Fatalf("connect %d = %v, %v; want accepted", i, ok, err)
			}
		}
		if last, err := r2.Disconnect(ctx, 9); err != nil || last {
			t.Fatalf("disconnect = %v, %v; want not last", last, err)
		}
		if _, ok, err := r2.Connect(ctx, 9, 3); err != nil || !ok {
			t.Fatalf("connect after a disconnect = %v, %v; want accepted", ok, err)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		r1, r2 := newPair(t)
		// Two on each replica: the cap counts the whole cluster.
		for i, r := range []hub.Presence{r1, r2, r1, r2} {
			if _, ok, err := r.Connect(ctx, 11, 4); err != nil || !ok {
				t.Fatalf("connect %d = %v, %v; want accepted", i, ok, err)
			}
		}
		for name, r := range map[string]hub.Presence{"r1": r1, "r2": r2} {
			if _, ok, err := r.Connect(ctx, 11, 4); err != nil || ok {
				t.Fatalf("%s connect over the cap = %v, %v; want refused", name, ok, err)
			}
		}
		// A refusal records nothing: one disconnect makes room for one.
		if _, err := r1.Disconnect(ctx, 11); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := r2.Connect(ctx, 11, 4); err != nil || !ok {
			t.Fatalf("connect after a disconnect = %v, %v; want accepted", ok, err)
		}
		if _, ok, err := r1.Connect(ctx, 11, 4); err != nil || ok {
			t.Fatalf("connect over the cap again = %v, %v; want refused", ok, err)
		}
	})
}
