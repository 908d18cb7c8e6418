package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	vk "github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/cache/valkeycache"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/web"
)

// memoryCacheBytes bounds the in-process cache of a single replica.
const memoryCacheBytes = 64 << 20

// wireCache wraps the store in the caches: Valkey (with client-side caching
// as L1) when configured, else in process. It returns the wrapped store, its
// readiness check and the 304 counter for the web layer.
func wireCache(cfg *config.Config, log *slog.Logger, reg prometheus.Registerer, client vk.Client, inner cache.Store) (*cache.Stores, web.Check, func(string)) {
	m := cache.NewMetrics(reg)
	var c cache.Cache
	if client != nil {
		c = valkeycache.New(client, valkeycache.Options{Prefix: cfg.KeyPrefix + "c:", Metrics: m})
	} else {
		c = cache.NewMemory(memoryCacheBytes, m)
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
		Logger:  log,
		Metrics: m,
	})
	// A cache outage slows answers but keeps them right, so it only
	// degrades readiness unless PARLEY_CACHE_STRICT asks for more.
	check := web.Check{Name: "cache", Critical: cfg.CacheStrict, Probe: stores.Check}
	return stores, check, m.NotModified
}
