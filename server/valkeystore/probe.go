package valkeystore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleychat/parley/server/cache"
)

// probeKey is written by every replica's probe; it is a version key so
// that no cached answer can be under it.
const probeKey = "v:probe"

// RunProbe measures how long a version write on another replica takes to
// reach this one as an invalidation, until ctx ends: every interval it
// writes its id and the time to the probe key, and each time the key's
// invalidation arrives it reads who wrote it and when, and records the
// difference (parley_cache_invalidation_seconds) if another replica did.
// The writer's and the reader's wall clocks are compared, as the hub's
// delivery latency does. It needs the Cache's Tracker.
func (c *Cache) RunProbe(ctx context.Context, interval time.Duration) error {
	if c.tracker == nil {
		return fmt.Errorf("valkeystore: the invalidation probe needs a Tracker")
	}
	k := c.prefix + probeKey
	w := &watch{key: k, ch: make(chan time.Time, 1)}
	if !c.tracker.watch.CompareAndSwap(nil, w) {
		return fmt.Errorf("valkeystore: a probe already runs on this tracker")
	}
	defer c.tracker.watch.Store(nil)
	id := strconv.FormatUint(uint64(cache.NewVersion()), 36)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	c.probeRead(ctx, k) // start tracking
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			v := id + ":" + strconv.FormatInt(time.Now().UnixNano(), 10)
			// Errors mean Valkey is away; the next tick tries again.
			_ = c.client.Do(ctx, c.client.B().Set().Key(k).Value(v).Px(time.Hour).Build()).Error()
			c.probeRead(ctx, k)
		case at := <-w.ch:
			writer, written, ok := c.probeRead(ctx, k)
			if ok && writer != id && !at.Before(written) {
				c.metrics.Invalidated(at.Sub(written))
			}
		}
	}
}

// probeRead reads the probe key through the client-side cache, which
// tracks it again after an invalidation, and parses who wrote it and when.
func (c *Cache) probeRead(ctx context.Context, k string) (writer string, at time.Time, ok bool) {
	s, err := c.client.DoCache(ctx, c.client.B().Get().Key(k).Cache(), time.Hour).ToString()
	if err != nil {
		return "", time.Time{}, false
	}
	writer, ns, found := strings.Cut(s, ":")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !found || err != nil {
		return "", time.Time{}, false
	}
	return writer, time.Unix(0, n), true
}
