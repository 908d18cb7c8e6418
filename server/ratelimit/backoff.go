package ratelimit

import (
	"context"
	"time"
)

// Backoff counts failures per key and, past a free allowance, locks the key
// out for a delay that doubles with each further failure: the growing delay
// that makes guessing a password slower the more it is tried.
type Backoff interface {
	// Locked returns how long key is still locked out; zero when it is not.
	Locked(ctx context.Context, key string) (time.Duration, error)
	// Fail records a failure and returns the lock-out it starts, zero while
	// the key is within its free failures. Failures are forgotten window
	// after the last one; a lock-out never exceeds window.
	Fail(ctx context.Context, key string, free int, base, window time.Duration) (time.Duration, error)
	// Reset forgets key's failures.
	Reset(ctx context.Context, key string) error
}
