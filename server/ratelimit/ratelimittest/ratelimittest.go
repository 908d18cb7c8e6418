// Package ratelimittest is the behaviour every ratelimit.Limiter and
// ratelimit.Backoff must have, written once and run by each
// implementation's tests.
package ratelimittest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/ratelimit"
)

// TestLimiter runs the suite against l, which must be fresh: it counts
// under the keys a, b, w, c.
func TestLimiter(t *testing.T, l ratelimit.Limiter) {
	ctx := context.Background()
	t.Run("AllowsUpToLimit", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			ok, _, err := l.Allow(ctx, "a", 5, time.Minute)
			if err != nil || !ok {
				t.Fatalf("attempt %d refused: %v", i+1, err)
			}
		}
		ok, retry, err := l.Allow(ctx, "a", 5, time.Minute)
		if err != nil || ok {
			t.Fatalf("attempt 6 allowed")
		}
		if retry <= 0 || retry > time.Minute {
			t.Errorf("retry after %s", retry)
		}
		if ok, _, _ := l.Allow(ctx, "b", 5, time.Minute); !ok {
			t.Errorf("another key was limited")
		}
	})
	t.Run("WindowEnds", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			_, _, _ = l.Allow(ctx, "w", 2, 150*time.Millisecond)
		}
		time.Sleep(250 * time.Millisecond)
		if ok, _, _ := l.Allow(ctx, "w", 2, 150*time.Millisecond); !ok {
			t.Errorf("still limited after the window")
		}
	})
	t.Run("ConcurrentAttemptsCountedExactly", func(t *testing.T) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := l.Allow(ctx, "c", 30, time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if allowed != 30 {
			t.Errorf("allowed %d of 100, want 30", allowed)
		}
	})
}

// TestBackoff runs the suite against b, which must be fresh. ttl, if set,
// tells how long the store keeps key's failure count, so that the suite
// can check it is forgotten within its window.
func TestBackoff(t *testing.T, b ratelimit.Backoff, ttl func(key string) time.Duration) {
	ctx := context.Background()
	t.Run("OKFreeFailuresThenDoubling", func(t *testing.T) {
		var locks []time.Duration
		for range 6 {
			d, err := b.Fail(ctx, "u", 2, time.Second, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			locks = append(locks, d)
		}
		want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
		for i := range want {
			if locks[i] != want[i] {
				t.Fatalf("lock-outs %v, want %v", locks, want)
			}
		}
		wait, err := b.Locked(ctx, "u")
		if err != nil || wait <= 4*time.Second || wait > 8*time.Second {
			t.Errorf("locked for %s (%v), want up to 8s", wait, err)
		}
		if wait, _ := b.Locked(ctx, "other"); wait != 0 {
			t.Errorf("another key is locked for %s", wait)
		}
	})
	t.Run("OKCappedAtWindow", func(t *testing.T) {
		var d time.Duration
		for range 30 {
			d, _ = b.Fail(ctx, "cap", 0, time.Second, 10*time.Second)
		}
		if d != 10*time.Second {
			t.Errorf("lock-out %s, want the 10s cap", d)
		}
		if ttl != nil {
			if got := ttl("cap"); got <= 0 || got > 10*time.Second {
				t.Errorf("the failure count lives %s, want at most the 10s window", got)
			}
		}
	})
	t.Run("OKReset", func(t *testing.T) {
		for range 3 {
			_, _ = b.Fail(ctx, "r", 1, time.Second, time.Minute)
		}
		if err := b.Reset(ctx, "r"); err != nil {
			t.Fatal(err)
		}
		if wait, _ := b.Locked(ctx, "r"); wait != 0 {
			t.Errorf("still locked for %s after reset", wait)
		}
		if d, _ := b.Fail(ctx, "r", 1, time.Second, time.Minute); d != 0 {
			t.Errorf("first failure after reset locked for %s", d)
		}
	})
	t.Run("OKLockEnds", func(t *testing.T) {
		_, _ = b.Fail(ctx, "e", 0, 100*time.Millisecond, time.Minute)
		deadline := time.Now().Add(2 * time.Second)
		for {
			wait, err := b.Locked(ctx, "e")
			if err != nil {
				t.Fatal(err)
			}
			if wait == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("still locked after 2s")
			}
			time.Sleep(wait)
		}
	})
}
