package ratelimit

import (
	"context"
	"sync"
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

// lockFor is base doubled for each failure past free, capped at window.
func lockFor(n int64, free int, base, window time.Duration) time.Duration {
	over := n - int64(free)
	if over <= 0 {
		return 0
	}
	d := base
	for i := int64(1); i < over && d < window; i++ {
		d *= 2
	}
	return min(d, window)
}

// MemoryBackoff is an in-process Backoff for a single replica.
type MemoryBackoff struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*failures
}

type failures struct {
	n        int64
	lockEnds time.Time
	forget   time.Time
}

// NewMemoryBackoff returns an empty in-process Backoff.
func NewMemoryBackoff() *MemoryBackoff {
	return &MemoryBackoff{now: time.Now, keys: map[string]*failures{}}
}

// Locked implements Backoff.
func (m *MemoryBackoff) Locked(_ context.Context, key string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.keys[key]
	now := m.now()
	if f == nil || !now.Before(f.lockEnds) {
		return 0, nil
	}
	return f.lockEnds.Sub(now), nil
}

// Fail implements Backoff.
func (m *MemoryBackoff) Fail(_ context.Context, key string, free int, base, window time.Duration) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	f := m.keys[key]
	if f == nil || !now.Before(f.forget) {
		if len(m.keys) > 100_000 {
			for k, old := range m.keys {
				if !now.Before(old.forget) {
					delete(m.keys, k)
				}
			}
		}
		f = &failures{}
		m.keys[key] = f
	}
	f.n++
	f.forget = now.Add(window)
	lock := lockFor(f.n, free, base, window)
	if lock > 0 {
		f.lockEnds = now.Add(lock)
	}
	return lock, nil
}

// Reset implements Backoff.
func (m *MemoryBackoff) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}
