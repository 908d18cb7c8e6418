package main

import (
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/config"
)

// newValkeyClient connects to VALKEY_URL, or returns nil when it is unset
// and everything runs in process. One client serves caches (with
// server-assisted client-side caching), rate limits, presence and
// publishing; the broker takes a dedicated connection from it to receive.
func newValkeyClient(cfg *config.Config) (valkey.Client, error) {
	if cfg.ValkeyURL == "" {
		return nil, nil
	}
	opt, err := valkey.ParseURL(cfg.ValkeyURL)
	if err != nil {
		return nil, fmt.Errorf("VALKEY_URL: %w", err)
	}
	opt.CacheSizeEachConn = cfg.ValkeyClientCacheBytes
	// A hung Valkey must be noticed quickly: callers then fall back to
	// PostgreSQL and local delivery.
	opt.ConnWriteTimeout = 2 * time.Second
	client, err := valkey.NewClient(opt)
	if err != nil {
		return nil, fmt.Errorf("connect to Valkey at VALKEY_URL: %w", err)
	}
	return client, nil
}
