package admission

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Tally counts refusals that no Gate makes (a request past its deadline),
// so that they show in the same metric family as the gates' ones.
type Tally struct {
	name   string
	reason string
	n      atomic.Uint64
}

// NewTally counts refusals of one reason under the gate label name.
func NewTally(name, reason string) *Tally { return &Tally{name: name, reason: reason} }

// Add counts one refusal.
func (t *Tally) Add() { t.n.Add(1) }

// Count is how many refusals were counted.
func (t *Tally) Count() uint64 { return t.n.Load() }

// Collector exposes gates and tallies to Prometheus:
//
//	parley_overload_refused_total{gate,reason}  refusals, by gate and reason
//	parley_admission_in_use{gate}               slots held now
//	parley_admission_waiting{gate}              callers queued now
//
// One collector owns the family, as Prometheus allows one registration
// per metric name; nil gates and tallies are skipped.
type Collector struct {
	gates   []*Gate
	tallies []*Tally
}

// NewCollector collects the given gates and tallies.
func NewCollector(gates []*Gate, tallies ...*Tally) *Collector {
	c := &Collector{}
	for _, g := range gates {
		if g != nil {
			c.gates = append(c.gates, g)
		}
	}
	for _, t := range tallies {
		if t != nil {
			c.tallies = append(c.tallies, t)
		}
	}
	return c
}

var (
	refusedDesc = prometheus.NewDesc("parley_overload_refused_total",
		"Work refused with unavailable (HTTP 503, WebSocket close 1013) because the replica was at capacity, by gate and reason.",
		[]string{"gate", "reason"}, nil)
	inUseDesc = prometheus.NewDesc("parley_admission_in_use",
		"Slots of an admission gate held now.", []string{"gate"}, nil)
	waitingDesc = prometheus.NewDesc("parley_admission_waiting",
		"Callers queued at an admission gate now.", []string{"gate"}, nil)
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- refusedDesc
	ch <- inUseDesc
	ch <- waitingDesc
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, g := range c.gates {
		s := g.Stats()
		ch <- prometheus.MustNewConstMetric(refusedDesc, prometheus.CounterValue, float64(s.QueueFull), g.Name(), ReasonQueueFull)
		ch <- prometheus.MustNewConstMetric(refusedDesc, prometheus.CounterValue, float64(s.Late), g.Name(), ReasonQueueWait)
		ch <- prometheus.MustNewConstMetric(inUseDesc, prometheus.GaugeValue, float64(s.InUse), g.Name())
		ch <- prometheus.MustNewConstMetric(waitingDesc, prometheus.GaugeValue, float64(s.Waiting), g.Name())
	}
	for _, t := range c.tallies {
		ch <- prometheus.MustNewConstMetric(refusedDesc, prometheus.CounterValue, float64(t.Count()), t.name, t.reason)
	}
}
