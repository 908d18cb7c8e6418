package ratelimit_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/ratelimit"
)

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
		g := ratelimit.NewGuard(inmem.NewLimiter(), inmem.NewBackoff(), ratelimit.Rules{SignInFailures: 1}, nil)
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
		g := ratelimit.NewGuard(inmem.NewLimiter(), nil, ratelimit.Rules{RegisterRate: 1, AnonRate: 1, FormRate: 1}, nil)
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
