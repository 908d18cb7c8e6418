package loadsim

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// HTTPStats counts requests per action: latency, status codes, failures
// and how many conditional requests were answered 304.
type HTTPStats struct {
	All      *Histogram
	Actions  *Histogram // requests of the steady model, without sign-up and room setup
	requests atomic.Int64
	failures atomic.Int64
	cond     atomic.Int64 // requests that carried If-None-Match
	notMod   atomic.Int64

	mu      sync.Mutex
	actions map[string]*actionStat
}

type actionStat struct {
	hist     *Histogram
	mu       sync.Mutex
	status   map[string]int64
	failures int64
}

// NewHTTPStats returns empty statistics.
func NewHTTPStats() *HTTPStats {
	return &HTTPStats{All: NewHistogram(), Actions: NewHistogram(), actions: make(map[string]*actionStat)}
}

// setupActions are paid once per user and dominated by password hashing:
// the latency SLO is about what a signed-in person waits for.
var setupActions = map[string]bool{
	"register": true, "login": true, "create_room": true, "join_room": true, "public_rooms": true,
}

func (s *HTTPStats) action(name string) *actionStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.actions[name]
	if a == nil {
		a = &actionStat{hist: NewHistogram(), status: make(map[string]int64)}
		s.actions[name] = a
	}
	return a
}

// Observe records one request of action. status is 0 when the request
// failed before an answer; failed says the outcome was not one the
// action accepts. conditional says If-None-Match was sent.
func (s *HTTPStats) Observe(action string, status int, d time.Duration, failed, conditional bool) {
	s.requests.Add(1)
	s.All.Record(d)
	if !setupActions[action] {
		s.Actions.Record(d)
	}
	if failed {
		s.failures.Add(1)
	}
	if conditional {
		s.cond.Add(1)
		if status == 304 {
			s.notMod.Add(1)
		}
	}
	a := s.action(action)
	a.hist.Record(d)
	key := "transport_error"
	if status > 0 {
		key = strconv.Itoa(status)
	}
	a.mu.Lock()
	a.status[key]++
	if failed {
		a.failures++
	}
	a.mu.Unlock()
}

// Totals returns requests and failures so far.
func (s *HTTPStats) Totals() (requests, failures int64) {
	return s.requests.Load(), s.failures.Load()
}

// ActionResult is one action's line in the report.
type ActionResult struct {
	Action   string           `json:"action"`
	Requests uint64           `json:"requests"`
	Failures int64            `json:"failures"`
	Status   map[string]int64 `json:"status"`
	Latency  LatencySummary   `json:"latency"`
}

// HTTPResult summarises every request of a run.
type HTTPResult struct {
	Requests  int64          `json:"requests"`
	Failures  int64          `json:"failures"`
	ErrorRate float64        `json:"error_rate"`
	Latency   LatencySummary `json:"latency"`
	// ActionLatency leaves out sign-up and room setup.
	ActionLatency LatencySummary `json:"action_latency"`
	Conditional   int64          `json:"conditional_requests"`
	NotModified   int64          `json:"not_modified"`
	// NotModifiedShare is 304s over conditional requests.
	NotModifiedShare float64        `json:"not_modified_share"`
	Actions          []ActionResult `json:"actions"`
}

// Result summarises the statistics.
func (s *HTTPStats) Result() HTTPResult {
	r := HTTPResult{
		Requests: s.requests.Load(), Failures: s.failures.Load(),
		Latency: s.All.Snapshot().Summary(), ActionLatency: s.Actions.Snapshot().Summary(),
		Conditional: s.cond.Load(), NotModified: s.notMod.Load(),
	}
	if r.Requests > 0 {
		r.ErrorRate = float64(r.Failures) / float64(r.Requests)
	}
	if r.Conditional > 0 {
		r.NotModifiedShare = round3(float64(r.NotModified) / float64(r.Conditional))
	}
	s.mu.Lock()
	names := make([]string, 0, len(s.actions))
	for n := range s.actions {
		names = append(names, n)
	}
	s.mu.Unlock()
	slices.Sort(names)
	for _, n := range names {
		a := s.action(n)
		a.mu.Lock()
		st := make(map[string]int64, len(a.status))
		for k, v := range a.status {
			st[k] = v
		}
		fails := a.failures
		a.mu.Unlock()
		snap := a.hist.Snapshot()
		r.Actions = append(r.Actions, ActionResult{
			Action: n, Requests: snap.N, Failures: fails, Status: st, Latency: snap.Summary(),
		})
	}
	return r
}
