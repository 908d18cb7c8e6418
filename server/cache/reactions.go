package cache

import (
	"context"
	"slices"

	"github.com/parleychat/parley/server/chat"
)

// ReactionSource is what Stores reads reactions from: the counts every
// viewer shares and each person's own choices, which it caches apart so
// that a history page stays one answer for all members while "me" is the
// caller's own.
type ReactionSource interface {
	chat.ReactionStore
	// ReactionCounts returns the reactions of a range of a room's
	// messages without Me.
	ReactionCounts(ctx context.Context, roomID, from, to int64) (map[int64][]chat.Reaction, error)
	// UserReactions returns the emoji userID chose on a range of a room's
	// messages, by seq.
	UserReactions(ctx context.Context, roomID, userID, from, to int64) (map[int64][]string, error)
}

var _ chat.ReactionStore = (*Stores)(nil)

// reactionBlock is how many seqs share one reaction version. A history
// page holds at most chat.PageMaxLimit messages, so it spans at most two
// blocks: a reaction retires the counts of its own block only, and the
// ETags of the pages that overlap it, never a room list or a message page.
const reactionBlock = chat.PageMaxLimit

func blockOf(seq int64) int64 { return (seq - 1) / reactionBlock }

// blockSpan returns the seqs a block covers.
func blockSpan(b int64) (from, to int64) { return b*reactionBlock + 1, (b + 1) * reactionBlock }

// Version keys of reactions.
func reactionsKey(room, block int64) string { return "v:rx:" + itoa(room) + ":" + itoa(block) }
func userReactionsKey(user, room int64) string {
	return "v:rxu:" + itoa(user) + ":" + itoa(room)
}

// AddReaction adds a reaction, then retires the counts of its message's
// block and the reacting user's own reactions in the room. Nothing else a
// reader sees changes: not the room, its pages, room lists or unread counts.
func (s *Stores) AddReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	changed, err := s.inner.AddReaction(ctx, roomID, seq, userID, emoji)
	if changed || mayHaveCommitted(err) {
		s.bump(ctx, reactionsKey(roomID, blockOf(seq)), userReactionsKey(userID, roomID))
	}
	return changed, err
}

// RemoveReaction removes a reaction and retires what AddReaction does.
func (s *Stores) RemoveReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	changed, err := s.inner.RemoveReaction(ctx, roomID, seq, userID, emoji)
	if changed || mayHaveCommitted(err) {
		s.bump(ctx, reactionsKey(roomID, blockOf(seq)), userReactionsKey(userID, roomID))
	}
	return changed, err
}

// reactionKeys lists the version keys of the blocks [from, to] spans and,
// for a viewer, the viewer's own reactions in the room (last).
func reactionKeys(roomID, viewerID, from, to int64) ([]string, []int64) {
	var keys []string
	var blocks []int64
	for b := blockOf(from); b <= blockOf(to); b++ {
		keys = append(keys, reactionsKey(roomID, b))
		blocks = append(blocks, b)
	}
	if viewerID > 0 {
		keys = append(keys, userReactionsKey(viewerID, roomID))
	}
	return keys, blocks
}

// maxReactionSpan bounds the seqs one call reads through the cache (ten
// blocks); a page never needs more than two, and a longer span is read
// from the store.
const maxReactionSpan = 10 * reactionBlock

// ReactionsVersion is the versions of the blocks [from, to] spans and of
// the viewer's own reactions in the room: one Valkey round trip, no query.
// While the cache is unusable the store's digest stands in.
func (s *Stores) ReactionsVersion(ctx context.Context, roomID, viewerID, from, to int64) (string, error) {
	switch {
	case from < 1 || from > to:
		return "-", nil // no message to react to: the room's version says it all
	case to-from >= maxReactionSpan:
		return s.inner.ReactionsVersion(ctx, roomID, viewerID, from, to)
	}
	keys, _ := reactionKeys(roomID, viewerID, from, to)
	vs, ok := s.versionsIfUsable(ctx, "reactions", keys...)
	if !ok {
		return s.inner.ReactionsVersion(ctx, roomID, viewerID, from, to)
	}
	return "c" + token(vs...), nil
}

// Reactions answers from the cache: the shared counts of each block the
// range spans, keyed by the block's version, and the viewer's own
// reactions in each block, keyed by the viewer's version in the room;
// Me is laid over the counts here, for this caller only.
func (s *Stores) Reactions(ctx context.Context, roomID, viewerID, from, to int64) (map[int64][]chat.Reaction, error) {
	switch {
	case from < 1 || from > to:
		return map[int64][]chat.Reaction{}, nil
	case to-from >= maxReactionSpan:
		return s.inner.Reactions(ctx, roomID, viewerID, from, to)
	}
	keys, blocks := reactionKeys(roomID, viewerID, from, to)
	vs, asOf, ok := s.versionsIfUsableAt(ctx, "reactions", keys...)
	if !ok {
		return s.inner.Reactions(ctx, roomID, viewerID, from, to)
	}
	epoch := vs[0]
	out := make(map[int64][]chat.Reaction)
	for i, b := range blocks {
		bfrom, bto := blockSpan(b)
		counts, err := read(ctx, s, spec[map[int64][]chat.Reaction]{
			kind: "reactions", key: key("reactions", itoa(roomID), itoa(b), token(epoch, vs[1+i])),
			ttl: s.ttl.History, asOf: asOf,
			load: func(ctx context.Context) (map[int64][]chat.Reaction, error) {
				return s.inner.ReactionCounts(ctx, roomID, bfrom, bto)
			},
		})
		if err != nil {
			return nil, err
		}
		var mine map[int64][]string
		if viewerID > 0 && len(counts) > 0 {
			mine, err = read(ctx, s, spec[map[int64][]string]{
				kind: "myreactions", key: key("myreactions", itoa(viewerID), itoa(roomID), itoa(b), token(epoch, vs[len(vs)-1])),
				ttl: s.ttl.Membership, asOf: asOf,
				load: func(ctx context.Context) (map[int64][]string, error) {
					return s.inner.UserReactions(ctx, roomID, viewerID, bfrom, bto)
				},
			})
			if err != nil {
				return nil, err
			}
		}
		for seq, rs := range counts {
			if seq < from || seq > to {
				continue
			}
			for j := range rs {
				rs[j].Me = slices.Contains(mine[seq], rs[j].Emoji)
			}
			out[seq] = rs
		}
	}
	return out, nil
}

// ReactionCounts is Reactions for nobody in particular, from the cache.
func (s *Stores) ReactionCounts(ctx context.Context, roomID, from, to int64) (map[int64][]chat.Reaction, error) {
	return s.Reactions(ctx, roomID, 0, from, to)
}

// UserReactions is not cached on its own: Reactions caches it per block
// for the pages that need it.
func (s *Stores) UserReactions(ctx context.Context, roomID, userID, from, to int64) (map[int64][]string, error) {
	return s.inner.UserReactions(ctx, roomID, userID, from, to)
}
