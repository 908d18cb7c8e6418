package hub

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/chat"
)

type metrics struct {
	connections     prometheus.Gauge
	delivered       prometheus.Counter
	replayed        prometheus.Counter
	replayFilled    prometheus.Counter
	slowClosed      prometheus.Counter
	lossyDropped    prometheus.Counter
	tooBig          prometheus.Counter
	rateLimited     prometheus.Counter
	publishErrors   prometheus.Counter
	reorderTimeouts prometheus.Counter
	filledFromStore prometheus.Counter
	tooMany         prometheus.Counter
	sends           prometheus.Counter
	ack             prometheus.Histogram
	delivery        prometheus.Histogram
	// stages holds one observer per chat.Stage, looked up once here so the
	// send path pays no label lookup.
	stages [chat.NumStages]prometheus.Observer
}

// stageBuckets reach down to the microseconds that most stages take, and up
// to a stall.
var stageBuckets = []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .002, .005, .01, .025, .05, .1, .25, 1}

// latencyBuckets span a fast local hop to a stalled one, in seconds.
var latencyBuckets = []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_ws_connections", Help: "Open WebSocket connections on this replica.",
		}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_delivered_total", Help: "Live room events queued to connections.",
		}),
		replayed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_replayed_total", Help: "Messages replayed from the store on resume.",
		}),
		replayFilled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_replay_filled_total", Help: "Replayed messages read from the primary because cached history ended before what the replica had delivered live.",
		}),
		slowClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_slow_closed_total", Help: "Connections closed because their send queue was full.",
		}),
		lossyDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_lossy_dropped_total", Help: "Presence and typing frames skipped for a connection whose queue was half full.",
		}),
		tooBig: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_too_big_total", Help: "Connections closed for a frame over the read limit.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_rate_limited_total", Help: "Sends refused by the per-connection rate limit.",
		}),
		publishErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_broker_publish_errors_total", Help: "Events that could not be published to other replicas.",
		}),
		reorderTimeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_reorder_timeouts_total", Help: "Times a room gave up waiting for a missing seq.",
		}),
		filledFromStore: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_filled_from_store_total", Help: "Messages whose live event was late, read from the store and delivered in their turn.",
		}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_ws_too_many_total", Help: "Connections refused because their user held too many.",
		}),
		sends: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_sends_total", Help: "Messages committed through this replica (API, socket and forms).",
		}),
		ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "parley_ack_seconds", Help: "From a socket send's arrival to its ack being queued.", Buckets: latencyBuckets,
		}),
		delivery: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_delivery_seconds",
			Help:    "From a message's commit to its fan-out to this replica's connections, once per message and replica.",
			Buckets: latencyBuckets,
		}),
	}
	stages := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "parley_send_stage_seconds",
		Help:    "Time a socket send spends in each stage, from the frame's arrival to its frames written to the members' sockets.",
		Buckets: stageBuckets,
	}, []string{"stage"})
	for s := range chat.NumStages {
		m.stages[s] = stages.WithLabelValues(s.String())
	}
	if reg != nil {
		reg.MustRegister(stages)
		reg.MustRegister(m.connections, m.delivered, m.replayed, m.replayFilled, m.slowClosed, m.lossyDropped, m.tooBig,
			m.rateLimited, m.publishErrors, m.reorderTimeouts, m.filledFromStore, m.tooMany, m.sends, m.ack, m.delivery)
	}
	return m
}

// observeStage is the hub's chat.StageObserver.
func (m *metrics) observeStage(s chat.Stage, d time.Duration) {
	if s < chat.NumStages {
		m.stages[s].Observe(d.Seconds())
	}
}
