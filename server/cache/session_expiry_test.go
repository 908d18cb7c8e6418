package cache_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// A session cached a moment before it expires must stop working when it
// expires, on every replica, not when the cached entry happens to lapse.
func TestSessionCachedPastExpiry(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user(t)
		h := sha256.Sum256([]byte(t.Name()))
		// Round(0) drops the monotonic reading: expiry is judged on the
		// wall clock, as the store and the cache judge it, so a clock step
		// between the two cannot make the test disagree with them.
		expires := time.Now().Add(time.Second).Round(0)
		if err := e.a.CreateSession(ctx, u.ID, h[:], expires); err != nil {
			t.Fatal(err)
		}
		t.Run("OKBeforeExpiry", func(t *testing.T) {
			for _, s := range []interface {
				FindSession(context.Context, []byte) (*chat.SignIn, error)
			}{e.a, e.b} {
				in, err := s.FindSession(ctx, h[:])
				if err != nil || in.User.ID != u.ID || in.ExpiresAt.Sub(expires).Abs() > time.Microsecond {
					t.Fatalf("FindSession = %+v, %v; want user %d expiring at %v", in, err, u.ID, expires)
				}
			}
			if n := e.queries(func() { _, _ = e.a.FindSession(ctx, h[:]) }); n != 0 {
				t.Fatalf("%d queries; want the session answered from the cache", n)
			}
		})
		t.Run("ErrAfterExpiry", func(t *testing.T) {
			// The cache keeps the entry for a minute; the expiry is what
			// must end it, so a few seconds past it is already too late.
			deadline := expires.Add(3 * time.Second)
			for {
				_, errA := e.a.FindSession(ctx, h[:])
				_, errB := e.b.FindSession(ctx, h[:])
				if chat.ErrorCode(errA) == chat.ENOTFOUND && chat.ErrorCode(errB) == chat.ENOTFOUND {
					if time.Now().Before(expires) {
						t.Fatal("refused before its expiry")
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("session still accepted %v after its expiry: %v, %v", time.Since(expires), errA, errB)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	})
}
