// Package ratelimit holds the abuse limits of the web layers (Guard) and the
// two stores they count in: Limiter, attempts per key in fixed windows, and
// Backoff, failures per key with a doubling lock-out. Package inmem has
// their in-process implementations, package valkeystore the ones shared by
// every replica; both pass the suites in package ratelimittest.
package ratelimit

import (
	"context"
	"time"
)

// Limiter admits at most limit attempts per key in each window.
type Limiter interface {
	// Allow counts one attempt; when it is over the limit it returns false
	// and how long until the window ends.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}
