package valkeystore

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
)

// Versions returns the version of each key. With a Tracker, a key copied
// earlier whose invalidation has not arrived is answered from memory; the
// others are read through valkey-go's client-side cache in one call, which
// also asks Valkey to track them, and keys marked stale are read from
// Valkey itself. Without one, every key is read from Valkey.
func (c *Cache) Versions(ctx context.Context, ttl time.Duration, keys ...string) ([]cache.Version, error) {
	if c.tracker == nil {
		return c.readVersions(ctx, ttl, keys...)
	}
	out := make([]cache.Version, len(keys))
	var fetch, force []int
	epoch := c.tracker.epoch.Load()
	for i, k := range keys {
		pk := c.prefix + k
		e, ok := c.table.get(pk)
		switch {
		case !ok || e.at.epoch != epoch:
			fetch = append(fetch, i)
		case e.v == 0:
			force = append(force, i)
		case c.tracker.current(pk, e.at):
			out[i] = e.v
		default:
			fetch = append(fetch, i)
		}
	}
	c.metrics.Hits(cache.LevelL1, "version", len(keys)-len(fetch)-len(force))
	if len(fetch)+len(force) == 0 {
		return out, nil
	}
	c.metrics.Misses(cache.LevelL1, "version", len(fetch)+len(force))
	start := time.Now()
	defer func() { c.metrics.Load(cache.LevelL2, "version", time.Since(start)) }()

	// Stamps are taken before asking: an invalidation that arrives while
	// the answer is on its way then retires the copy made from it.
	idx := append(fetch, force...)
	stamps := make([]stamp, len(idx))
	marks := make([]uint64, len(idx))
	for j, i := range idx {
		pk := c.prefix + keys[i]
		stamps[j] = c.tracker.stamp(pk)
		if j >= len(fetch) {
			e, _ := c.table.get(pk)
			marks[j] = e.mark
		}
	}
	cached, err := c.trackVersions(ctx, keys, idx)
	if err != nil {
		return nil, err
	}
	for j, i := range idx {
		out[i] = cached[j]
	}
	if len(force) > 0 {
		// valkey-go may still hold what the mark says is old: read past it.
		// Tracking was just (re)established above, so whatever changes
		// after this read is invalidated.
		fresh, err := c.readVersions(ctx, ttl, pick(keys, force)...)
		if err != nil {
			return nil, err
		}
		for j, i := range force {
			out[i] = fresh[j]
		}
	}
	if err := c.createMissing(ctx, ttl, keys, out); err != nil {
		return nil, err
	}
	for j, i := range idx {
		pk := c.prefix + keys[i]
		e := tableEntry{v: out[i], at: stamps[j]}
		if j < len(fetch) {
			c.table.put(pk, e, true, epoch)
		} else {
			c.table.replaceMark(pk, marks[j], e)
		}
	}
	return out, nil
}

// trackVersions reads keys[idx] through valkey-go's client-side cache,
// which makes Valkey track them on this client; a missing key reads as 0.
func (c *Cache) trackVersions(ctx context.Context, keys []string, idx []int) ([]cache.Version, error) {
	cmds := make([]valkey.CacheableTTL, len(idx))
	for j, i := range idx {
		cmds[j] = valkey.CT(c.client.B().Get().Key(c.prefix+keys[i]).Cache(), c.localTTL)
	}
	out := make([]cache.Version, len(idx))
	for j, r := range c.client.DoMultiCache(ctx, cmds...) {
		v, err := parseVersion(r)
		if err != nil {
			c.metrics.Error("versions")
			return nil, fmt.Errorf("valkeystore: cache read version %s: %w", keys[idx[j]], err)
		}
		out[j] = v
	}
	return out, nil
}

// Bump sets every key to a fresh version in one pipelined round trip. With
// a Tracker the keys are tracked first (usually answered from memory), so
// that whatever changes them after this bump is invalidated here, and this
// replica's copies take the new versions at once: its own writes are
// visible to its next read.
func (c *Cache) Bump(ctx context.Context, ttl time.Duration, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	vs := make([]cache.Version, len(keys))
	for i := range vs {
		vs[i] = cache.NewVersion()
	}
	if c.tracker == nil {
		return c.setVersions(ctx, ttl, keys, vs)
	}
	epoch := c.tracker.epoch.Load()
	stamps := make([]stamp, len(keys))
	idx := make([]int, len(keys))
	for i, k := range keys {
		stamps[i] = c.tracker.stamp(c.prefix + k)
		idx[i] = i
	}
	if _, err := c.trackVersions(ctx, keys, idx); err != nil {
		c.metrics.Error("bump")
		return err
	}
	if err := c.setVersions(ctx, ttl, keys, vs); err != nil {
		return err
	}
	for i, k := range keys {
		c.table.put(c.prefix+k, tableEntry{v: vs[i], at: stamps[i]}, false, epoch)
	}
	return nil
}

// Stale makes the next read of each key ask Valkey itself. A replica calls
// it when it learns of a change by a path that may outrun the invalidation
// (the broker), so that nothing it answers afterwards predates the change.
func (c *Cache) Stale(keys ...string) {
	if c.tracker == nil {
		return
	}
	epoch := c.tracker.epoch.Load()
	for _, k := range keys {
		c.table.markStale(c.prefix+k, epoch)
	}
}

func pick(keys []string, idx []int) []string {
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = keys[i]
	}
	return out
}
