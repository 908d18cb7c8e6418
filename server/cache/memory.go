package cache

import (
	"container/list"
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// memoryShards splits the map so that concurrent requests rarely wait on
// one another's lock.
const memoryShards = 32

// DefaultMemoryBytes bounds a Memory cache when no size is given.
const DefaultMemoryBytes = 64 << 20

// Memory is the in-process Cache: a sharded LRU bounded by bytes, with a TTL
// per entry. It serves a single replica; versions live in it like values.
type Memory struct {
	seed    maphash.Seed
	shards  [memoryShards]memoryShard
	metrics *Metrics
	now     func() time.Time
}

type memoryShard struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	lru      list.List // front is the most recently used
	bytes    int
	maxBytes int
}

type memoryEntry struct {
	key     string
	value   []byte
	version Version
	expires time.Time
}

// NewMemory returns an in-process cache holding about maxBytes of keys and
// values (DefaultMemoryBytes if maxBytes <= 0).
func NewMemory(maxBytes int, m *Metrics) *Memory {
	if maxBytes <= 0 {
		maxBytes = DefaultMemoryBytes
	}
	c := &Memory{seed: maphash.MakeSeed(), metrics: m, now: time.Now}
	for i := range c.shards {
		c.shards[i].entries = make(map[string]*list.Element)
		c.shards[i].maxBytes = max(maxBytes/memoryShards, 1)
	}
	return c
}

func (c *Memory) shard(key string) *memoryShard {
	return &c.shards[maphash.String(c.seed, key)%memoryShards]
}

// Get returns the live value under key.
func (c *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	s := c.shard(key)
	s.mu.Lock()
	e := s.lookup(key, c.now())
	var v []byte
	if e != nil {
		v = e.value
	}
	s.mu.Unlock()
	if e == nil || v == nil {
		c.metrics.Miss(LevelL1, KindOf(key))
		return nil, false, nil
	}
	c.metrics.Hit(LevelL1, KindOf(key))
	return v, true, nil
}

// Set stores a copy of value under key for ttl.
func (c *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	v := make([]byte, len(value))
	copy(v, value)
	s := c.shard(key)
	s.mu.Lock()
	s.put(&memoryEntry{key: key, value: v, expires: c.now().Add(ttl)})
	s.mu.Unlock()
	return nil
}

// Delete removes keys.
func (c *Memory) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		s := c.shard(k)
		s.mu.Lock()
		if el, ok := s.entries[k]; ok {
			s.remove(el)
		}
		s.mu.Unlock()
	}
	return nil
}

// Versions returns the version of each key, creating missing ones.
func (c *Memory) Versions(_ context.Context, ttl time.Duration, keys ...string) ([]Version, error) {
	out := make([]Version, len(keys))
	now := c.now()
	for i, k := range keys {
		s := c.shard(k)
		s.mu.Lock()
		e := s.lookup(k, now)
		if e == nil || e.version == 0 {
			e = &memoryEntry{key: k, version: NewVersion(), expires: now.Add(ttl)}
			s.put(e)
		}
		out[i] = e.version
		s.mu.Unlock()
	}
	return out, nil
}

// Bump gives each key a fresh version.
func (c *Memory) Bump(_ context.Context, ttl time.Duration, keys ...string) error {
	now := c.now()
	for _, k := range keys {
		s := c.shard(k)
		s.mu.Lock()
		s.put(&memoryEntry{key: k, version: NewVersion(), expires: now.Add(ttl)})
		s.mu.Unlock()
	}
	return nil
}

// Check always succeeds: process memory cannot be unreachable.
func (c *Memory) Check(context.Context) error { return nil }

// lookup returns the live entry for key, dropping it if expired.
func (s *memoryShard) lookup(key string, now time.Time) *memoryEntry {
	el, ok := s.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*memoryEntry)
	if !now.Before(e.expires) {
		s.remove(el)
		return nil
	}
	s.lru.MoveToFront(el)
	return e
}

func (s *memoryShard) put(e *memoryEntry) {
	if el, ok := s.entries[e.key]; ok {
		s.remove(el)
	}
	s.entries[e.key] = s.lru.PushFront(e)
	s.bytes += e.size()
	for s.bytes > s.maxBytes && s.lru.Len() > 1 {
		s.remove(s.lru.Back())
	}
}

func (s *memoryShard) remove(el *list.Element) {
	e := s.lru.Remove(el).(*memoryEntry)
	delete(s.entries, e.key)
	s.bytes -= e.size()
}

// size approximates the memory an entry holds, overhead included.
func (e *memoryEntry) size() int { return len(e.key) + len(e.value) + 96 }
