package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

// Defaults of the replica's Options.
const (
	DefaultReplicaPoll   = 25 * time.Millisecond
	DefaultReplicaMaxLag = 5 * time.Second
)

// Bounds of the lag tracker's memory.
const (
	maxPending = 1024    // primary WAL samples waiting for the replica
	maxFloors  = 100_000 // users whose recent writes the replica may miss
	pruneEvery = time.Second
)

// walSample is the primary's WAL write position, read by a query sent at
// time at: every commit that had finished before at lies at or below lsn.
type walSample struct {
	at  time.Time
	lsn int64
}

// lagTracker decides, read by read, whether the read replica is fresh
// enough. Its poller samples the primary's WAL write position and then
// the replica's replay position; once the replica has replayed a sample,
// every commit finished before that sample was taken is visible there. The
// newest such sample time is the horizon. A read needing every commit
// before t may use the replica when horizon ≥ t; a user's floor is the
// moment their last write here returned, so their reads stay on the
// primary until the horizon passes it. Times are this process's monotonic
// clock, so nothing depends on the servers' clocks agreeing.
type lagTracker struct {
	primary, replica *sqlx.DB
	poll, maxLag     time.Duration
	log              *slog.Logger

	mu        sync.Mutex
	pending   []walSample // not yet replayed, oldest first
	horizon   time.Time
	up        bool
	lagBytes  int64
	floors    map[int64]time.Time
	everyone  time.Time // a floor for all, set when floors overflowed
	lastPrune time.Time

	cancel context.CancelFunc
	done   chan struct{}
}

func newLagTracker(primary, replica *sqlx.DB, poll, maxLag time.Duration, log *slog.Logger) *lagTracker {
	if poll <= 0 {
		poll = DefaultReplicaPoll
	}
	if maxLag <= 0 {
		maxLag = DefaultReplicaMaxLag
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &lagTracker{primary: primary, replica: replica, poll: poll, maxLag: maxLag, log: log,
		floors: map[int64]time.Time{}, cancel: cancel, done: make(chan struct{})}
	t.sample(ctx)
	go t.run(ctx)
	return t
}

// stop ends the poller and waits for it.
func (t *lagTracker) stop() {
	t.cancel()
	<-t.done
}

func (t *lagTracker) run(ctx context.Context) {
	defer close(t.done)
	tick := time.NewTicker(t.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.sample(ctx)
		}
	}
}

// sample takes one primary position, then the replica's replay position,
// and moves the horizon. A primary that does not answer moves nothing: the
// reads it would serve fail anyway. A replica that does not answer is down
// until it answers again.
func (t *lagTracker) sample(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, t.poll*4+time.Second)
	defer cancel()
	at := time.Now()
	var p int64
	// The write position: a commit returns once its record is flushed
	// (Parley relies on synchronous_commit being on for durability
	// anyway), so it covers every commit that has returned. The insert
	// position would cover more but can sit a page header past a standby
	// that has replayed everything, so an idle replica would never look
	// caught up.
	if err := t.primary.GetContext(ctx, &p, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint`); err != nil {
		return
	}
	var r int64
	// A read URL that is the primary itself (no recovery) replays nothing
	// and is always current.
	err := t.replica.GetContext(ctx, &r, `SELECT pg_wal_lsn_diff(
		coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()), '0/0')::bigint`)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		if t.up && parent.Err() == nil {
			t.log.Warn("read replica unavailable, reading the primary", "err", err)
		}
		t.up = false
		return
	}
	if !t.up {
		t.log.Info("read replica available")
		t.up = true
	}
	if n := len(t.pending); n > 0 && t.pending[n-1].lsn == p {
		// Nothing committed since: the newer time says more.
		t.pending[n-1].at = at
	} else {
		if n == maxPending {
			t.pending = append(t.pending[:0], t.pending[1:]...)
		}
		t.pending = append(t.pending, walSample{at: at, lsn: p})
	}
	i := 0
	for i < len(t.pending) && t.pending[i].lsn <= r {
		t.horizon = t.pending[i].at
		i++
	}
	t.pending = append(t.pending[:0], t.pending[i:]...)
	t.lagBytes = max(p-r, 0)
	if at.Sub(t.lastPrune) >= pruneEvery {
		t.lastPrune = at
		for u, f := range t.floors {
			if !t.horizon.Before(f) {
				delete(t.floors, u)
			}
		}
	}
}

// wrote records that users' writes have just returned: their reads need
// the replica to have replayed them.
func (t *lagTracker) wrote(users ...int64) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, u := range users {
		if u <= 0 {
			continue
		}
		if len(t.floors) >= maxFloors {
			// Forgetting floors would be unsafe; one floor for everyone is
			// merely strict until the replica passes it.
			clear(t.floors)
			t.everyone = now
		}
		t.floors[u] = now
	}
}

// fresh reports whether a read asking f (for users, besides f.User) may
// use the replica.
func (t *lagTracker) fresh(f chat.Freshness, users ...int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.up {
		return false
	}
	if !f.AsOf.IsZero() {
		return !t.horizon.Before(f.AsOf)
	}
	if !f.Lag || time.Since(t.horizon) > t.maxLag || t.horizon.Before(t.everyone) {
		return false
	}
	for _, u := range append(users, f.User) {
		if fl, ok := t.floors[u]; ok {
			if t.horizon.Before(fl) {
				return false
			}
			delete(t.floors, u)
		}
	}
	return true
}

// ReplicaStats describes the read replica as the last sample saw it.
type ReplicaStats struct {
	// Configured is false without a read replica; Up and the lags are
	// then zero.
	Configured bool
	// Up is whether the replica answered the last sample.
	Up bool
	// LagBytes is how far its replay was behind the primary's WAL.
	LagBytes int64
	// LagSeconds is how old the newest primary position it has replayed is:
	// a commit may take this long to show there (the sampling period at
	// least).
	LagSeconds float64
	// ReplicaReads and PrimaryReads count the reads that could go to the
	// replica by where they went; Fallbacks counts replica reads that
	// failed and were answered by the primary (counted there).
	ReplicaReads, PrimaryReads, Fallbacks uint64
}

func (t *lagTracker) stats() ReplicaStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := ReplicaStats{Configured: true, Up: t.up, LagBytes: t.lagBytes}
	if !t.horizon.IsZero() {
		s.LagSeconds = time.Since(t.horizon).Seconds()
	}
	return s
}
