package cache

import (
	"sync"
	"time"
)

// seenVersions remembers when this process first read each version key's
// current version. A write bumps its versions only after it commits, so a
// version first seen at t was made by a commit finished before t: an
// answer cached under that version may be loaded from a read replica that
// has every commit up to t, and must come from the primary otherwise. That
// is how a fill stays exactly as new as the key it is stored under, even
// when the write was made on another replica of Parley.
type seenVersions struct {
	mu sync.Mutex
	m  map[string]seenVersion
}

type seenVersion struct {
	v  Version
	at time.Time
}

// maxSeen bounds the memory: past it everything is forgotten, which only
// makes the next fills ask for newer data than they need.
const maxSeen = 200_000

// observe records versions vs of keys and returns the newest first-seen
// time among them: the moment an answer keyed by all of them must be as
// new as.
func (s *seenVersions) observe(keys []string, vs []Version) time.Time {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || len(s.m)+len(keys) > maxSeen {
		s.m = make(map[string]seenVersion, len(keys))
	}
	var newest time.Time
	for i, k := range keys {
		if i >= len(vs) {
			break
		}
		sv, ok := s.m[k]
		if !ok || sv.v != vs[i] {
			sv = seenVersion{v: vs[i], at: now}
			s.m[k] = sv
		}
		if sv.at.After(newest) {
			newest = sv.at
		}
	}
	return newest
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
