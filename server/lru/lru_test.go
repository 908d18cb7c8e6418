package lru_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/lru"
)

func TestCache(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := lru.New[int](4, 1<<10)
		c.Put("a", 1, 10, time.Minute)
		if got, ok := c.Get("a"); !ok || got != 1 {
			t.Fatalf("Get(a) = %v, %v; want 1", got, ok)
		}
		c.Put("a", 2, 10, time.Minute)
		if got, _ := c.Get("a"); got != 2 {
			t.Fatalf("Get(a) after a second Put = %v; want 2", got)
		}
		c.Delete("a")
		c.Delete("never")
		if _, ok := c.Get("a"); ok {
			t.Fatal("Get after Delete hit")
		}
	})
	t.Run("Expires", func(t *testing.T) {
		c := lru.New[int](1, 1<<10)
		c.Put("a", 1, 10, 20*time.Millisecond)
		time.Sleep(40 * time.Millisecond)
		if _, ok := c.Get("a"); ok {
			t.Fatal("Get after the TTL hit")
		}
	})
	t.Run("EvictsLeastRecentlyUsed", func(t *testing.T) {
		c := lru.New[int](1, 30)
		c.Put("a", 1, 10, time.Minute)
		c.Put("b", 2, 10, time.Minute)
		c.Put("c", 3, 10, time.Minute)
		c.Get("a") // now b is the least recently used
		c.Put("d", 4, 10, time.Minute)
		if _, ok := c.Get("b"); ok {
			t.Fatal("the least recently used entry was kept")
		}
		for _, k := range []string{"a", "c", "d"} {
			if _, ok := c.Get(k); !ok {
				t.Fatalf("%s was evicted", k)
			}
		}
	})
	t.Run("KeepsNewestOversized", func(t *testing.T) {
		c := lru.New[int](1, 30)
		c.Put("a", 1, 10, time.Minute)
		c.Put("big", 2, 100, time.Minute)
		if _, ok := c.Get("big"); !ok {
			t.Fatal("an entry was evicted by its own Put")
		}
		if _, ok := c.Get("a"); ok {
			t.Fatal("an older entry survived an oversized Put")
		}
	})
	t.Run("GetOrPutAgrees", func(t *testing.T) {
		c := lru.New[int](4, 1<<20)
		var wg sync.WaitGroup
		got := make([]int, 50)
		for i := range got {
			wg.Go(func() {
				got[i] = c.GetOrPut("v", func(int) bool { return true }, func() (int, int) { return i + 1, 10 }, time.Minute)
			})
		}
		wg.Wait()
		for i := range got {
			if got[i] != got[0] {
				t.Fatalf("racing callers disagree: %d vs %d", got[i], got[0])
			}
		}
		if v := c.GetOrPut("v", func(v int) bool { return v < 0 }, func() (int, int) { return -1, 10 }, time.Minute); v != -1 {
			t.Fatalf("GetOrPut kept a value keep refused: %d", v)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		c := lru.New[[]byte](8, 64<<10)
		for i := range 1000 {
			c.Put(fmt.Sprint(i), make([]byte, 1000), 1000, time.Minute)
		}
		kept := 0
		for i := range 1000 {
			if _, ok := c.Get(fmt.Sprint(i)); ok {
				kept++
			}
		}
		if kept == 0 || kept > 64 {
			t.Fatalf("kept %d entries of 1000 in 64 KiB; want 1..64", kept)
		}
	})
}
