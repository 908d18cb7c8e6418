package valkeystore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
)

// DefaultLocalTTL bounds how long an L1 copy is kept when
// CacheOptions.LocalTTL is zero; valkey-go also caps it by the key's own TTL.
const DefaultLocalTTL = time.Hour

// CacheOptions configure a Cache.
type CacheOptions struct {
	// Prefix starts every key, e.g. "parley:c:", so that deployments and
	// tests can share one Valkey.
	Prefix string
	// LocalTTL bounds the life of an L1 copy (DefaultLocalTTL if zero).
	LocalTTL time.Duration
	// Metrics counts hits, misses and L2 round trips; nil counts nothing.
	Metrics *cache.Metrics
}

// Cache is the cache.Cache shared by Parley's replicas: Valkey holds every
// value (L2) and valkey-go's server-assisted client-side caching (RESP3 with
// CLIENT TRACKING) keeps the hot ones in each replica's memory (L1). Version
// keys are always read from Valkey itself, never from L1: tracking
// invalidations travel asynchronously, so only a fresh read can promise
// that a bump another replica has finished is seen.
type Cache struct {
	client   valkey.Client
	prefix   string
	localTTL time.Duration
	metrics  *cache.Metrics
}

var _ cache.Cache = (*Cache)(nil)

// NewCache returns a Cache using client, which the caller owns and closes.
// For L1 the client must speak RESP3 with client-side caching enabled (the
// valkey-go default; DisableCache must stay false).
func NewCache(client valkey.Client, o CacheOptions) *Cache {
	if o.LocalTTL <= 0 {
		o.LocalTTL = DefaultLocalTTL
	}
	return &Cache{client: client, prefix: o.Prefix, localTTL: o.LocalTTL, metrics: o.Metrics}
}

// Get answers from L1 when it holds the key, else from Valkey. An absence
// remembered by L1 is confirmed with Valkey, because the invalidation of a
// key another replica just filled may still be on its way.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	kind := cache.KindOf(key)
	k := c.prefix + key
	start := time.Now()
	resp := c.client.DoCache(ctx, c.client.B().Get().Key(k).Cache(), c.localTTL)
	l1 := resp.IsCacheHit()
	v, err := resp.AsBytes()
	switch {
	case err == nil && l1:
		c.metrics.Hit(cache.LevelL1, kind)
		return v, true, nil
	case err == nil:
		c.metrics.Miss(cache.LevelL1, kind)
		c.metrics.Load(cache.LevelL2, kind, time.Since(start))
		c.metrics.Hit(cache.LevelL2, kind)
		return v, true, nil
	case !valkey.IsValkeyNil(err):
		c.metrics.Error("get")
		return nil, false, fmt.Errorf("valkeystore: cache get %s: %w", key, err)
	case !l1:
		c.metrics.Miss(cache.LevelL1, kind)
		c.metrics.Load(cache.LevelL2, kind, time.Since(start))
		c.metrics.Miss(cache.LevelL2, kind)
		return nil, false, nil
	}
	c.metrics.Miss(cache.LevelL1, kind)
	v, err = c.client.Do(ctx, c.client.B().Get().Key(k).Build()).AsBytes()
	c.metrics.Load(cache.LevelL2, kind, time.Since(start))
	switch {
	case err == nil:
		c.metrics.Hit(cache.LevelL2, kind)
		return v, true, nil
	case valkey.IsValkeyNil(err):
		c.metrics.Miss(cache.LevelL2, kind)
		return nil, false, nil
	default:
		c.metrics.Error("get")
		return nil, false, fmt.Errorf("valkeystore: cache get %s: %w", key, err)
	}
}

// Set stores value under key in Valkey for ttl.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	cmd := c.client.B().Set().Key(c.prefix + key).Value(valkey.BinaryString(value)).Px(ttl).Build()
	if err := c.client.Do(ctx, cmd).Error(); err != nil {
		c.metrics.Error("set")
		return fmt.Errorf("valkeystore: cache set %s: %w", key, err)
	}
	return nil
}

// Delete removes keys from Valkey; tracking drops them from every L1.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	cmds := make(valkey.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = c.client.B().Del().Key(c.prefix + k).Build()
	}
	for i, r := range c.client.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			c.metrics.Error("delete")
			return fmt.Errorf("valkeystore: cache delete %s: %w", keys[i], err)
		}
	}
	return nil
}

// Versions reads every key in one pipelined round trip; missing keys are
// created with SET NX GET, so when replicas race the first one's wins.
func (c *Cache) Versions(ctx context.Context, ttl time.Duration, keys ...string) ([]cache.Version, error) {
	out := make([]cache.Version, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	start := time.Now()
	defer func() { c.metrics.Load(cache.LevelL2, "version", time.Since(start)) }()
	cmds := make(valkey.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = c.client.B().Get().Key(c.prefix + k).Build()
	}
	var missing []int
	for i, r := range c.client.DoMulti(ctx, cmds...) {
		v, err := parseVersion(r)
		if err != nil {
			c.metrics.Error("versions")
			return nil, fmt.Errorf("valkeystore: cache read version %s: %w", keys[i], err)
		}
		if v == 0 {
			missing = append(missing, i)
		}
		out[i] = v
	}
	if len(missing) == 0 {
		return out, nil
	}
	cmds = cmds[:0]
	for _, i := range missing {
		out[i] = cache.NewVersion()
		cmds = append(cmds, c.client.B().Set().Key(c.prefix+keys[i]).
			Value(strconv.FormatUint(uint64(out[i]), 10)).Nx().Get().Px(ttl).Build())
	}
	for j, r := range c.client.DoMulti(ctx, cmds...) {
		v, err := parseVersion(r)
		if err != nil {
			c.metrics.Error("versions")
			return nil, fmt.Errorf("valkeystore: cache create version %s: %w", keys[missing[j]], err)
		}
		if v != 0 { // another caller created it first
			out[missing[j]] = v
		}
	}
	return out, nil
}

// Bump sets every key to a fresh version in one pipelined round trip.
func (c *Cache) Bump(ctx context.Context, ttl time.Duration, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	cmds := make(valkey.Commands, len(keys))
	for i, k := range keys {
		v := strconv.FormatUint(uint64(cache.NewVersion()), 10)
		cmds[i] = c.client.B().Set().Key(c.prefix + k).Value(v).Px(ttl).Build()
	}
	for i, r := range c.client.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			c.metrics.Error("bump")
			return fmt.Errorf("valkeystore: cache bump %s: %w", keys[i], err)
		}
	}
	return nil
}

// Check pings Valkey.
func (c *Cache) Check(ctx context.Context) error {
	if err := c.client.Do(ctx, c.client.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("valkeystore: cache ping: %w", err)
	}
	return nil
}

// parseVersion reads a version reply; 0 means the key does not exist.
func parseVersion(r valkey.ValkeyResult) (cache.Version, error) {
	s, err := r.ToString()
	if valkey.IsValkeyNil(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a version: %q", s)
	}
	return cache.Version(v), nil
}
