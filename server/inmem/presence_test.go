package inmem_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/inmem"
)

func TestPresence(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		p := inmem.NewPresence()
		if first, ok, err := p.Connect(ctx, 1, 0); err != nil || !ok || !first {
			t.Fatalf("connect = %v, %v, %v; want first", first, ok, err)
		}
		if first, ok, err := p.Connect(ctx, 1, 0); err != nil || !ok || first {
			t.Fatalf("second connect = %v, %v, %v; want not first", first, ok, err)
		}
		got, err := p.Online(ctx, []int64{1, 2})
		if err != nil || !got[1] || got[2] {
			t.Fatalf("online = %v, %v; want 1 online, 2 offline", got, err)
		}
		if last, err := p.Disconnect(ctx, 1); err != nil || last {
			t.Fatalf("disconnect = %v, %v; want not last", last, err)
		}
		if last, err := p.Disconnect(ctx, 1); err != nil || !last {
			t.Fatalf("disconnect = %v, %v; want last", last, err)
		}
		if got, _ := p.Online(ctx, []int64{1}); got[1] {
			t.Fatal("user 1 still online after disconnect")
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		p := inmem.NewPresence()
		for i := range 3 {
			if _, ok, err := p.Connect(ctx, 5, 3); err != nil || !ok {
				t.Fatalf("connect %d = %v, %v; want accepted", i, ok, err)
			}
		}
		if _, ok, err := p.Connect(ctx, 5, 3); err != nil || ok {
			t.Fatalf("connect over the cap = %v, %v; want refused", ok, err)
		}
		if _, err := p.Disconnect(ctx, 5); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := p.Connect(ctx, 5, 3); err != nil || !ok {
			t.Fatalf("connect after one left = %v, %v; want accepted", ok, err)
		}
	})
}
