package app

import (
	"runtime"
	"time"

	"github.com/parleychat/parley/server/admission"
)

// HashAdmission bounds password hashing (sign-up and sign-in): Workers
// hashes run at once, Queue more wait at most Wait for one of them, and
// everybody else is refused at once with unavailable and RetryAfter (1s
// when zero). A hash is a core's worth of CPU for tens of milliseconds, so a storm of
// sign-ins past what the cores can hash would otherwise queue until every
// request timed out.
type HashAdmission struct {
	Workers    int
	Queue      int
	Wait       time.Duration
	RetryAfter time.Duration
}

// DefaultHashAdmission gives hashing half the CPU (GOMAXPROCS/2, at least
// one worker) with a queue of eight per worker. Half, because a sign-in
// storm must not take the cores that the people already connected need
// for their messages: the storm waits longer, the conversation does not.
// With hashes of ~30 ms a queued caller waits about a quarter of a second,
// far under the one-second bound unless the box is starved, and the
// workers have work between the waves of retries that refused clients
// send.
func DefaultHashAdmission() HashAdmission {
	n := max(1, runtime.GOMAXPROCS(0)/2)
	return HashAdmission{Workers: n, Queue: 8 * n, Wait: time.Second, RetryAfter: admission.DefaultRetryAfter}
}

// PasswordGate is the admission gate of password hashing, for metrics.
func (a *App) PasswordGate() *admission.Gate { return a.passwords.gate }
