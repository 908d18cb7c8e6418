// Package admission bounds how much expensive work a replica takes on at
// once. A Gate lets a fixed number of callers work, a short queue wait for
// a bounded time, and refuses everybody else at once with `unavailable` and
// a retry hint: under a storm a replica answers quickly, yes or "come back
// later", instead of queueing work until its callers time out.
package admission

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// Reasons a Gate refuses a caller, as counted in its Stats and metrics.
const (
	// ReasonQueueFull: every slot was busy and the queue was full.
	ReasonQueueFull = "queue_full"
	// ReasonQueueWait: the caller waited in the queue for the longest
	// allowed without getting a slot.
	ReasonQueueWait = "queue_wait"
)

// DefaultRetryAfter is the retry hint of a refusal unless configured: a
// slot frees within milliseconds, so one second (HTTP's smallest
// Retry-After) plus the client's jitter spreads the retries enough.
const DefaultRetryAfter = time.Second

// Options configure a Gate.
type Options struct {
	// Name labels the gate in metrics ("password", "ws_connect").
	Name string
	// Slots is how many callers may hold the gate at once (at least 1).
	Slots int
	// Queue is how many callers may wait for a slot; those past it are
	// refused at once. Zero: nobody waits.
	Queue int
	// Wait is the longest a queued caller waits before it is refused.
	Wait time.Duration
	// RetryAfter is the hint a refusal carries; DefaultRetryAfter if zero.
	RetryAfter time.Duration
	// Message is the refusal's text for people.
	Message string
}

// Gate is a counting semaphore with a bounded, time-limited queue.
type Gate struct {
	o       Options
	slots   chan struct{}
	waiting atomic.Int64
	full    atomic.Uint64
	late    atomic.Uint64
}

// New builds a gate; Slots below 1 count as 1 and a negative Queue as 0.
func New(o Options) *Gate {
	o.Slots = max(o.Slots, 1)
	o.Queue = max(o.Queue, 0)
	if o.RetryAfter <= 0 {
		o.RetryAfter = DefaultRetryAfter
	}
	if o.Message == "" {
		o.Message = "The server is busy; try again in a moment."
	}
	return &Gate{o: o, slots: make(chan struct{}, o.Slots)}
}

// Acquire takes a slot, waiting in the queue if there is room in it. A
// refusal is a *chat.Error with code EUNAVAILABLE and a RetryAfter; if ctx
// ends first its error is returned, wrapped. Every nil return must be
// matched by one Release.
func (g *Gate) Acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > int64(g.o.Queue) {
		g.waiting.Add(-1)
		g.full.Add(1)
		return g.refusal()
	}
	defer g.waiting.Add(-1)
	timer := time.NewTimer(g.o.Wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-timer.C:
		g.late.Add(1)
		return g.refusal()
	case <-ctx.Done():
		return fmt.Errorf("admission: wait for %s: %w", g.o.Name, ctx.Err())
	}
}

// Release gives back a slot taken by Acquire.
func (g *Gate) Release() { <-g.slots }

func (g *Gate) refusal() error {
	return chat.Unavailable(g.o.RetryAfter, "%s", g.o.Message)
}

// Name is the gate's label in metrics.
func (g *Gate) Name() string { return g.o.Name }

// Stats is a gate's state and its refusals since it was built.
type Stats struct {
	Slots, Queue    int
	InUse, Waiting  int
	QueueFull, Late uint64
}

// Stats reads the gate's counters; each is exact, together they are a
// moment's approximation.
func (g *Gate) Stats() Stats {
	return Stats{
		Slots: g.o.Slots, Queue: g.o.Queue,
		InUse: len(g.slots), Waiting: int(g.waiting.Load()),
		QueueFull: g.full.Load(), Late: g.late.Load(),
	}
}
