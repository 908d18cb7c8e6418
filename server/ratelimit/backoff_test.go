package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/ratelimit"
)

func testBackoff(t *testing.T, b ratelimit.Backoff, ttl func(key string) time.Duration) {
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

func TestMemoryBackoff(t *testing.T) { testBackoff(t, ratelimit.NewMemoryBackoff(), nil) }

func TestValkeyBackoff(t *testing.T) {
	client, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{"127.0.0.1:6379"}, DisableCache: true})
	if err != nil {
		t.Fatalf("connect to Redis on 127.0.0.1:6379: %v", err)
	}
	defer client.Close()
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	prefix := "parleytest:" + hex.EncodeToString(raw) + ":"
	t.Cleanup(func() {
		keys, _ := client.Do(context.Background(), client.B().Keys().Pattern(prefix+"*").Build()).AsStrSlice()
		for _, k := range keys {
			client.Do(context.Background(), client.B().Del().Key(k).Build())
		}
	})
	ttl := func(key string) time.Duration {
		ms, err := client.Do(context.Background(), client.B().Pttl().Key(prefix+"bo:{"+key+"}:n").Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		return time.Duration(ms) * time.Millisecond
	}
	testBackoff(t, ratelimit.NewValkeyBackoff(client, prefix), ttl)
	t.Run("OKSharedByReplicas", func(t *testing.T) {
		a, b := ratelimit.NewValkeyBackoff(client, prefix), ratelimit.NewValkeyBackoff(client, prefix)
		_, _ = a.Fail(context.Background(), "shared", 0, time.Minute, time.Minute)
		if wait, _ := b.Locked(context.Background(), "shared"); wait <= 0 {
			t.Error("the other replica does not see the lock-out")
		}
	})
}

func TestGuard(t *testing.T) {
	ctx := context.Background()
	bad := func() error { return chat.Errorf(chat.EUNAUTHENTICATED, "no") }
	good := func() error { return nil }
	t.Run("OKNilGuardLimitsNothing", func(t *testing.T) {
		var g *ratelimit.Guard
		if err := g.SignIn(ctx, "1.2.3.4", "a", good); err != nil {
			t.Fatal(err)
		}
		if g.Register(ctx, "ip") != nil || g.Anonymous(ctx, "ip") != nil || g.Form(ctx, "ip") != nil {
			t.Fatal("a nil guard limited")
		}
	})
	t.Run("ErrAddressFailuresLockTheAddress", func(t *testing.T) {
		g := ratelimit.NewGuard(ratelimit.NewMemory(), ratelimit.NewMemoryBackoff(), ratelimit.Rules{SignInFailures: 1}, nil)
		// Four times a username's free failures, spread over usernames.
		for i := range 5 {
			_ = g.SignIn(ctx, "9.9.9.9", string(rune('a'+i))+"user", bad)
		}
		err := g.SignIn(ctx, "9.9.9.9", "fresh", good)
		if chat.ErrorCode(err) != chat.ERATELIMITED || chat.ErrorRetryAfter(err) <= 0 {
			t.Errorf("got %v, want rate_limited with a retry", err)
		}
		if err := g.SignIn(ctx, "8.8.8.8", "fresh", good); err != nil {
			t.Errorf("another address: %v", err)
		}
	})
	t.Run("ErrEachBudgetApart", func(t *testing.T) {
		g := ratelimit.NewGuard(ratelimit.NewMemory(), nil, ratelimit.Rules{RegisterRate: 1, AnonRate: 1, FormRate: 1}, nil)
		for name, f := range map[string]func(context.Context, string) error{"register": g.Register, "anonymous": g.Anonymous, "form": g.Form} {
			if err := f(ctx, "ip"); err != nil {
				t.Fatalf("%s: first: %v", name, err)
			}
			if err := f(ctx, "ip"); chat.ErrorCode(err) != chat.ERATELIMITED || chat.ErrorRetryAfter(err) <= 0 {
				t.Errorf("%s: second: %v", name, err)
			}
		}
	})
}
