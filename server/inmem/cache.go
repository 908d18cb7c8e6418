package inmem

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/lru"
)

// cacheShards splits the map so that concurrent requests rarely wait on
// one another's lock.
const cacheShards = 32

// DefaultCacheBytes bounds a Cache when no size is given.
const DefaultCacheBytes = 64 << 20

// Cache is the in-process cache.Cache: a sharded LRU bounded by bytes, with
// a TTL per entry. It serves a single replica; versions live in it like
// values.
type Cache struct {
	lru     *lru.Cache[cacheEntry]
	metrics *cache.Metrics
}

// cacheEntry holds a value or, under a version key, a version.
type cacheEntry struct {
	value   []byte
	version cache.Version
}

var _ cache.Cache = (*Cache)(nil)

// NewCache returns an in-process cache holding about maxBytes of keys and
// values (DefaultCacheBytes if maxBytes <= 0).
func NewCache(maxBytes int, m *cache.Metrics) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Cache{lru: lru.New[cacheEntry](cacheShards, maxBytes), metrics: m}
}

// Get returns the live value under key.
func (c *Cache) Get(_ context.Context, key string) ([]byte, bool, error) {
	e, ok := c.lru.Get(key)
	if !ok || e.value == nil {
		c.metrics.Miss(cache.LevelL1, cache.KindOf(key))
		return nil, false, nil
	}
	c.metrics.Hit(cache.LevelL1, cache.KindOf(key))
	return e.value, true, nil
}

// Set stores a copy of value under key for ttl.
func (c *Cache) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	v := make([]byte, len(value))
	copy(v, value)
	c.lru.Put(key, cacheEntry{value: v}, size(key, v), ttl)
	return nil
}

// Delete removes keys.
func (c *Cache) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		c.lru.Delete(k)
	}
	return nil
}

// Versions returns the version of each key, creating missing ones.
func (c *Cache) Versions(_ context.Context, ttl time.Duration, keys ...string) ([]cache.Version, error) {
	out := make([]cache.Version, len(keys))
	for i, k := range keys {
		e := c.lru.GetOrPut(k, hasVersion, func() (cacheEntry, int) {
			return cacheEntry{version: cache.NewVersion()}, size(k, nil)
		}, ttl)
		out[i] = e.version
	}
	return out, nil
}

// Bump gives each key a fresh version.
func (c *Cache) Bump(_ context.Context, ttl time.Duration, keys ...string) error {
	for _, k := range keys {
		c.lru.Put(k, cacheEntry{version: cache.NewVersion()}, size(k, nil), ttl)
	}
	return nil
}

// Check always succeeds: process memory cannot be unreachable.
func (c *Cache) Check(context.Context) error { return nil }

func hasVersion(e cacheEntry) bool { return e.version != 0 }

// size approximates the memory an entry holds, overhead included.
func size(key string, value []byte) int { return len(key) + len(value) + 96 }
