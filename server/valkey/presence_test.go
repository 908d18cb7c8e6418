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
	t.Run("ReplicaDies", func(t *testing.T) {
		prefix := testPrefix(t)
		ttl := 300 * time.Millisecond
		dead := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		alive := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		if _, _, err := dead.Connect(ctx, 42, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := alive.Connect(ctx, 43, 0); err != nil {
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

func TestPresenceCap(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		prefix := testPrefix(t)
		r1 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		r2 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		for i, r := range []*valkey.Presence{r1, r2, r1} {
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
		prefix := testPrefix(t)
		r1 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		r2 := valkey.NewPresence(newClient(t, sharedAddr), prefix, 0, nil)
		// Two on each replica: the cap counts the whole cluster.
		for i, r := range []*valkey.Presence{r1, r2, r1, r2} {
			if _, ok, err := r.Connect(ctx, 11, 4); err != nil || !ok {
				t.Fatalf("connect %d = %v, %v; want accepted", i, ok, err)
			}
		}
		for name, r := range map[string]*valkey.Presence{"r1": r1, "r2": r2} {
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
	t.Run("ReplicaDies", func(t *testing.T) {
		prefix := testPrefix(t)
		ttl := 300 * time.Millisecond
		dead := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		alive := valkey.NewPresence(newClient(t, sharedAddr), prefix, ttl, nil)
		for range 2 {
			if _, ok, err := dead.Connect(ctx, 12, 2); err != nil || !ok {
				t.Fatalf("connect = %v, %v", ok, err)
			}
		}
		// The dead replica's connections stop counting once its claim
		// expires.
		deadline := time.Now().Add(3 * time.Second)
		for {
			_, ok, err := alive.Connect(ctx, 12, 2)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a dead replica's connections still count after its claim expired")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
