package loadsim

import (
	"math/rand/v2"
	"sync"
	"time"
)

// retriedSendCode says whether a send refused with code is sent again,
// as the web app's outbox does: unavailable (the database or the broker is
// out for a moment) and rate_limited promise nothing was stored, and the
// same client id makes the retry safe.
func retriedSendCode(code string) bool {
	return code == "unavailable" || code == "rate_limited"
}

// sendRetryWait is the wait before a refused send goes again: the
// retry_after the server asked for (1 s when it named none) plus up to a
// second of jitter, so that a crowd refused together does not return
// together.
func sendRetryWait(retryAfter int) time.Duration {
	hint := time.Second
	if retryAfter > 0 {
		hint = time.Duration(min(retryAfter, int(maxHint/time.Second))) * time.Second
	}
	return hint + rand.N(time.Second)
}

// retryLater sends the frame of clientID again after its wait, if it
// still awaits its ack and the run is not ending. A reconnection before
// then sends it anyway with the rest of the outbox.
func (s *socket) retryLater(clientID string, retryAfter int) {
	s.retries.after(clientID, sendRetryWait(retryAfter), func() {
		if s.final.Load() {
			return
		}
		if frame, ok := s.outbox.Load(clientID); ok {
			// A failed write leaves the frame in the outbox, for the
			// reconnection that a failed write implies.
			_ = s.writeRaw(frame.([]byte))
		}
	})
}

// retryTimers owns a socket's pending send retries, so that they stop with
// the socket rather than outlive the run.
type retryTimers struct {
	mu      sync.Mutex
	stopped bool
	timers  map[string]*time.Timer
}

func (t *retryTimers) after(key string, d time.Duration, f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if t.timers == nil {
		t.timers = make(map[string]*time.Timer)
	}
	if old, ok := t.timers[key]; ok {
		old.Stop()
	}
	var timer *time.Timer
	timer = time.AfterFunc(d, func() {
		t.mu.Lock()
		if t.stopped || t.timers[key] != timer {
			t.mu.Unlock()
			return
		}
		delete(t.timers, key)
		t.mu.Unlock()
		f()
	})
	t.timers[key] = timer
}

func (t *retryTimers) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for k, timer := range t.timers {
		timer.Stop()
		delete(t.timers, k)
	}
}
