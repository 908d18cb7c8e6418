package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/stats"
	"github.com/parleychat/parley/server/valkeystore"
)

// wireStats starts publishing this replica's snapshot every 2 s, through
// Valkey when configured so that any replica can show the whole cluster,
// and returns the publisher (the dashboard's view) and the slow-request
// list the web layer feeds. Draining is asked of s.web, wired later but
// before the publisher's first tick; the dependencies' state comes from
// the registry's parley_dependency_up.
func wireStats(s *server, cfg *config.Config, log *slog.Logger, reg prometheus.Gatherer, client valkey.Client) (*stats.Publisher, *stats.SlowLog) {
	var store stats.Store = inmem.NewStats()
	if client != nil {
		store = valkeystore.NewStats(client, cfg.KeyPrefix)
	}
	slow := &stats.SlowLog{}
	p := stats.NewPublisher(stats.Options{
		Gatherer: reg,
		Store:    store,
		Instance: cfg.Instance,
		Ready:    func(context.Context) bool { return s.web != nil && !s.web.Draining() },
		Slow:     slow,
		Logger:   log,
	})
	s.background = append(s.background, p.Run)
	return p, slow
}
