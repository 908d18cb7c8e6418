package main

import (
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/valkeystore"
)

// newValkeyClient connects to VALKEY_URL, or returns nil when it is unset
// and everything runs in process. One client serves caches (with
// server-assisted client-side caching), rate limits, presence and
// publishing; the broker takes a dedicated connection from it to receive.
// The tracker follows the client's invalidations, for the cache.
func newValkeyClient(cfg *config.Config) (valkey.Client, *valkeystore.Tracker, error) {
	if cfg.ValkeyURL == "" {
		return nil, nil, nil
	}
	opt, err := valkey.ParseURL(cfg.ValkeyURL)
	if err != nil {
		return nil, nil, fmt.Errorf("VALKEY_URL: %w", err)
	}
	opt.CacheSizeEachConn = cfg.ValkeyClientCacheBytes
	tracker := valkeystore.NewTracker()
	opt.OnInvalidations = tracker.Handle
	// A hung Valkey must be noticed quickly: callers then fall back to
	// PostgreSQL and local delivery.
	opt.ConnWriteTimeout = 2 * time.Second
	client, err := valkey.NewClient(opt)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to Valkey at VALKEY_URL: %w", err)
	}
	return client, tracker, nil
}
