package loadsim

import (
	"fmt"
	"time"
)

// Result is everything a run measured. It is written as result.json.
type Result struct {
	Name      string    `json:"name"`
	Target    string    `json:"target"`
	Profile   string    `json:"profile"`
	RoomSizes []int     `json:"room_sizes"`
	StartedAt time.Time `json:"started_at"`
	// Steady is the measured window: after the ramp, before the drain.
	SteadySeconds float64 `json:"steady_seconds"`
	TotalSeconds  float64 `json:"total_seconds"`

	// Latencies are over the steady window (the whole run in search mode);
	// WholeRun includes the ramp.
	WholeRun  WholeRun        `json:"whole_run"`
	Users     UsersResult     `json:"users"`
	Messages  MessagesResult  `json:"messages"`
	Delivery  LatencySummary  `json:"delivery_latency"`
	Ack       LatencySummary  `json:"ack_latency"`
	HTTP      HTTPResult      `json:"http"`
	WS        WSResult        `json:"websocket"`
	Server    ServerResult    `json:"server"`
	LoadGen   LoadGenResult   `json:"load_generator"`
	Box       BoxResult       `json:"machine"`
	Search    *SearchResult   `json:"search,omitempty"`
	Soak      *SoakResult     `json:"soak,omitempty"`
	Failover  *FailoverResult `json:"failover,omitempty"`
	Reactions *ReactionResult `json:"reaction_storm,omitempty"`
	SLO       []SLOCheck      `json:"slo"`
	Pass      bool            `json:"pass"`
	Failures  []string        `json:"failures,omitempty"`
	Notes     []string        `json:"notes,omitempty"`

	deliveryCDF, ackCDF, httpCDF [][2]float64
	cpuProfile                   []byte
}

// WholeRun holds latencies from the first user to the end of the drain.
type WholeRun struct {
	Delivery    LatencySummary `json:"delivery_latency"`
	Ack         LatencySummary `json:"ack_latency"`
	HTTP        LatencySummary `json:"http_latency"`
	HTTPActions LatencySummary `json:"http_action_latency"`
}

// UsersResult counts simulated users.
type UsersResult struct {
	Target       int      `json:"target"`
	Started      int      `json:"started"`
	Ready        int      `json:"ready"`        // set up with a live socket
	Connected    int64    `json:"connected"`    // sockets open at the end of the steady phase
	SetupFailed  int      `json:"setup_failed"` // could not sign in, join or connect
	SetupErrors  []string `json:"setup_errors,omitempty"`
	ActionErrors int64    `json:"action_errors"`
}

// MessagesResult counts messages and their fate.
type MessagesResult struct {
	Counts
	Loss
	// SentPerSec and DeliveredPerSec are over the steady window.
	SentPerSec      float64 `json:"sent_per_sec"`
	DeliveredPerSec float64 `json:"delivered_per_sec"`
}

// WSResult counts socket events.
type WSResult struct {
	Connects        int64            `json:"connects"`
	ConnectFailures int64            `json:"connect_failures"`
	Drops           int64            `json:"unplanned_reconnects"`
	Planned         int64            `json:"planned_reconnects"`
	GapResumes      int64            `json:"gap_resumes"`
	ServerErrors    map[string]int64 `json:"server_errors,omitempty"`
}

// ServerResult is the server's cost over the steady window.
type ServerResult struct {
	CPUCores      float64 `json:"cpu_cores"` // CPU seconds per second
	RSSBeforeMB   float64 `json:"rss_before_mb"`
	RSSEndMB      float64 `json:"rss_end_mb"`
	RSSPeakMB     float64 `json:"rss_peak_mb"`
	RSSPerConnKB  float64 `json:"rss_per_conn_kb"` // (end - before) / sockets
	WSConnections float64 `json:"ws_connections,omitempty"`
	// CacheHitRate is the share of lookups answered without the store;
	// -1 when the server exports no cache metrics.
	CacheHitRate float64               `json:"cache_hit_rate"`
	CacheLevels  map[string]CacheLevel `json:"cache_levels,omitempty"`
	Source       string                `json:"source"` // "proc" or "metrics"
	Profile      string                `json:"cpu_profile,omitempty"`
	// Stages is the send path's latency by stage over the steady phase,
	// in the order a send passes them, when the server exports it.
	Stages []StageLatency `json:"send_stages,omitempty"`
}

// StageLatency is one send-path stage over the steady phase, in
// milliseconds (interpolated within the server's histogram buckets).
type StageLatency struct {
	Stage  string  `json:"stage"`
	Count  uint64  `json:"count"`
	MeanMS float64 `json:"mean_ms"`
	P50MS  float64 `json:"p50_ms"`
	P99MS  float64 `json:"p99_ms"`
	P999MS float64 `json:"p999_ms"`
}

// CacheLevel counts one cache level's lookups over the run.
type CacheLevel struct {
	Hits    float64 `json:"hits"`
	Misses  float64 `json:"misses"`
	HitRate float64 `json:"hit_rate"`
}

// LoadGenResult is the simulator's own cost, to tell who ran out of CPU.
type LoadGenResult struct {
	CPUCores float64 `json:"cpu_cores"`
	RSSMB    float64 `json:"rss_mb"`
}

// SearchResult is the outcome of a --max-users search.
type SearchResult struct {
	Sustained int          `json:"sustained_users"`
	Steps     []SearchStep `json:"steps"`
	StoppedBy string       `json:"stopped_by"`
}

// SearchStep is one step of the search.
type SearchStep struct {
	Users       int     `json:"users"`
	Connected   int64   `json:"connected"`
	DeliveryP99 float64 `json:"delivery_p99_ms"`
	HTTPP99     float64 `json:"http_p99_ms"`
	ErrorRate   float64 `json:"http_error_rate"`
	OK          bool    `json:"ok"`
}

// SLOCheck is one limit and the measured value.
type SLOCheck struct {
	Name  string  `json:"name"`
	Limit float64 `json:"limit"`
	Value float64 `json:"value"`
	OK    bool    `json:"ok"`
}

// judge fills SLO, Pass and Failures.
func (r *Result) judge(slo SLO) {
	add := func(name string, limit, value float64) {
		ok := value <= limit
		r.SLO = append(r.SLO, SLOCheck{Name: name, Limit: limit, Value: value, OK: ok})
		if !ok {
			r.Failures = append(r.Failures, fmt.Sprintf("%s: %g > %g", name, value, limit))
		}
	}
	add("lost", 0, float64(r.Messages.Lost))
	add("duplicated", 0, float64(r.Messages.Duplicated))
	add("out_of_order", 0, float64(r.Messages.OutOfOrder))
	if slo.DeliveryP99 > 0 {
		add("delivery_p99_ms", ms(slo.DeliveryP99), r.Delivery.P99)
	}
	if slo.HTTPP99 > 0 {
		add("http_action_p99_ms", ms(slo.HTTPP99), r.HTTP.ActionLatency.P99)
	}
	add("http_error_rate", slo.HTTPErrorRate, r.HTTP.ErrorRate)
	if r.Users.Ready == 0 {
		r.Failures = append(r.Failures, "no user got a live socket")
	}
	if r.Messages.Acked == 0 {
		r.Failures = append(r.Failures, "no message was acked")
	}
	r.Pass = len(r.Failures) == 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
