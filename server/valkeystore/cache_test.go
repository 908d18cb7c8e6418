package valkeystore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/cache/cachetest"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

func TestCache(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, cache.Cache) {
		prefix := testenv.Prefix(t, testenv.RedisAddr)
		m := cache.NewMetrics(nil)
		a := valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr), valkeystore.CacheOptions{Prefix: prefix, Metrics: m})
		b := valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr), valkeystore.CacheOptions{Prefix: prefix, Metrics: m})
		return a, b
	})
}

func TestCachePrefix(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ctx := context.Background()
		client := testenv.NewClient(t, testenv.RedisAddr)
		p1 := testenv.Prefix(t, testenv.RedisAddr)
		p2 := testenv.Prefix(t, testenv.RedisAddr)
		c1 := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: p1})
		c2 := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: p2})
		if err := c1.Set(ctx, "k:1", []byte("one"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := c2.Get(ctx, "k:1"); ok {
			t.Fatal("a key set under one prefix was seen under another")
		}
		got, err := client.Do(ctx, client.B().Get().Key(p1+"k:1").Build()).ToString()
		if err != nil || got != "one" {
			t.Fatalf("raw GET %sk:1 = %q, %v; want \"one\"", p1, got, err)
		}
	})
}

func TestCacheL1(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ctx := context.Background()
		srv := testenv.StartRedis(t) // private, so that no one else's commands are counted
		client := testenv.NewClient(t, srv.Addr)
		c := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: "p:"})
		if err := c.Set(ctx, "k:l1", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
		_, _, _ = c.Get(ctx, "k:l1") // fills L1
		before := commandCount(t, client)
		for range 100 {
			if _, ok, err := c.Get(ctx, "k:l1"); !ok || err != nil {
				t.Fatalf("Get = %v, %v", ok, err)
			}
		}
		// The second INFO is itself counted once.
		if got := commandCount(t, client) - before - 1; got != 0 {
			t.Fatalf("100 L1 reads sent %d commands to the server; want 0", got)
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		srv := testenv.StartRedis(t)
		client := testenv.NewClient(t, srv.Addr)
		c := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: "p:"})
		srv.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := c.Check(ctx); err == nil {
			t.Fatal("Check of a stopped server succeeded")
		}
		if _, err := c.Versions(ctx, time.Minute, "v:x"); err == nil {
			t.Fatal("Versions of a stopped server succeeded")
		}
	})
}

// commandCount returns how many commands the server has processed.
func commandCount(t *testing.T, client valkey.Client) int {
	t.Helper()
	info, err := client.Do(context.Background(), client.B().Info().Section("stats").Build()).ToString()
	if err != nil {
		t.Fatalf("INFO stats: %v", err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("parse %q: %v", line, err)
			}
			return n
		}
	}
	t.Fatal("INFO stats has no total_commands_processed")
	return 0
}
