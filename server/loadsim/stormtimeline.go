package loadsim

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// timeline counts a storm's outcomes per second since it began: each HTTP
// answer as "<action> <status>" ("register 503", "login 0" for a transport
// error), each socket connect attempt as "ws <outcome>" ("ws ready", "ws
// 1013 server busy"), and each user's arrival as "arrival".
type timeline struct {
	start time.Time
	mu    sync.Mutex
	secs  []map[string]int64
}

func newTimeline(start time.Time) *timeline { return &timeline{start: start} }

func (t *timeline) note(at time.Time, what string) {
	sec := max(int(at.Sub(t.start)/time.Second), 0)
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.secs) <= sec {
		t.secs = append(t.secs, make(map[string]int64))
	}
	t.secs[sec][what]++
}

func (t *timeline) http(action string, status int) {
	t.note(time.Now(), action+" "+strconv.Itoa(status))
}

// StormSecond is one second of a storm, counted by kind of outcome.
type StormSecond struct {
	Second   int   `json:"second"`
	Arrivals int64 `json:"arrivals"`
	// SignedIn counts accepted sign-ups and sign-ins (201, 200).
	SignedIn int64 `json:"signed_in"`
	// Refused counts answers that said "come back later": HTTP 503 and
	// 429, socket closes 1013 with retry_after, 503 handshakes.
	Refused int64 `json:"refused"`
	// Errors counts every other failure: transport errors, other 5xx and
	// 4xx, sockets closed for another reason.
	Errors int64 `json:"errors"`
	// Ready counts users whose socket reached ready this second;
	// ReadyTotal since the storm began.
	Ready      int64 `json:"ready"`
	ReadyTotal int64 `json:"ready_total"`
	// Reasons holds every outcome of the second by name.
	Reasons map[string]int64 `json:"reasons"`
}

// seconds summarises the timeline, and totals every outcome by name.
func (t *timeline) seconds() ([]StormSecond, map[string]int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]StormSecond, 0, len(t.secs))
	totals := make(map[string]int64)
	var ready int64
	for i, m := range t.secs {
		s := StormSecond{Second: i, Reasons: maps.Clone(m)}
		for what, n := range m {
			totals[what] += n
			switch kind := outcomeKind(what); kind {
			case "arrival":
				s.Arrivals += n
			case "accepted":
				s.SignedIn += n
			case "refused":
				s.Refused += n
			case "ready":
				s.Ready += n
			case "error":
				s.Errors += n
			}
		}
		ready += s.Ready
		s.ReadyTotal = ready
		out = append(out, s)
	}
	return out, totals
}

// outcomeKind sorts an outcome name into the timeline's columns; "" for
// answers that are neither refusals nor errors of the sign-in path (a
// join, a GET).
func outcomeKind(what string) string {
	switch {
	case what == "arrival":
		return "arrival"
	case what == "ws ready":
		return "ready"
	case strings.HasPrefix(what, "ws 1013 "), what == "ws handshake 503", what == "ws handshake 429":
		return "refused"
	case strings.HasPrefix(what, "ws "):
		return "error"
	}
	action, status, _ := strings.Cut(what, " ")
	switch {
	case status == "503" || status == "429":
		return "refused"
	case status == "0" || strings.HasPrefix(status, "5"):
		return "error"
	case (action == "register" && status == "201") || (action == "login" && status == "200"):
		return "accepted"
	case action == "register" && status == "409":
		// The account exists: an earlier attempt created it but was
		// refused at its deadline before answering; the user signs in.
		return ""
	case strings.HasPrefix(status, "4"):
		return "error"
	}
	return ""
}

// sortedReasons lists outcome totals by name, for the report.
func sortedReasons(m map[string]int64) []string {
	return slices.Sorted(maps.Keys(m))
}
