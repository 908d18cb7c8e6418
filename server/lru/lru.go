// Package lru is the least-recently-used cache both of Parley's in-process
// caches keep: sharded so that concurrent requests rarely wait on one
// another's lock, bounded by the summed cost (about the bytes) of its
// entries, with a TTL per entry. Kept in a hundred lines of its own rather
// than taken from a library: strict LRU order, a cost bound and a TTL per
// entry are all both callers need, and the benchmarks in server/cache
// measure it.
package lru

import (
	"hash/maphash"
	"sync"
	"time"
)

// Cache maps string keys to values of type V.
type Cache[V any] struct {
	seed   maphash.Seed
	shards []shard[V]
}

type shard[V any] struct {
	mu      sync.Mutex
	entries map[string]*entry[V]
	// head is a sentinel: head.next is the most recently used entry,
	// head.prev the least.
	head    entry[V]
	cost    int
	maxCost int
}

type entry[V any] struct {
	key        string
	val        V
	cost       int
	expires    time.Time
	prev, next *entry[V]
}

// New returns an empty cache of n shards, each holding about maxCost/n of
// cost (at least 1).
func New[V any](n, maxCost int) *Cache[V] {
	c := &Cache[V]{seed: maphash.MakeSeed(), shards: make([]shard[V], n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.entries = make(map[string]*entry[V])
		s.head.prev, s.head.next = &s.head, &s.head
		s.maxCost = max(maxCost/n, 1)
	}
	return c
}

func (c *Cache[V]) shard(key string) *shard[V] {
	return &c.shards[maphash.String(c.seed, key)%uint64(len(c.shards))]
}

// Get returns the live value under key and marks it used.
func (c *Cache[V]) Get(key string) (V, bool) {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lookup(key, time.Now()); e != nil {
		return e.val, true
	}
	var zero V
	return zero, false
}

// Put stores val under key for ttl. cost is its share of the bound; the
// least recently used entries make room for it, though an entry is never
// evicted by its own Put.
func (c *Cache[V]) Put(key string, val V, cost int, ttl time.Duration) {
	s := c.shard(key)
	s.mu.Lock()
	s.put(key, val, cost, time.Now().Add(ttl))
	s.mu.Unlock()
}

// GetOrPut returns the live value under key if keep accepts it; otherwise
// it stores and returns the value fresh makes, kept for ttl. Both happen
// under one lock, so concurrent callers agree on the value.
func (c *Cache[V]) GetOrPut(key string, keep func(V) bool, fresh func() (val V, cost int), ttl time.Duration) V {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if e := s.lookup(key, now); e != nil && keep(e.val) {
		return e.val
	}
	v, cost := fresh()
	s.put(key, v, cost, now.Add(ttl))
	return v
}

// Delete removes key; a missing key is not an error.
func (c *Cache[V]) Delete(key string) {
	s := c.shard(key)
	s.mu.Lock()
	if e, ok := s.entries[key]; ok {
		s.remove(e)
	}
	s.mu.Unlock()
}

// ShardCost is the bound of one shard: an entry costlier than that would
// leave no room for any other in its shard.
func (c *Cache[V]) ShardCost() int { return c.shards[0].maxCost }

// lookup returns the live entry for key, dropping it if expired.
func (s *shard[V]) lookup(key string, now time.Time) *entry[V] {
	e, ok := s.entries[key]
	if !ok {
		return nil
	}
	if !now.Before(e.expires) {
		s.remove(e)
		return nil
	}
	s.unlink(e)
	s.pushFront(e)
	return e
}

func (s *shard[V]) put(key string, val V, cost int, expires time.Time) {
	if old, ok := s.entries[key]; ok {
		s.remove(old)
	}
	e := &entry[V]{key: key, val: val, cost: cost, expires: expires}
	s.entries[key] = e
	s.pushFront(e)
	s.cost += cost
	for s.cost > s.maxCost && s.head.prev != e {
		s.remove(s.head.prev)
	}
}

func (s *shard[V]) remove(e *entry[V]) {
	s.unlink(e)
	delete(s.entries, e.key)
	s.cost -= e.cost
}

func (s *shard[V]) unlink(e *entry[V]) {
	e.prev.next = e.next
	e.next.prev = e.prev
}

func (s *shard[V]) pushFront(e *entry[V]) {
	e.prev, e.next = &s.head, s.head.next
	e.next.prev = e
	s.head.next = e
}
