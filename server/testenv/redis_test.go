package testenv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/testenv"
)

func TestPrefix(t *testing.T) {
	t.Run("OKDroppedAtEnd", func(t *testing.T) {
		srv := testenv.StartRedis(t)
		c := testenv.NewUncachedClient(t, srv.Addr)
		ctx := context.Background()
		var prefix string
		t.Run("inner", func(t *testing.T) {
			prefix = testenv.Prefix(t, srv.Addr)
			if !strings.HasPrefix(prefix, "parleytest:") {
				t.Fatalf("prefix %q, want parleytest:*", prefix)
			}
			if err := c.Do(ctx, c.B().Set().Key(prefix+"k").Value("1").Build()).Error(); err != nil {
				t.Fatal(err)
			}
		})
		if n, err := c.Do(ctx, c.B().Exists().Key(prefix+"k").Build()).AsInt64(); err != nil || n != 0 {
			t.Fatalf("key under the prefix survived the test: %d, %v", n, err)
		}
	})
	t.Run("OKServerGone", func(t *testing.T) {
		srv := testenv.StartRedis(t)
		testenv.Prefix(t, srv.Addr)
		srv.Stop() // the cleanup must not fail on a server the test stopped
	})
}

func TestRedisServer(t *testing.T) {
	t.Run("OKRestart", func(t *testing.T) {
		srv := testenv.StartRedis(t)
		c := testenv.NewUncachedClient(t, srv.Addr)
		ctx := context.Background()
		srv.Stop()
		if err := c.Do(ctx, c.B().Ping().Build()).Error(); err == nil {
			t.Fatal("PING answered by a stopped server")
		}
		srv.Start()
		if err := c.Do(ctx, c.B().Ping().Build()).Error(); err != nil {
			t.Fatalf("PING after restart: %v", err)
		}
	})
}
