package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
)

// How a send commits a reply: see chat/reply.go for what a reply is.

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

// insertFastRepliesSQL is insertFastSQL for a batch that holds a reply
// ($6: each send's reply_to, 0 for none). Each reply finds its thread
// (rootsCTE), is numbered after the room's last_seq like any send, moves
// its thread's count (threadsCTE) and takes its reply_number from it.
//
// The arguments are read through a materialized CTE (a) that the planner
// cannot see into. Seeing them, it finds a plan for each batch's sizes
// cheaper than the cached generic one and plans the statement afresh on
// every run, which measured several times the cost of running it (a lone
// reply 2–5 ms instead of 0.5 ms, synchronous_commit off). Hidden, the
// generic plan is kept: index probes on (room_id, seq), the same work as
// insertFastSQL plus one row lookup and one update per thread. Like every
// cached plan it is remade when ANALYZE changes the table's statistics.
const insertFastRepliesSQL = `
		WITH a AS MATERIALIZED (
			SELECT $1::bigint[] AS rooms, $2::bigint[] AS users, $3::text[] AS bodies,
			       $4::text[] AS clients, $6::bigint[] AS replies
		), k AS (
			SELECT k.* FROM a, unnest(a.rooms, a.users, a.bodies, a.clients, a.replies)
				WITH ORDINALITY AS k(room_id, user_id, body, client_id, reply_to, ord)
		), locked AS (
			SELECT id, last_seq FROM rooms
			WHERE id = ANY((SELECT rooms FROM a)::bigint[])
			ORDER BY id FOR NO KEY UPDATE
		), ` + rootsCTE + `, n AS (
			SELECT k.room_id, k.user_id, k.body, k.client_id, t.root,
			       l.last_seq + row_number() OVER (PARTITION BY k.room_id ORDER BY k.ord) AS seq,
			       row_number() OVER (PARTITION BY k.room_id, t.root ORDER BY k.ord) AS reply_rank
			FROM k JOIN locked l ON l.id = k.room_id
			LEFT JOIN t ON t.ord = k.ord
			WHERE k.reply_to = 0 OR t.root IS NOT NULL
		), r AS (
			UPDATE rooms SET last_seq = x.seq
			FROM (SELECT room_id, max(seq) AS seq FROM n GROUP BY room_id) AS x
			WHERE rooms.id = x.room_id
		), ` + threadsCTE + `, m AS (
			INSERT INTO messages (room_id, seq, user_id, body, client_id, reply_to, reply_number)
			SELECT n.room_id, n.seq, n.user_id, n.body, n.client_id, n.root, th.before + n.reply_rank
			FROM n LEFT JOIN th ON th.room_id = n.room_id AND th.seq = n.root
			WHERE n.root IS NULL OR th.seq IS NOT NULL
			ON CONFLICT (room_id, user_id, client_id) DO NOTHING
			RETURNING *
		), rd AS (
			UPDATE room_users ru SET read_seq = x.seq
			FROM (SELECT room_id, user_id, max(seq) AS seq FROM n GROUP BY room_id, user_id) AS x
			WHERE ru.room_id = x.room_id AND ru.user_id = x.user_id AND ru.read_seq < x.seq
		)
		SELECT ` + messageColumns + ` FROM m JOIN users u ON u.id = m.user_id
		WHERE parley_send_check((SELECT count(*) FROM m), $5)`

// hasReplies tells whether a batch holds a reply.
func (a *insertArrays) hasReplies() bool {
	for _, r := range a.replies {
		if r != 0 {
			return true
		}
	}
	return false
}

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
