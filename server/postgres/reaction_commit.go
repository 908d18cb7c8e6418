package postgres

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
)

// reactionReq is one reaction change waiting for the reaction committer.
type reactionReq struct {
	ctx             context.Context
	room, seq, user int64
	emoji           string
	add             bool
	done            chan reactionResult // buffered: the committer never blocks on a caller
}

type reactionResult struct {
	changed bool
	err     error
}

// Bounds of the reaction committer.
const (
	// reactionQueue is how many changes may wait; past it a change is
	// refused with unavailable, and the client, whose PUT or DELETE is
	// idempotent, tries again.
	reactionQueue = 4096
	// maxReactionBatch caps the changes one statement applies.
	maxReactionBatch = 512
)

// react queues one change and waits for its outcome. Changes are applied
// by one committer goroutine per store: one that finds it idle is applied
// at once, and those that arrive while a batch is in flight form the next
// batch, one statement (parley_react) for all of them. So a burst of
// reactions takes one of the primary pool's connections, never the
// committers of sends, and costs a round trip per batch rather than per
// reaction. As with sends, the outcome is awaited even once ctx has ended:
// the change may be committing, and the caller must not move on (and
// announce nothing) before it knows.
func (s *Store) react(ctx context.Context, roomID, seq, userID int64, emoji string, add bool) (bool, error) {
	if err := chat.ValidateEmoji(emoji); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	req := &reactionReq{ctx: ctx, room: roomID, seq: seq, user: userID, emoji: emoji, add: add, done: make(chan reactionResult, 1)}
	if err := s.enqueueReaction(req); err != nil {
		return false, err
	}
	r := <-req.done
	return r.changed, r.err
}

func (s *Store) enqueueReaction(req *reactionReq) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return chat.Errorf(chat.EUNAVAILABLE, "The message store is shutting down.")
	}
	select {
	case s.reactq <- req:
		return nil
	default:
		s.reactionsRefused.Add(1)
		return chat.Unavailable(queueFullRetry, "Too many reactions at once; try again in a moment.")
	}
}

// reactionLoop is the reaction committer. It returns once the queue is
// closed and drained.
func (s *Store) reactionLoop() {
	defer s.wg.Done()
	batch := make([]*reactionReq, 0, maxReactionBatch)
	for first := range s.reactq {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxReactionBatch {
			select {
			case req, ok := <-s.reactq:
				if !ok {
					break fill
				}
				batch = append(batch, req)
			default:
				break fill
			}
		}
		s.commitReactions(batch)
		clear(batch)
	}
}

// commitReactions applies a batch in one statement and answers each
// caller; a change whose caller gave up before the batch was taken is
// answered at once and not applied.
func (s *Store) commitReactions(batch []*reactionReq) {
	live := batch[:0:0]
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.done <- reactionResult{err: err}
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	n := len(live)
	rooms, seqs, users := make([]int64, n), make([]int64, n), make([]int64, n)
	emojis, adds := make([]string, n), make([]bool, n)
	for i, r := range live {
		rooms[i], seqs[i], users[i], emojis[i], adds[i] = r.room, r.seq, r.user, r.emoji, r.add
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	var statuses pq.StringArray
	err := s.primary.GetContext(ctx, &statuses, `SELECT parley_react($1, $2, $3, $4, $5, $6)`,
		pq.Array(rooms), pq.Array(seqs), pq.Array(emojis), pq.Array(users), pq.Array(adds), chat.MaxReactionEmoji)
	s.reactionBatches.Add(1)
	s.reactionChanges.Add(uint64(n))
	if err == nil && len(statuses) != n {
		err = fmt.Errorf("%d statuses for %d changes", len(statuses), n)
	}
	// Whoever reacted must read their own change, from any replica.
	s.wrote(context.Background(), users...)
	for i, r := range live {
		if err != nil {
			r.done <- reactionResult{err: failed("react", err)}
			continue
		}
		r.done <- reactionOutcome(statuses[i])
	}
}

func reactionOutcome(status string) reactionResult {
	switch status {
	case "added", "removed":
		return reactionResult{changed: true}
	case "unchanged":
		return reactionResult{}
	case "not_found":
		return reactionResult{err: chat.Errorf(chat.ENOTFOUND, "Message not found.")}
	case "deleted":
		return reactionResult{err: chat.Errorf(chat.ECONFLICT, "That message was deleted.")}
	case "full":
		return reactionResult{err: chat.Errorf(chat.ECONFLICT, "This message already has %d different reactions; add to one of them.", chat.MaxReactionEmoji)}
	}
	return reactionResult{err: fmt.Errorf("postgres: react: unexpected status %q", status)}
}

// ReactionStats counts the work of the reaction committer since NewStore.
type ReactionStats struct {
	// Batches is how many statements applied reaction changes, Changes
	// how many changes they carried, Refused how many were refused for a
	// full queue.
	Batches, Changes, Refused uint64
}

// ReactionStats reports how well reaction changes are being grouped.
func (s *Store) ReactionStats() ReactionStats {
	return ReactionStats{Batches: s.reactionBatches.Load(), Changes: s.reactionChanges.Load(), Refused: s.reactionsRefused.Load()}
}
