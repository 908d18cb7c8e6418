package inmem

import (
	"context"
	"sync"
	"time"
)

// Stats keeps the replicas' stats snapshots in process: with no shared
// store there is one replica, so it holds that replica's own.
type Stats struct {
	mu   sync.Mutex
	snap map[string]statsEntry
}

type statsEntry struct {
	data    []byte
	expires time.Time
}

// NewStats returns an empty snapshot store.
func NewStats() *Stats { return &Stats{snap: map[string]statsEntry{}} }

// Publish replaces instance's snapshot, kept for ttl.
func (s *Stats) Publish(_ context.Context, instance string, snapshot []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap[instance] = statsEntry{data: snapshot, expires: time.Now().Add(ttl)}
	return nil
}

// List returns the snapshots not yet expired, dropping the others.
func (s *Stats) List(context.Context) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	out := make([][]byte, 0, len(s.snap))
	for k, e := range s.snap {
		if now.After(e.expires) {
			delete(s.snap, k)
			continue
		}
		out = append(out, e.data)
	}
	return out, nil
}
