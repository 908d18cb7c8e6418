// Package ratelimit counts attempts per key in fixed windows, in process or
// in Valkey. Valkey's counter is one atomic script, so a limit holds across
// every replica instead of per process (Fiber's limiter does get, increment
// and set separately, which replicas race through).
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Limiter admits at most limit attempts per key in each window.
type Limiter interface {
	// Allow counts one attempt; when it is over the limit it returns false
	// and how long until the window ends.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}

// Memory is an in-process Limiter for a single replica.
type Memory struct {
	mu      sync.Mutex
	now     func() time.Time
	windows map[string]*window
}

type window struct {
	count int
	ends  time.Time
}

// NewMemory returns an empty in-process limiter.
func NewMemory() *Memory {
	return &Memory{now: time.Now, windows: map[string]*window{}}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string, limit int, win time.Duration) (bool, time.Duration, error) {
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
func (m *Memory) sweep(now time.Time) {
	for k, w := range m.windows {
		if !now.Before(w.ends) {
			delete(m.windows, k)
		}
	}
}
