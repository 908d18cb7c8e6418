package stats

import (
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// The series a snapshot reads. Those of other packages are matched by
// name so that stats imports none of them; a series that is absent leaves
// its figure 0.
const (
	seriesHTTPRequests = "parley_http_requests_total"
	seriesHTTPDuration = "parley_http_request_duration_seconds"
	seriesNotModified  = "parley_http_not_modified_total"
	seriesSockets      = "parley_ws_connections"
	seriesDelivered    = "parley_ws_delivered_total"
	seriesCache        = "parley_cache_requests_total"
	seriesDBInUse      = "go_sql_in_use_connections"
	seriesDBWaits      = "go_sql_wait_count_total"
	seriesDependencyUp = "parley_dependency_up"
)

// Series names the series behind the figures that other work adds; a
// zero field takes its DefaultSeries value.
type Series struct {
	// Sends counts messages committed (HTTP and WebSocket together).
	Sends string
	// Delivery is the time from commit to a socket write, in seconds.
	Delivery string
	// Ack is the time from a send frame to its ack, in seconds.
	Ack string
	// CommitBatch is how many sends one group commit held.
	CommitBatch string
}

// DefaultSeries are the names the send path's per-stage series use.
var DefaultSeries = Series{
	Sends:       "parley_sends_total",
	Delivery:    "parley_delivery_seconds",
	Ack:         "parley_ack_seconds",
	CommitBatch: "parley_commit_batch_size",
}

// memory series, each with the standard collectors' series that stand in
// for it until the memory sampler is registered.
var (
	seriesHeapLive   = []string{"parley_memory_heap_live_bytes", "go_memstats_heap_alloc_bytes"}
	seriesRSS        = []string{"parley_memory_rss_bytes", "process_resident_memory_bytes"}
	seriesGoroutines = []string{"parley_goroutines", "go_goroutines"}
	seriesGCCPU      = []string{"parley_gc_cpu_fraction"}
)

// reading is what one gather says, reduced to the figures a snapshot
// needs, so that two readings make one interval.
type reading struct {
	at time.Time
	// counters by figure: "http", "http_5xx", "http_get", "not_modified",
	// "delivered", "sends", "db_waits", "hit:<level>", "miss:<level>".
	counters map[string]float64
	// hists by figure: "delivery", "ack", "commit_batch", "http:<group>".
	hists map[string]Hist
	// gauges by figure: "sockets", "db_in_use", "heap", "rss",
	// "goroutines", "gc_cpu", "critical_down".
	gauges map[string]float64
}

func newReading(at time.Time, families []*dto.MetricFamily, names Series) reading {
	r := reading{at: at, counters: map[string]float64{}, hists: map[string]Hist{}, gauges: map[string]float64{}}
	byName := make(map[string]*dto.MetricFamily, len(families))
	for _, f := range families {
		byName[f.GetName()] = f
	}
	if f := byName[seriesHTTPRequests]; f != nil {
		for _, m := range f.GetMetric() {
			v := m.GetCounter().GetValue()
			// Probes are not answers: /readyz's 503 while draining is
			// meant, and would count as failures here.
			if g := routeGroup(label(m, "route")); g == "" || g == "ops" {
				continue
			}
			r.counters["http"] += v
			if strings.HasPrefix(label(m, "status"), "5") {
				r.counters["http_5xx"] += v
			}
			if label(m, "method") == "GET" {
				r.counters["http_get"] += v
			}
		}
	}
	if f := byName[seriesHTTPDuration]; f != nil {
		for _, m := range f.GetMetric() {
			if g := routeGroup(label(m, "route")); g != "" {
				r.hists["http:"+g] = addHist(r.hists["http:"+g], m.GetHistogram())
			}
		}
	}
	if f := byName[seriesCache]; f != nil {
		for _, m := range f.GetMetric() {
			r.counters[label(m, "result")+":"+label(m, "level")] += m.GetCounter().GetValue()
		}
	}
	r.counters["not_modified"] = sum(byName[seriesNotModified], "", "")
	r.counters["delivered"] = sum(byName[seriesDelivered], "", "")
	r.counters["sends"] = sum(byName[names.Sends], "", "")
	r.counters["db_waits"] = sum(byName[seriesDBWaits], "db_name", "primary")
	// The readiness checks run at gather time; a critical one failing
	// makes the replica unready, as /readyz would say.
	if f := byName[seriesDependencyUp]; f != nil {
		for _, m := range f.GetMetric() {
			if label(m, "critical") == "true" && m.GetGauge().GetValue() == 0 {
				r.gauges["critical_down"]++
			}
		}
	}
	r.gauges["sockets"] = sum(byName[seriesSockets], "", "")
	r.gauges["db_in_use"] = sum(byName[seriesDBInUse], "db_name", "primary")
	for fig, names := range map[string][]string{"heap": seriesHeapLive, "rss": seriesRSS, "goroutines": seriesGoroutines, "gc_cpu": seriesGCCPU} {
		for _, n := range names {
			if f := byName[n]; f != nil {
				r.gauges[fig] = sum(f, "", "")
				break
			}
		}
	}
	for fig, n := range map[string]string{"delivery": names.Delivery, "ack": names.Ack, "commit_batch": names.CommitBatch} {
		if f := byName[n]; f != nil {
			var h Hist
			for _, m := range f.GetMetric() {
				h = addHist(h, m.GetHistogram())
			}
			r.hists[fig] = h
		}
	}
	return r
}

// sum adds the values of every series of f (those whose label key is
// value, when key is set), whatever their type.
func sum(f *dto.MetricFamily, key, value string) float64 {
	if f == nil {
		return 0
	}
	var v float64
	for _, m := range f.GetMetric() {
		if key != "" && label(m, key) != value {
			continue
		}
		switch {
		case m.Counter != nil:
			v += m.GetCounter().GetValue()
		case m.Gauge != nil:
			v += m.GetGauge().GetValue()
		case m.Untyped != nil:
			v += m.GetUntyped().GetValue()
		}
	}
	return v
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// addHist merges one series into h; the series of one histogram share
// their bounds.
func addHist(h Hist, p *dto.Histogram) Hist {
	if p == nil {
		return h
	}
	pb := p.GetBucket()
	if len(h.Buckets) == 0 {
		h.Buckets = make([]Bucket, len(pb))
		for i, b := range pb {
			h.Buckets[i].UpperBound = b.GetUpperBound()
		}
	}
	for i, b := range pb {
		if i < len(h.Buckets) && h.Buckets[i].UpperBound == b.GetUpperBound() {
			h.Buckets[i].Count += b.GetCumulativeCount()
		}
	}
	h.Count += p.GetSampleCount()
	h.Sum += p.GetSampleSum()
	return h
}

// routeGroup names the dashboard's group of a route pattern, or "" for
// routes whose duration says nothing about answers: /ws lasts as long as
// its socket.
func routeGroup(route string) string {
	switch {
	case route == "/ws":
		return ""
	case strings.HasPrefix(route, "/api/v1/auth/"):
		return "auth"
	case strings.HasPrefix(route, "/api/") && strings.Contains(route, "/messages"):
		return "messages"
	case strings.HasPrefix(route, "/api/"):
		return "api"
	case strings.HasPrefix(route, "/assets/"):
		return "assets"
	case route == "/healthz" || route == "/readyz" || route == "/metrics":
		return "ops"
	default:
		return "pages"
	}
}
