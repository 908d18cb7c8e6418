package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/valkeystore"
	"github.com/parleychat/parley/server/web"
)

// wireCache wraps the store in the caches: Valkey (with client-side caching
// as L1) when configured, else in process. It returns the wrapped store, its
// readiness check and the 304 counter for the web layer.
func wireCache(cfg *config.Config, log *slog.Logger, reg prometheus.Registerer, client valkey.Client, inner cache.Store) (*cache.Stores, web.Check, func(string)) {
	m := cache.NewMetrics(reg)
	var c cache.Cache
	if client != nil {
		c = valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: cfg.KeyPrefix + "c:", Metrics: m})
	} else {
		c = inmem.NewCache(cfg.CacheMemoryBytes, m)
	}
	stores := cache.Wrap(inner, c, cache.Options{
		TTL: cache.TTLs{
			Public:     cfg.CacheTTLPublic,
			Room:       cfg.CacheTTLRoom,
			Membership: cfg.CacheTTLMember,
			User:       cfg.CacheTTLUser,
			Page:       cfg.CacheTTLPage,
			History:    cfg.CacheTTLHistory,
			Session:    cfg.CacheTTLSession,
		},
		LocalBytes: localBytes(cfg.CacheLocalBytes),
		Logger:     log,
		Metrics:    m,
	})
	// A cache outage slows answers but keeps them right, so it only
	// degrades readiness unless PARLEY_CACHE_STRICT asks for more.
	check := web.Check{Name: "cache", Critical: cfg.CacheStrict, Probe: stores.Check}
	return stores, check, m.NotModified
}

// localBytes turns the configuration's "0 means none" into the cache's
// negative value, since the cache reads zero as "the default".
func localBytes(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
