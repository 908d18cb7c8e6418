package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/stats"
)

// buildInfo is the constant 1 labelled with the running build, so that an
// operator (scripts/cluster status, a dashboard) can tell which build each
// replica runs during a rolling restart.
func buildInfo() prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "parley_build_info", Help: "Always 1; the version label names the running build.",
	}, []string{"version"})
	g.WithLabelValues(stats.BuildVersion()).Set(1)
	return g
}
