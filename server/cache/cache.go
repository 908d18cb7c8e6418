// Package cache makes the reads that Parley's users repeat cheap without ever
// answering with stale or foreign data. Stores wraps the PostgreSQL store and
// answers its reads from a Cache; every write through it bumps a version, and
// every cached answer lives under a key that names the versions it was built
// from, so an invalidation is one version bump that every replica sees at
// once and a cached value never changes under its key.
//
// Two Cache implementations exist: inmem.Cache (one replica, the embedded
// default) and valkeystore.Cache (client-side caching as L1, Valkey as L2).
// Both pass the suite in package cachetest.
package cache

import (
	"context"
	"strings"
	"time"
)

// Version identifies one state of whatever a version key guards. Versions
// are random and never zero, so a version key that was lost (evicted,
// expired, a restarted Valkey) comes back as a value never used before and
// can never revive an answer cached under an older one.
type Version uint64

// Cache holds byte values and version keys.
//
// Values: Get may answer from a replica-local copy that the shared store
// invalidates asynchronously, so a value must never change under its key:
// callers put the versions a value depends on into its key. Version keys are
// the opposite: Versions always reads the shared store, so a Bump that has
// returned on one replica is seen by every replica's next Versions call.
// Version keys and value keys must not overlap.
type Cache interface {
	// Get returns the value stored under key; ok is false if there is none.
	// The returned slice must not be modified.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Set stores a copy of value under key for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Delete removes keys; removing a missing key is not an error.
	Delete(ctx context.Context, keys ...string) error
	// Versions returns the current version of each key, read from the shared
	// store. A missing key is given a fresh version (kept for ttl) atomically,
	// so concurrent callers on every replica agree on it.
	Versions(ctx context.Context, ttl time.Duration, keys ...string) ([]Version, error)
	// Bump gives each key a fresh version, kept for ttl.
	Bump(ctx context.Context, ttl time.Duration, keys ...string) error
	// Check reports whether the shared store answers.
	Check(ctx context.Context) error
}

// KindOf returns the kind of a key, the part before its first ':', which
// labels metrics. Keys without a ':' are of kind "other".
func KindOf(key string) string {
	if i := strings.IndexByte(key, ':'); i > 0 {
		return key[:i]
	}
	return "other"
}
