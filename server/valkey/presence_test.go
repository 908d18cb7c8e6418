package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/valkey"
)

func TestPresence(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		prefix := testPrefix(t)
		r1 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		r2 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		if first, err := r1.Connect(ctx, 7); err != nil || !first {
			t.Fatalf("r1 connect = %v, %v; want first", first, err)
		}
		if first, err := r2.Connect(ctx, 7); err != nil || first {
			t.Fatalf("r2 connect = %v, %v; want not first", first, err)
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
	t.Run("ReplicaDies", func(t *testing.T) {
		prefix := testPrefix(t)
		ttl := 300 * time.Millisecond
		dead := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		alive := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		if _, err := dead.Connect(ctx, 42); err != nil {
			t.Fatal(err)
		}
		if _, err := alive.Connect(ctx, 43); err != nil {
			t.Fatal(err)
		}
		gone := make(chan int64, 10)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = alive.Run(rctx, func(id int64) { gone <- id })
		}()
		defer func() { cancel(); <-done }()
		select {
		case id := <-gone:
			if id != 42 {
				t.Fatalf("gone user %d, want 42", id)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("dead replica's user never reported gone")
		}
		got, err := alive.Online(ctx, []int64{42, 43})
		if err != nil || got[42] || !got[43] {
			t.Fatalf("online = %v, %v; want 42 offline, 43 kept online by refresh", got, err)
		}
	})
}
