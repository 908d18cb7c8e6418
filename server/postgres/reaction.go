package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

var _ chat.ReactionStore = (*Store)(nil)

// AddReaction records userID's emoji on a message. Concurrent changes are
// committed in batches by the store's reaction committer (see react).
func (s *Store) AddReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	return s.react(ctx, roomID, seq, userID, emoji, true)
}

// RemoveReaction removes userID's emoji from a message, through the same
// committer.
func (s *Store) RemoveReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	return s.react(ctx, roomID, seq, userID, emoji, false)
}

// Reactions returns the reactions of a range of a room's messages with Me
// set for viewerID, in one query over the primary key's index.
func (s *Store) Reactions(ctx context.Context, roomID, viewerID, from, to int64) (map[int64][]chat.Reaction, error) {
	var rows []struct {
		Seq int64 `db:"seq"`
		chat.Reaction
	}
	err := s.primary.SelectContext(ctx, &rows, `
		SELECT r.seq, r.emoji, count(*) AS count, bool_or(r.user_id = $4) AS me
		FROM reactions r JOIN messages m ON m.room_id = r.room_id AND m.seq = r.seq AND NOT m.deleted
		WHERE r.room_id = $1 AND r.seq BETWEEN $2 AND $3
		GROUP BY r.seq, r.emoji
		ORDER BY r.seq, min(r.created_at), r.emoji`, roomID, from, to, viewerID)
	if err != nil {
		return nil, failed("reactions", err)
	}
	out := make(map[int64][]chat.Reaction)
	for _, r := range rows {
		out[r.Seq] = append(out[r.Seq], r.Reaction)
	}
	return out, nil
}

// ReactionCounts returns the reactions of a range of a room's messages
// without Me: the part every viewer shares.
func (s *Store) ReactionCounts(ctx context.Context, roomID, from, to int64) (map[int64][]chat.Reaction, error) {
	return s.Reactions(ctx, roomID, 0, from, to)
}

// UserReactions returns the emoji userID chose on a range of a room's
// messages, by seq.
func (s *Store) UserReactions(ctx context.Context, roomID, userID, from, to int64) (map[int64][]string, error) {
	var rows []struct {
		Seq   int64  `db:"seq"`
		Emoji string `db:"emoji"`
	}
	err := s.primary.SelectContext(ctx, &rows, `
		SELECT seq, emoji FROM reactions
		WHERE user_id = $1 AND room_id = $2 AND seq BETWEEN $3 AND $4
		ORDER BY seq, emoji`, userID, roomID, from, to)
	if err != nil {
		return nil, failed("user reactions", err)
	}
	out := make(map[int64][]string)
	for _, r := range rows {
		out[r.Seq] = append(out[r.Seq], r.Emoji)
	}
	return out, nil
}

// ReactionsVersion digests the reactions of a range of a room's messages:
// their number and the sum of a hash of each (seq, emoji, person), one
// index range read. The viewer's "me" is part of what it covers. It is
// what a conditional read costs without a cache in front.
func (s *Store) ReactionsVersion(ctx context.Context, roomID, _, from, to int64) (string, error) {
	if from > to {
		return "-", nil
	}
	var v string
	err := s.primary.GetContext(ctx, &v, `
		SELECT count(*) || '.' || coalesce(sum(hashtextextended(seq || ' ' || emoji || ' ' || user_id, 0)), 0)
		FROM reactions WHERE room_id = $1 AND seq BETWEEN $2 AND $3`, roomID, from, to)
	if err != nil {
		return "", failed("reactions version", err)
	}
	return v, nil
}
