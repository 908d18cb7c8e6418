package stats

import (
	"sync"
	"time"
)

// SlowThreshold is the duration past which a request is listed as slow.
const SlowThreshold = 500 * time.Millisecond

// slowWindow is how far back the list goes, and slowCap how many it holds
// at most, so that a storm of failures costs a bounded amount of memory.
const (
	slowWindow = time.Minute
	slowCap    = 256
)

// SlowLog keeps the last minute of slow or failed requests in a ring.
type SlowLog struct {
	mu   sync.Mutex
	ring [slowCap]SlowRequest
	next int
	n    int
}

// Observe is the web layer's hook for every request; only those slower
// than SlowThreshold or answering 5xx are kept, so the common case takes
// no lock.
func (l *SlowLog) Observe(method, route string, status int, d time.Duration) {
	if d <= SlowThreshold && status < 500 {
		return
	}
	r := SlowRequest{At: time.Now().UTC(), Method: method, Route: route, Status: status, Ms: float64(d) / float64(time.Millisecond)}
	l.mu.Lock()
	l.ring[l.next] = r
	l.next = (l.next + 1) % slowCap
	l.n = min(l.n+1, slowCap)
	l.mu.Unlock()
}

// Recent returns the requests kept since now minus a minute, oldest first.
func (l *SlowLog) Recent(now time.Time) []SlowRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]SlowRequest, 0, l.n)
	for i := 0; i < l.n; i++ {
		r := l.ring[(l.next-l.n+i+slowCap)%slowCap]
		if now.Sub(r.At) <= slowWindow {
			out = append(out, r)
		}
	}
	return out
}
