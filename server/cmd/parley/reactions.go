package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/postgres"
)

// registerReactionMetrics exports the reaction committer's counters:
// changes over batches is how well a burst is grouped, and refusals say
// its queue filled.
func registerReactionMetrics(reg prometheus.Registerer, store *postgres.Store) {
	counter := func(name, help string, v func(postgres.ReactionStats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(store.ReactionStats())) })
	}
	reg.MustRegister(
		counter("parley_reaction_changes_total", "Reaction changes applied by the reaction committer.",
			func(s postgres.ReactionStats) uint64 { return s.Changes }),
		counter("parley_reaction_batches_total", "Statements the reaction committer applied changes in.",
			func(s postgres.ReactionStats) uint64 { return s.Batches }),
		counter("parley_reaction_refused_total", "Reaction changes refused with unavailable because the committer's queue was full.",
			func(s postgres.ReactionStats) uint64 { return s.Refused }),
	)
}
