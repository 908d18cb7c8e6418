package postgres

import (
	"context"
	"slices"

	"github.com/parleychat/parley/server/chat"
)

// messageColumns are the columns of chat.Message with its author, for a
// query over messages m joined to users u.
const messageColumns = `m.id, m.room_id, m.seq, m.body, m.client_id, m.created_at, m.edited_at, m.deleted,
	` + replyColumns + `,
	u.id AS "user.id", u.username AS "user.username", u.display_name AS "user.display_name"`

// ListMessages returns a page of a room's history in ascending seq order
// and whether more exist in the page's direction (older for the newest page
// and BeforeSeq, newer for AfterSeq). It reads the replica only when ctx
// allows it (chat.ReadsMayLag, chat.FreshAsOf). Every page is a keyset range on the
// (room_id, seq) index, so a page deep in history costs what the newest
// does. Limit is clamped to 1..chat.PageMaxLimit; zero means
// chat.PageDefaultLimit.
func (s *Store) ListMessages(ctx context.Context, roomID int64, p chat.Page) ([]chat.Message, bool, error) {
	switch {
	case p.BeforeSeq < 0:
		return nil, false, chat.Invalid("before_seq", "before_seq must not be negative.")
	case p.AfterSeq < 0:
		return nil, false, chat.Invalid("after_seq", "after_seq must not be negative.")
	case p.BeforeSeq != 0 && p.AfterSeq != 0:
		return nil, false, chat.Invalid("before_seq", "Use before_seq or after_seq, not both.")
	}
	limit := p.Limit
	switch {
	case limit == 0:
		limit = chat.PageDefaultLimit
	case limit < 1:
		limit = 1
	case limit > chat.PageMaxLimit:
		limit = chat.PageMaxLimit
	}
	var where, order string
	var cursor int64
	switch {
	case p.AfterSeq != 0:
		where, order = `m.seq > $2`, `ORDER BY m.seq ASC LIMIT $3`
		cursor = p.AfterSeq
	case p.BeforeSeq != 0:
		where, order = `m.seq < $2`, `ORDER BY m.seq DESC LIMIT $3`
		cursor = p.BeforeSeq
	default:
		// No cursor: every seq is below the maximum.
		where, order = `m.seq < $2`, `ORDER BY m.seq DESC LIMIT $3`
		cursor = 1<<63 - 1
	}
	msgs := []chat.Message{}
	const head = `SELECT ` + messageColumns + ` FROM messages m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 AND `
	// One row more than asked tells whether the direction has more.
	r := routed{replicaQuery: head + where + ` ` + order}
	args := []any{roomID, cursor, limit + 1}
	r.replicaArgs = args
	if lastSeq, rev, ok := chat.RoomSeen(ctx, roomID); ok {
		// The caller has seen the room at (lastSeq, rev): a replica that
		// has not replayed that far answers nothing (one snapshot for the
		// guard and the page), and the primary answers instead.
		r.replicaQuery = head + where + ` AND EXISTS (SELECT 1 FROM rooms r
			WHERE r.id = $1 AND r.last_seq >= $4 AND r.rev >= $5) ` + order
		r.replicaArgs = []any{roomID, cursor, limit + 1, lastSeq, rev}
		r.complete = func() bool { return len(msgs) > 0 || lastSeq == 0 }
	} else {
		// Seqs have no gaps and messages are never removed, so a page
		// before a seq the caller has seen must reach up to it: a replica
		// that has not replayed that far would leave a hole in the
		// caller's history.
		r.complete = func() bool {
			return p.BeforeSeq <= 1 || (len(msgs) > 0 && msgs[0].Seq == p.BeforeSeq-1)
		}
	}
	err := s.selectChecked(ctx, r, &msgs, head+where+` `+order, args...)
	if err != nil {
		return nil, false, wrap(err, "list messages", "Room not found.")
	}
	hasMore := len(msgs) > limit
	if hasMore {
		msgs = msgs[:limit]
	}
	if p.AfterSeq == 0 {
		slices.Reverse(msgs)
	}
	return msgs, hasMore, nil
}

// CommittedMessages returns a room's messages with afterSeq < seq ≤ upToSeq
// in seq order, at most chat.PageMaxLimit, from the primary.
func (s *Store) CommittedMessages(ctx context.Context, roomID, afterSeq, upToSeq int64) ([]chat.Message, error) {
	msgs := []chat.Message{}
	if upToSeq <= afterSeq {
		return msgs, nil
	}
	err := s.primary.SelectContext(ctx, &msgs, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.seq > $2 AND m.seq <= $3 ORDER BY m.seq ASC LIMIT $4`,
		roomID, afterSeq, upToSeq, chat.PageMaxLimit)
	if err != nil {
		return nil, wrap(err, "committed messages", "Room not found.")
	}
	return msgs, nil
}

// FindMessage returns one message; ENOTFOUND if none.
func (s *Store) FindMessage(ctx context.Context, roomID, seq int64) (*chat.Message, error) {
	var m chat.Message
	err := s.primary.GetContext(ctx, &m, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.seq = $2`, roomID, seq)
	if err != nil {
		return nil, wrap(err, "find message", "Message not found.")
	}
	return &m, nil
}

// EditMessage replaces the body of a message, sets EditedAt and bumps the
// room's rev in one transaction. ENOTFOUND if none, EINVALID if deleted.
func (s *Store) EditMessage(ctx context.Context, roomID, seq int64, body string) (*chat.Message, error) {
	if err := validateBody(body); err != nil {
		return nil, err
	}
	return s.changeMessage(ctx, roomID, seq, func(tx txExecer, m *chat.Message) (bool, error) {
		if m.Deleted {
			return false, chat.Invalid("seq", "A deleted message cannot be edited.")
		}
		err := tx.GetContext(ctx, m, `
			WITH m AS (
				UPDATE messages SET body = $3, edited_at = now()
				WHERE room_id = $1 AND seq = $2
				RETURNING *)
			SELECT `+messageColumns+` FROM m JOIN users u ON u.id = m.user_id`, roomID, seq, body)
		return true, err
	})
}

// DeleteMessage soft-deletes a message (empty body, Deleted) and bumps the
// room's rev in one transaction; the mentions it made stop counting.
// Deleting a deleted message changes nothing and returns it. ENOTFOUND if
// none.
func (s *Store) DeleteMessage(ctx context.Context, roomID, seq int64) (*chat.Message, error) {
	return s.changeMessage(ctx, roomID, seq, func(tx txExecer, m *chat.Message) (bool, error) {
		if m.Deleted {
			return false, nil
		}
		err := tx.GetContext(ctx, m, `
			WITH m AS (
				UPDATE messages SET body = '', deleted = true
				WHERE room_id = $1 AND seq = $2
				RETURNING *
			), dm AS (
				DELETE FROM mentions WHERE room_id = $1 AND seq = $2
			), drm AS (
				DELETE FROM room_mentions WHERE room_id = $1 AND seq = $2)
			SELECT `+messageColumns+` FROM m JOIN users u ON u.id = m.user_id`, roomID, seq)
		return true, err
	})
}

// txExecer is the part of a transaction that changeMessage hands on.
type txExecer interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

// changeMessage locks the room row first (the same order as a send), then
// loads the message and applies change; if change reports a change, the
// room's rev is bumped in the same transaction.
func (s *Store) changeMessage(ctx context.Context, roomID, seq int64, change func(txExecer, *chat.Message) (bool, error)) (*chat.Message, error) {
	// The author and whoever acts (an owner deleting) must see the change.
	var author int64
	defer func() { s.wrote(ctx, author) }()
	tx, err := s.primary.BeginTxx(ctx, nil)
	if err != nil {
		return nil, failed("change message: begin", err)
	}
	defer tx.Rollback()
	var rev int64
	if err := tx.GetContext(ctx, &rev, `SELECT rev FROM rooms WHERE id = $1 FOR NO KEY UPDATE`, roomID); err != nil {
		return nil, wrap(err, "lock room", "Message not found.")
	}
	var m chat.Message
	err = tx.GetContext(ctx, &m, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.seq = $2`, roomID, seq)
	if err != nil {
		return nil, wrap(err, "find message", "Message not found.")
	}
	author = m.User.ID
	changed, err := change(tx, &m)
	if err != nil {
		return nil, wrap(err, "update message", "Message not found.")
	}
	if !changed {
		return &m, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rooms SET rev = rev + 1 WHERE id = $1`, roomID); err != nil {
		return nil, failed("bump room rev", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, failed("change message: commit", err)
	}
	return &m, nil
}
