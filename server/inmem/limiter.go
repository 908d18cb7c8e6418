package inmem

import (
	"context"
	"sync"
	"time"

	"github.com/parleychat/parley/server/ratelimit"
)

// Limiter is an in-process ratelimit.Limiter for a single replica: fixed
// windows per key.
type Limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	windows map[string]*window
}

type window struct {
	count int
	ends  time.Time
}

var _ ratelimit.Limiter = (*Limiter)(nil)

// NewLimiter returns an empty in-process limiter.
func NewLimiter() *Limiter {
	return &Limiter{now: time.Now, windows: map[string]*window{}}
}

// Allow implements ratelimit.Limiter.
func (m *Limiter) Allow(_ context.Context, key string, limit int, win time.Duration) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	w := m.windows[key]
	if w == nil || !now.Before(w.ends) {
		if len(m.windows) > 100_000 {
			m.sweep(now)
		}
		w = &window{ends: now.Add(win)}
		m.windows[key] = w
	}
	w.count++
	if w.count > limit {
		return false, w.ends.Sub(now), nil
	}
	return true, 0, nil
}

// sweep drops ended windows so that many distinct keys cannot grow the map
// without bound.
func (m *Limiter) sweep(now time.Time) {
	for k, w := range m.windows {
		if !now.Before(w.ends) {
			delete(m.windows, k)
		}
	}
}
