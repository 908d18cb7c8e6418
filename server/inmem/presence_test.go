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
		if first, err := p.Connect(ctx, 1); err != nil || !first {
			t.Fatalf("connect = %v, %v; want first", first, err)
		}
		got, err := p.Online(ctx, []int64{1, 2})
		if err != nil || !got[1] || got[2] {
			t.Fatalf("online = %v, %v; want 1 online, 2 offline", got, err)
		}
		if last, err := p.Disconnect(ctx, 1); err != nil || !last {
			t.Fatalf("disconnect = %v, %v; want last", last, err)
		}
		if got, _ := p.Online(ctx, []int64{1}); got[1] {
			t.Fatal("user 1 still online after disconnect")
		}
	})
}
