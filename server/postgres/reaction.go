package postgres

import (
	"context"
	"database/sql"

	"github.com/parleychat/parley/server/chat"
)

var _ chat.ReactionStore = (*Store)(nil)

// AddReaction records userID's emoji on a message through
// parley_add_reaction: one round trip when the message already carries
// the emoji, a second (with the message's key held exclusively) when it
// is the first of its kind. Reactions use the primary's pool, never the
// committers' connections, so a burst of them cannot hold up a send.
func (s *Store) AddReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	if err := chat.ValidateEmoji(emoji); err != nil {
		return false, err
	}
	defer s.wrote(ctx, userID)
	for _, exclusive := range []bool{false, true} {
		var status string
		err := s.primary.GetContext(ctx, &status, `SELECT parley_add_reaction($1, $2, $3, $4, $5, $6)`,
			roomID, seq, emoji, userID, chat.MaxReactionEmoji, exclusive)
		if err != nil {
			return false, wrap(err, "add reaction", "Message not found.")
		}
		switch status {
		case "added":
			return true, nil
		case "unchanged":
			return false, nil
		case "not_found":
			return false, errMessageNotFound()
		case "deleted":
			return false, errMessageDeleted()
		case "full":
			return false, chat.Errorf(chat.ECONFLICT, "This message already has %d different reactions; add to one of them.", chat.MaxReactionEmoji)
		case "new_emoji":
			continue
		default:
			return false, failed("add reaction", errUnknownStatus(status))
		}
	}
	return false, failed("add reaction", errUnknownStatus("new_emoji"))
}

// RemoveReaction removes userID's emoji from a message in one statement.
func (s *Store) RemoveReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (bool, error) {
	if err := chat.ValidateEmoji(emoji); err != nil {
		return false, err
	}
	defer s.wrote(ctx, userID)
	var row struct {
		Deleted sql.NullBool `db:"deleted"`
		Removed int64        `db:"removed"`
	}
	err := s.primary.GetContext(ctx, &row, `
		WITH m AS (SELECT deleted FROM messages WHERE room_id = $1 AND seq = $2),
		d AS (
			DELETE FROM reactions
			WHERE room_id = $1 AND seq = $2 AND emoji = $3 AND user_id = $4
			  AND EXISTS (SELECT 1 FROM m WHERE NOT m.deleted)
			RETURNING 1)
		SELECT (SELECT deleted FROM m) AS deleted, (SELECT count(*) FROM d) AS removed`,
		roomID, seq, emoji, userID)
	switch {
	case err != nil:
		return false, wrap(err, "remove reaction", "Message not found.")
	case !row.Deleted.Valid:
		return false, errMessageNotFound()
	case row.Deleted.Bool:
		return false, errMessageDeleted()
	}
	return row.Removed > 0, nil
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

func errMessageNotFound() error { return chat.Errorf(chat.ENOTFOUND, "Message not found.") }

func errMessageDeleted() error { return chat.Errorf(chat.ECONFLICT, "That message was deleted.") }

type errUnknownStatus string

func (e errUnknownStatus) Error() string { return "unexpected status " + string(e) }
