// Package cachetest is the behaviour every cache.Cache must have, written
// once and run by each implementation's tests.
package cachetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/cache"
)

// Factory returns two views of one fresh, empty cache: for a shared cache
// two clients as two replicas would hold them, for an in-process cache the
// same value twice. It registers its own cleanup.
type Factory func(t *testing.T) (a, b cache.Cache)

// Run runs the suite against caches made by newCache.
func Run(t *testing.T, newCache Factory) {
	t.Run("GetMissing", func(t *testing.T) {
		a, _ := newCache(t)
		if _, ok, err := a.Get(context.Background(), "k:missing"); err != nil || ok {
			t.Fatalf("Get(missing) = ok %v, err %v; want a miss", ok, err)
		}
	})
	t.Run("HitAfterMiss", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		if _, ok, _ := a.Get(ctx, "k:1"); ok {
			t.Fatal("Get before Set hit")
		}
		if err := b.Set(ctx, "k:1", []byte("one"), time.Minute); err != nil {
			t.Fatal(err)
		}
		for _, c := range []cache.Cache{a, b, a} {
			got, ok, err := c.Get(ctx, "k:1")
			if err != nil || !ok || string(got) != "one" {
				t.Fatalf("Get = %q, %v, %v; want \"one\"", got, ok, err)
			}
		}
	})
	t.Run("SetCopiesValue", func(t *testing.T) {
		ctx := context.Background()
		a, _ := newCache(t)
		v := []byte("abc")
		if err := a.Set(ctx, "k:copy", v, time.Minute); err != nil {
			t.Fatal(err)
		}
		v[0] = 'X'
		if got, _, _ := a.Get(ctx, "k:copy"); string(got) != "abc" {
			t.Fatalf("Get = %q after the caller changed its slice; want \"abc\"", got)
		}
	})
	t.Run("BinaryValue", func(t *testing.T) {
		ctx := context.Background()
		a, _ := newCache(t)
		v := []byte{0, 1, 2, 255, '\r', '\n'}
		if err := a.Set(ctx, "k:bin", v, time.Minute); err != nil {
			t.Fatal(err)
		}
		if got, ok, _ := a.Get(ctx, "k:bin"); !ok || string(got) != string(v) {
			t.Fatalf("Get = %v; want %v", got, v)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		if err := a.Set(ctx, "k:ttl", []byte("x"), 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := b.Get(ctx, "k:ttl"); !ok {
			t.Fatal("Get right after Set missed")
		}
		time.Sleep(120 * time.Millisecond)
		for _, c := range []cache.Cache{a, b} {
			if _, ok, _ := c.Get(ctx, "k:ttl"); ok {
				t.Fatal("Get after the TTL hit")
			}
		}
	})
	t.Run("Delete", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		_ = a.Set(ctx, "k:d1", []byte("x"), time.Minute)
		_ = a.Set(ctx, "k:d2", []byte("y"), time.Minute)
		if _, ok, _ := b.Get(ctx, "k:d1"); !ok {
			t.Fatal("Get before Delete missed")
		}
		if err := a.Delete(ctx, "k:d1", "k:d2", "k:never"); err != nil {
			t.Fatal(err)
		}
		// L1 copies are dropped asynchronously; the shared store at once.
		eventually(t, func() bool {
			_, ok1, _ := b.Get(ctx, "k:d1")
			_, ok2, _ := a.Get(ctx, "k:d2")
			return !ok1 && !ok2
		})
	})
	t.Run("VersionsCreateOnce", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		v1, err := a.Versions(ctx, time.Minute, "v:x", "v:y")
		if err != nil {
			t.Fatal(err)
		}
		if v1[0] == 0 || v1[1] == 0 || v1[0] == v1[1] {
			t.Fatalf("fresh versions = %v; want two distinct non-zero", v1)
		}
		v2, err := b.Versions(ctx, time.Minute, "v:y", "v:x")
		if err != nil {
			t.Fatal(err)
		}
		if v2[0] != v1[1] || v2[1] != v1[0] {
			t.Fatalf("second reader saw %v; want %v reversed", v2, v1)
		}
	})
	t.Run("VersionsRace", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		const n = 50
		got := make([]cache.Version, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c := a
				if i%2 == 1 {
					c = b
				}
				v, err := c.Versions(ctx, time.Minute, "v:race")
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = v[0]
			})
		}
		wg.Wait()
		for i := range got {
			if got[i] != got[0] {
				t.Fatalf("racing creators disagree: %v vs %v", got[i], got[0])
			}
		}
	})
	t.Run("BumpSeenAtOnce", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		seen := map[cache.Version]bool{}
		for range 100 {
			before, err := b.Versions(ctx, time.Minute, "v:bump")
			if err != nil {
				t.Fatal(err)
			}
			seen[before[0]] = true
			if err := a.Bump(ctx, time.Minute, "v:bump", "v:other"); err != nil {
				t.Fatal(err)
			}
			after, err := b.Versions(ctx, time.Minute, "v:bump")
			if err != nil {
				t.Fatal(err)
			}
			if seen[after[0]] {
				t.Fatalf("version %v after a bump was seen before", after[0])
			}
		}
	})
	t.Run("VersionExpires", func(t *testing.T) {
		ctx := context.Background()
		a, _ := newCache(t)
		v1, _ := a.Versions(ctx, 50*time.Millisecond, "v:short")
		time.Sleep(120 * time.Millisecond)
		v2, err := a.Versions(ctx, time.Minute, "v:short")
		if err != nil {
			t.Fatal(err)
		}
		if v2[0] == v1[0] || v2[0] == 0 {
			t.Fatalf("version after expiry = %v; want a fresh one (was %v)", v2[0], v1[0])
		}
	})
	t.Run("Check", func(t *testing.T) {
		a, _ := newCache(t)
		if err := a.Check(context.Background()); err != nil {
			t.Fatalf("Check = %v", err)
		}
	})
	t.Run("ConcurrentUse", func(t *testing.T) {
		ctx := context.Background()
		a, b := newCache(t)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				c := a
				if g%2 == 1 {
					c = b
				}
				for i := range 200 {
					k := fmt.Sprintf("k:c:%d", i%17)
					_ = c.Set(ctx, k, []byte(k), time.Minute)
					if got, ok, err := c.Get(ctx, k); err != nil || (ok && string(got) != k) {
						t.Errorf("Get(%s) = %q, %v", k, got, err)
						return
					}
					_, _ = c.Versions(ctx, time.Minute, "v:c")
					if i%10 == 0 {
						_ = c.Bump(ctx, time.Minute, "v:c")
					}
				}
			})
		}
		wg.Wait()
	})
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 2s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
