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

func TestBroker(t *testing.T) {
	hubtest.TestBroker(t, func(t *testing.T) (hub.Broker, hub.Broker) {
		prefix := testenv.Prefix(t, testenv.RedisAddr)
		return valkeystore.NewBroker(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, nil),
			valkeystore.NewBroker(testenv.NewUncachedClient(t, testenv.RedisAddr), prefix, nil)
	})
}

func TestBrokerPrefix(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := valkeystore.NewBroker(testenv.NewUncachedClient(t, testenv.RedisAddr), testenv.Prefix(t, testenv.RedisAddr), nil)
		b := valkeystore.NewBroker(testenv.NewUncachedClient(t, testenv.RedisAddr), testenv.Prefix(t, testenv.RedisAddr), nil)
		ra := hubtest.RunBroker(t, a)
		hubtest.RunBroker(t, b)
		hubtest.WaitHealthy(t, a, 5*time.Second)
		ctx := context.Background()
		if err := a.Subscribe(ctx, "room:1"); err != nil {
			t.Fatal(err)
		}
		if err := b.Publish(ctx, "room:1", []byte("other deployment")); err != nil {
			t.Fatal(err)
		}
		if err := a.Publish(ctx, "room:1", []byte("own deployment")); err != nil {
			t.Fatal(err)
		}
		got := ra.WaitFor(t, 1, 5*time.Second)
		time.Sleep(50 * time.Millisecond)
		got = ra.WaitFor(t, 1, time.Second)
		if len(got) != 1 || string(got[0].Payload) != "own deployment" {
			t.Fatalf("got %+v, want only own deployment's payload", got)
		}
	})
}

func TestBrokerReconnect(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		redis := testenv.StartRedis(t)
		prefix := testenv.Prefix(t, redis.Addr)
		a := valkeystore.NewBroker(testenv.NewUncachedClient(t, redis.Addr), prefix, nil)
		b := valkeystore.NewBroker(testenv.NewUncachedClient(t, redis.Addr), prefix, nil)
		ra := hubtest.RunBroker(t, a)
		hubtest.RunBroker(t, b)
		hubtest.WaitHealthy(t, a, 5*time.Second)
		ctx := context.Background()
		if err := a.Subscribe(ctx, "room:1"); err != nil {
			t.Fatal(err)
		}

		redis.Stop()
		deadline := time.Now().Add(5 * time.Second)
		for a.Check(ctx) == nil {
			if time.Now().After(deadline) {
				t.Fatal("Check still healthy 5s after Valkey stopped")
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Subscribed while down: must be applied once Valkey is back.
		if err := a.Subscribe(ctx, "room:2"); err != nil {
			t.Fatalf("subscribe while down: %v", err)
		}

		redis.Start()
		hubtest.WaitHealthy(t, a, 10*time.Second)
		hubtest.WaitHealthy(t, b, 10*time.Second)
		// The reconnect is announced, so the hub can re-check what it
		// missed while down.
		ra.WaitConnected(t, 2, 5*time.Second)
		if err := b.Publish(ctx, "room:1", []byte("one")); err != nil {
			t.Fatal(err)
		}
		if err := b.Publish(ctx, "room:2", []byte("two")); err != nil {
			t.Fatal(err)
		}
		got := ra.WaitFor(t, 2, 5*time.Second)
		if string(got[0].Payload) != "one" || string(got[1].Payload) != "two" {
			t.Fatalf("after reconnect got %+v, want one, two", got)
		}
	})
}
