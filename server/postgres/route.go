package postgres

import (
	"context"
	"reflect"

	"github.com/parleychat/parley/server/chat"
)

// selectRouted runs a read that may go to the read replica: there when the
// context's freshness allows it (see lagTracker), else on the primary. A
// read that fails on the replica is asked again of the primary, so a
// replica going away costs latency, not errors. lag is what a context that
// says nothing allows; users are the people whose own writes the answer
// must show, besides the one the context names.
func (s *Store) selectRouted(ctx context.Context, lag bool, users []int64, dest any, query string, args ...any) error {
	return s.selectChecked(ctx, routed{lag: lag, users: users}, dest, query, args...)
}

// routed says how a read may use the replica.
type routed struct {
	lag   bool
	users []int64
	// replicaQuery and replicaArgs, when set, replace the query on the
	// replica (one that also checks the replica is new enough).
	replicaQuery string
	replicaArgs  []any
	// complete, when set, must accept the replica's answer, or it is read
	// again from the primary: an answer that is merely old is fine, one
	// that cannot be right is not.
	complete func() bool
}

// selectChecked is selectRouted with the checks r describes.
func (s *Store) selectChecked(ctx context.Context, r routed, dest any, query string, args ...any) error {
	lag, users, complete := r.lag, r.users, r.complete
	t := s.lag
	if t == nil {
		s.primaryReads.Add(1)
		return s.primary.SelectContext(ctx, dest, query, args...)
	}
	f := chat.ReadFreshness(ctx)
	if lag && f == (chat.Freshness{}) {
		f.Lag = true
	}
	if !t.fresh(f, users...) {
		s.primaryReads.Add(1)
		return s.primary.SelectContext(ctx, dest, query, args...)
	}
	rq, ra := query, args
	if r.replicaQuery != "" {
		rq, ra = r.replicaQuery, r.replicaArgs
	}
	err := s.replica.SelectContext(ctx, dest, rq, ra...)
	if err == nil && (complete == nil || complete()) {
		s.replicaReads.Add(1)
		return nil
	}
	if ctx.Err() != nil {
		return err
	}
	if err != nil {
		s.fallbacks.Add(1)
	}
	s.primaryReads.Add(1)
	// sqlx appends to the slice: drop what the failed read left.
	if v := reflect.ValueOf(dest).Elem(); v.Kind() == reflect.Slice {
		v.Set(v.Slice(0, 0))
	}
	return s.primary.SelectContext(ctx, dest, query, args...)
}

// wrote keeps the reads of users (and of the context's actor) on the
// primary until the replica has replayed what they just wrote. It must run
// after the commit and before the writer is answered.
func (s *Store) wrote(ctx context.Context, users ...int64) {
	if s.lag == nil {
		return
	}
	s.lag.wrote(append(users, chat.Actor(ctx))...)
}

// ReplicaStats reports the read replica's lag and where the reads that
// could use it went.
func (s *Store) ReplicaStats() ReplicaStats {
	var st ReplicaStats
	if s.lag != nil {
		st = s.lag.stats()
	}
	st.ReplicaReads, st.PrimaryReads, st.Fallbacks = s.replicaReads.Load(), s.primaryReads.Load(), s.fallbacks.Load()
	return st
}
