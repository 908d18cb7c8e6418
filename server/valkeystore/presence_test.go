package valkeystore_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/hub/hubtest"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

func TestPresence(t *testing.T) {
	hubtest.TestPresence(t, func(t *testing.T) (hub.Presence, hub.Presence) {
		prefix := testenv.Prefix(t, testenv.RedisAddr)
		return valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, 0, nil),
			valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, 0, nil)
	})
}

func TestPresenceReplicaDies(t *testing.T) {
	ctx := context.Background()
	t.Run("ReplicaDies", func(t *testing.T) {
		prefix := testenv.Prefix(t, testenv.RedisAddr)
		ttl := 300 * time.Millisecond
		dead := valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, ttl, nil)
		alive := valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, ttl, nil)
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
	t.Run("ReplicaDies", func(t *testing.T) {
		prefix := testenv.Prefix(t, testenv.RedisAddr)
		ttl := 300 * time.Millisecond
		dead := valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, ttl, nil)
		alive := valkeystore.NewPresence(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, ttl, nil)
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
