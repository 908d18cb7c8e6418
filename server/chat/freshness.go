package chat

import (
	"context"
	"time"
)

// Freshness is what a read asks of the data it gets, so that a store with
// a read replica knows when the replica's lag is acceptable. The zero value
// asks for the primary: whoever reads without saying more (access checks,
// the real-time layer's replays) sees every commit.
type Freshness struct {
	// Lag allows a lagging copy, as long as User's own writes show.
	Lag bool
	// User is the person the read serves; 0 for nobody in particular.
	User int64
	// AsOf, when set, asks for every commit finished before it, whoever made
	// it; it overrides Lag. A shared cache fills with it, since what it
	// stores is read by everybody.
	AsOf time.Time
}

type freshnessKey struct{}

type actorKey struct{}

// ReadsMayLag marks ctx's reads as serving userID's screen: they may come
// from a read replica behind the primary, but never one missing userID's
// own writes.
func ReadsMayLag(ctx context.Context, userID int64) context.Context {
	return context.WithValue(ctx, freshnessKey{}, Freshness{Lag: true, User: userID})
}

// FreshAsOf marks ctx's reads as needing every commit finished before t.
func FreshAsOf(ctx context.Context, t time.Time) context.Context {
	f := ReadFreshness(ctx)
	f.AsOf = t
	return context.WithValue(ctx, freshnessKey{}, f)
}

// ReadFreshness returns what ctx's reads ask for.
func ReadFreshness(ctx context.Context) Freshness {
	f, _ := ctx.Value(freshnessKey{}).(Freshness)
	return f
}

// WithActor names the user on whose behalf ctx's writes are made, for
// writes whose arguments do not say (an owner deleting someone's message),
// so that the store can keep that user's later reads fresh.
func WithActor(ctx context.Context, userID int64) context.Context {
	return context.WithValue(ctx, actorKey{}, userID)
}

// Actor returns the user WithActor named, or 0.
func Actor(ctx context.Context) int64 {
	id, _ := ctx.Value(actorKey{}).(int64)
	return id
}

type roomSeenKey struct{}

// roomSeen is the state of a room that a read's answer must not be older
// than.
type roomSeen struct{ id, lastSeq, rev int64 }

// SeenRoom says that the caller has already seen room r as it is: a read
// of its history from a lagging copy must be at least that new (its
// last_seq and rev), or the answer would contradict what the caller was
// told (an ETag built from r, a seq it heard of).
func SeenRoom(ctx context.Context, r *Room) context.Context {
	return context.WithValue(ctx, roomSeenKey{}, roomSeen{r.ID, r.LastSeq, r.Rev})
}

// RoomSeen returns what SeenRoom recorded for room id.
func RoomSeen(ctx context.Context, id int64) (lastSeq, rev int64, ok bool) {
	r, ok := ctx.Value(roomSeenKey{}).(roomSeen)
	if !ok || r.id != id {
		return 0, 0, false
	}
	return r.lastSeq, r.rev, true
}
