package inmem_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/cache/cachetest"
	"github.com/parleychat/parley/server/inmem"
)

func TestCache(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, cache.Cache) {
		c := inmem.NewCache(1<<20, cache.NewMetrics(nil))
		return c, c
	})
}

func TestCacheBounded(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ctx := context.Background()
		c := inmem.NewCache(64<<10, nil)
		val := make([]byte, 1000)
		for i := range 1000 {
			if err := c.Set(ctx, fmt.Sprintf("k:%d", i), val, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		kept := 0
		for i := range 1000 {
			if _, ok, _ := c.Get(ctx, fmt.Sprintf("k:%d", i)); ok {
				kept++
			}
		}
		if kept == 0 || kept > 64 {
			t.Fatalf("kept %d entries of 1000 B in a 64 KiB cache; want 1..64", kept)
		}
		if _, ok, _ := c.Get(ctx, "k:999"); !ok {
			t.Fatal("the newest entry was evicted")
		}
	})
}
