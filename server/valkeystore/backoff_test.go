package valkeystore_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/ratelimit/ratelimittest"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

func TestBackoff(t *testing.T) {
	client := testenv.NewUncachedClient(t, testenv.RedisAddr)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	ttl := func(key string) time.Duration {
		ms, err := client.Do(context.Background(), client.B().Pttl().Key(prefix+"bo:{"+key+"}:n").Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		return time.Duration(ms) * time.Millisecond
	}
	ratelimittest.TestBackoff(t, valkeystore.NewBackoff(client, prefix), ttl)
	t.Run("OKSharedByReplicas", func(t *testing.T) {
		a, b := valkeystore.NewBackoff(client, prefix), valkeystore.NewBackoff(client, prefix)
		_, _ = a.Fail(context.Background(), "shared", 0, time.Minute, time.Minute)
		if wait, _ := b.Locked(context.Background(), "shared"); wait <= 0 {
			t.Error("the other replica does not see the lock-out")
		}
	})
}
