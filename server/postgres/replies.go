package postgres

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
)

// replyColumns are the reply fields of chat.Message for messages m; a
// message that is not a reply reads 0 for both.
const replyColumns = `coalesce(m.reply_to, 0) AS reply_to, coalesce(m.reply_number, 0) AS reply_number,
	m.reply_count, m.last_reply_at`

// rootsCTE finds, for each reply of a fast batch (k), the thread it joins:
// its parent, or the parent's own parent when it names a reply. A reply
// whose parent is missing or deleted has no row, so it is left out of the
// batch, which then fails its count check and is redone by commitChecked,
// which says why.
const rootsCTE = `t AS (
			SELECT k.ord, coalesce(p.reply_to, p.seq) AS root
			FROM k JOIN messages p ON p.room_id = k.room_id AND p.seq = k.reply_to
			WHERE k.reply_to > 0 AND NOT p.deleted
		)`

// threadsCTE moves each thread root's reply_count and last_reply_at for
// the replies of n (n.root) and returns the count before them, from which
// each reply's reply_number follows. The UPDATE takes the parent's row
// lock and re-reads it as last committed, so concurrent replies, whichever
// replica sends them, count exactly; a root deleted meanwhile is not
// updated, which leaves its replies out as rootsCTE does.
const threadsCTE = `th AS (
			UPDATE messages pm
			SET reply_count = pm.reply_count + x.n, last_reply_at = greatest(pm.last_reply_at, now())
			FROM (SELECT room_id, root, count(*) AS n FROM n WHERE root IS NOT NULL GROUP BY room_id, root) AS x
			WHERE pm.room_id = x.room_id AND pm.seq = x.root AND NOT pm.deleted
			RETURNING pm.room_id, pm.seq, pm.reply_count - x.n AS before
		)`

// parentKey names a message that a send replies to.
type parentKey struct{ room, seq int64 }

// findThreads answers, for every reply of reqs that commitChecked is about
// to insert, which thread it joins (its parent, or its parent's parent)
// or why it may not. It runs under the rooms' locks, which a delete takes
// too, so what it finds holds until the commit.
func findThreads(ctx context.Context, tx *sqlx.Tx, reqs []*sendReq) (map[parentKey]threadOf, error) {
	var rooms, seqs []int64
	for _, r := range reqs {
		if r.msg.ReplyTo > 0 {
			rooms = append(rooms, r.msg.RoomID)
			seqs = append(seqs, r.msg.ReplyTo)
		}
	}
	found := make(map[parentKey]threadOf, len(rooms))
	if len(rooms) == 0 {
		return found, nil
	}
	var rows []struct {
		Room        int64 `db:"room_id"`
		Seq         int64 `db:"seq"`
		Deleted     bool  `db:"deleted"`
		ReplyTo     int64 `db:"reply_to"`
		RootDeleted bool  `db:"root_deleted"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT p.room_id, p.seq, p.deleted, coalesce(p.reply_to, 0) AS reply_to,
		       coalesce(r.deleted, false) AS root_deleted
		FROM unnest($1::bigint[], $2::bigint[]) AS k(room_id, seq)
		JOIN messages p ON p.room_id = k.room_id AND p.seq = k.seq
		LEFT JOIN messages r ON p.reply_to IS NOT NULL AND r.room_id = p.room_id AND r.seq = p.reply_to`,
		pq.Array(rooms), pq.Array(seqs))
	if err != nil {
		return nil, failed("send: find reply parents", err)
	}
	for _, row := range rows {
		t := threadOf{root: row.Seq}
		if row.ReplyTo > 0 {
			t.root = row.ReplyTo
		}
		if row.Deleted || row.RootDeleted {
			t.err = chat.DeletedParent()
		}
		found[parentKey{row.Room, row.Seq}] = t
	}
	return found, nil
}

// threadOf is the thread a reply joins, or why it cannot.
type threadOf struct {
	root int64
	err  error
}

// thread returns the reply_to to store for m (0 for a message that is not
// a reply), or the error that refuses it.
func thread(m chat.NewMessage, threads map[parentKey]threadOf) (int64, error) {
	if m.ReplyTo == 0 {
		return 0, nil
	}
	t, ok := threads[parentKey{m.RoomID, m.ReplyTo}]
	switch {
	case !ok:
		return 0, chat.NoParent()
	case t.err != nil:
		return 0, t.err
	}
	return t.root, nil
}

// ListReplies returns a page of the replies to message seq in ascending
// seq order and whether more exist in the page's direction: without a
// cursor the newest Limit, BeforeSeq older, AfterSeq (or Forward from 0)
// newer. Each page is a keyset range on the partial index (room_id,
// reply_to, seq). It reads the primary unless ctx asks only for commits
// older than the replica's horizon (chat.FreshAsOf, as a cache fill does).
func (s *Store) ListReplies(ctx context.Context, roomID, seq int64, p chat.Page) ([]chat.Message, bool, error) {
	switch {
	case p.BeforeSeq < 0:
		return nil, false, chat.Invalid("before_seq", "before_seq must not be negative.")
	case p.AfterSeq < 0:
		return nil, false, chat.Invalid("after_seq", "after_seq must not be negative.")
	case p.BeforeSeq != 0 && p.AfterSeq != 0:
		return nil, false, chat.Invalid("before_seq", "Use before_seq or after_seq, not both.")
	}
	limit := min(max(p.Limit, 1), chat.PageMaxLimit)
	if p.Limit == 0 {
		limit = chat.PageDefaultLimit
	}
	forward := p.AfterSeq != 0 || p.Forward
	where, order, cursor := `m.seq < $3`, `ORDER BY m.seq DESC LIMIT $4`, int64(1<<63-1)
	switch {
	case forward:
		where, order, cursor = `m.seq > $3`, `ORDER BY m.seq ASC LIMIT $4`, p.AfterSeq
	case p.BeforeSeq != 0:
		cursor = p.BeforeSeq
	}
	msgs := []chat.Message{}
	err := s.selectChecked(ctx, routed{}, &msgs, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.reply_to = $2 AND `+where+` `+order,
		roomID, seq, cursor, limit+1)
	if err != nil {
		return nil, false, wrap(err, "list replies", "Message not found.")
	}
	hasMore := len(msgs) > limit
	if hasMore {
		msgs = msgs[:limit]
	}
	if !forward {
		slices.Reverse(msgs)
	}
	return msgs, hasMore, nil
}
