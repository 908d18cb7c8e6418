package inmem

import (
	"context"
	"sync"
	"time"

	"github.com/parleychat/parley/server/ratelimit"
)

// Backoff is an in-process ratelimit.Backoff for a single replica.
type Backoff struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*failures
}

type failures struct {
	n        int64
	lockEnds time.Time
	forget   time.Time
}

var _ ratelimit.Backoff = (*Backoff)(nil)

// NewBackoff returns an empty in-process Backoff.
func NewBackoff() *Backoff {
	return &Backoff{now: time.Now, keys: map[string]*failures{}}
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

// Locked implements ratelimit.Backoff.
func (m *Backoff) Locked(_ context.Context, key string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.keys[key]
	now := m.now()
	if f == nil || !now.Before(f.lockEnds) {
		return 0, nil
	}
	return f.lockEnds.Sub(now), nil
}

// Fail implements ratelimit.Backoff.
func (m *Backoff) Fail(_ context.Context, key string, free int, base, window time.Duration) (time.Duration, error) {
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

// Reset implements ratelimit.Backoff.
func (m *Backoff) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}
