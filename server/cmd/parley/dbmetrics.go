package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/postgres"
)

// registerReadMetrics exports where the reads that may use the read
// replica went and, with a replica, how far behind it is.
func registerReadMetrics(reg prometheus.Registerer, store *postgres.Store, replica bool) {
	for _, target := range []string{"replica", "primary"} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "parley_db_reads_total",
			Help:        "History pages, room lists, the public directory and user searches that reached PostgreSQL, by the server that answered.",
			ConstLabels: prometheus.Labels{"target": target},
		}, func() float64 {
			st := store.ReplicaStats()
			if target == "replica" {
				return float64(st.ReplicaReads)
			}
			return float64(st.PrimaryReads)
		}))
	}
	if !replica {
		return
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "parley_db_replica_fallbacks_total",
			Help: "Reads that failed on the read replica and were answered by the primary.",
		}, func() float64 { return float64(store.ReplicaStats().Fallbacks) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "parley_db_replica_up",
			Help: "1 when the read replica answered its last lag sample.",
		}, func() float64 {
			if store.ReplicaStats().Up {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "parley_db_replica_lag_bytes",
			Help: "WAL bytes the read replica had not replayed at the last sample.",
		}, func() float64 { return float64(store.ReplicaStats().LagBytes) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "parley_db_replica_lag_seconds",
			Help: "Age of the newest primary WAL position the read replica has replayed: how long a commit may take to show there.",
		}, func() float64 { return store.ReplicaStats().LagSeconds }),
	)
}
