package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/ratelimit"
)

func testLimiter(t *testing.T, l ratelimit.Limiter) {
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

func TestMemory(t *testing.T) { testLimiter(t, ratelimit.NewMemory()) }

func TestValkey(t *testing.T) {
	client, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{"127.0.0.1:6379"}, DisableCache: true})
	if err != nil {
		t.Fatalf("connect to Redis on 127.0.0.1:6379: %v", err)
	}
	defer client.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "parleytest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		keys, _ := client.Do(context.Background(), client.B().Keys().Pattern(prefix+"*").Build()).AsStrSlice()
		for _, k := range keys {
			client.Do(context.Background(), client.B().Del().Key(k).Build())
		}
	})
	// Two limiters over one Valkey act as two replicas: they share counts.
	a, b2 := ratelimit.NewValkey(client, prefix), ratelimit.NewValkey(client, prefix)
	testLimiter(t, a)
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
