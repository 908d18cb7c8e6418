package valkeystore_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/ratelimit/ratelimittest"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

func TestLimiter(t *testing.T) {
	client := testenv.NewUncachedClient(t, testenv.RedisAddr)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	// Two limiters over one Valkey act as two replicas: they share counts.
	a, b2 := valkeystore.NewLimiter(client, prefix), valkeystore.NewLimiter(client, prefix)
	ratelimittest.TestLimiter(t, a)
	for i := 0; i < 3; i++ {
		_, _, _ = a.Allow(context.Background(), "shared", 4, time.Minute)
	}
	if ok, _, _ := b2.Allow(context.Background(), "shared", 4, time.Minute); !ok {
		t.Fatalf("fourth attempt refused")
	}
	if ok, _, _ := b2.Allow(context.Background(), "shared", 4, time.Minute); ok {
		t.Fatalf("the other replica's attempts were not counted")
	}
}
