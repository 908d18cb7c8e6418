package postgres

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/parleychat/parley/server/chat"
)

// lockRooms locks the rows of the batch's rooms in ascending id order and
// returns their last_seq; a room that does not exist is absent. FOR NO KEY
// UPDATE serializes senders without blocking the key-share locks that
// foreign key checks (a member joining) take on the room.
func lockRooms(ctx context.Context, tx *sqlx.Tx, reqs []*sendReq) (map[int64]int64, error) {
	roomIDs := make([]int64, 0, len(reqs))
	for _, r := range reqs {
		roomIDs = append(roomIDs, r.msg.RoomID)
	}
	slices.Sort(roomIDs)
	roomIDs = slices.Compact(roomIDs)
	lastSeq := make(map[int64]int64, len(roomIDs))
	rows, err := tx.QueryContext(ctx, `
		SELECT id, last_seq FROM rooms WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, pq.Array(roomIDs))
	if err != nil {
		return nil, failed("send: lock rooms", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, last int64
		if err := rows.Scan(&id, &last); err != nil {
			return nil, failed("send: scan room", err)
		}
		lastSeq[id] = last
	}
	if err := rows.Err(); err != nil {
		return nil, failed("send: lock rooms", err)
	}
	return lastSeq, nil
}

// findSent returns the already committed messages carrying the batch's
// idempotency keys. The OFFSET 0 fence keeps each lookup a probe of the
// unique (room_id, user_id, client_id) index: flattened into a join, a
// table without statistics yet can be planned as a scan of the sender's
// whole history.
func findSent(ctx context.Context, tx *sqlx.Tx, reqs []*sendReq, rooms map[int64]int64) (map[sendKey]*chat.Message, error) {
	var roomIDs, userIDs []int64
	var clientIDs []string
	for _, r := range reqs {
		if _, ok := rooms[r.msg.RoomID]; ok {
			roomIDs = append(roomIDs, r.msg.RoomID)
			userIDs = append(userIDs, r.msg.UserID)
			clientIDs = append(clientIDs, r.msg.ClientID)
		}
	}
	found := map[sendKey]*chat.Message{}
	if len(roomIDs) == 0 {
		return found, nil
	}
	var msgs []chat.Message
	err := tx.SelectContext(ctx, &msgs, `SELECT `+messageColumns+`
		FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS k(room_id, user_id, client_id)
		CROSS JOIN LATERAL (
			SELECT * FROM messages
			WHERE room_id = k.room_id AND user_id = k.user_id AND client_id = k.client_id
			OFFSET 0) AS m
		JOIN users u ON u.id = m.user_id`,
		pq.Array(roomIDs), pq.Array(userIDs), pq.Array(clientIDs))
	if err != nil {
		return nil, failed("send: find earlier sends", err)
	}
	for i := range msgs {
		m := &msgs[i]
		found[sendKey{m.RoomID, m.User.ID, m.ClientID}] = m
	}
	return found, nil
}

// insertArrays holds the new messages of a batch column by column.
// replies is each message's reply_to, 0 for none: as sent for the fast
// attempt, which finds each thread itself, and the thread's first message
// for the careful one, which found it under the room locks.
type insertArrays struct {
	rooms, seqs, users []int64
	bodies, clients    []string
	replies            []int64
	mentions           mentionArrays
}

func (a *insertArrays) add(m chat.NewMessage, seq int64) {
	a.rooms = append(a.rooms, m.RoomID)
	a.seqs = append(a.seqs, seq)
	a.users = append(a.users, m.UserID)
	a.bodies = append(a.bodies, m.Body)
	a.clients = append(a.clients, m.ClientID)
	a.replies = append(a.replies, m.ReplyTo)
}

// insertSent writes the batch in one statement: the rooms' new last_seq,
// the messages, the threads' reply counts, and each sender's read marker
// moved up to their own newest message (your own messages are never
// unread). A message whose key exists already is skipped, and missing
// from the result. a.replies must name existing thread roots (checked
// under the room locks by checkReplies).
func insertSent(ctx context.Context, tx *sqlx.Tx, a *insertArrays, lastSeq map[int64]int64) (map[sendKey]*chat.Message, error) {
	var roomIDs, lasts []int64
	for id, last := range lastSeq {
		roomIDs = append(roomIDs, id)
		lasts = append(lasts, last)
	}
	var msgs []chat.Message
	err := tx.SelectContext(ctx, &msgs, `
		WITH r AS (
			UPDATE rooms SET last_seq = v.last_seq
			FROM unnest($1::bigint[], $2::bigint[]) AS v(id, last_seq)
			WHERE rooms.id = v.id AND rooms.last_seq <> v.last_seq
		), n AS (
			SELECT k.*, NULLIF(k.reply_to, 0) AS root,
			       row_number() OVER (PARTITION BY k.room_id, k.reply_to ORDER BY k.seq) AS reply_rank
			FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[])
				AS k(room_id, seq, user_id, body, client_id, reply_to)
		), `+threadsCTE+`, m AS (
			INSERT INTO messages (room_id, seq, user_id, body, client_id, reply_to, reply_number)
			SELECT n.room_id, n.seq, n.user_id, n.body, n.client_id, n.root, th.before + n.reply_rank
			FROM n LEFT JOIN th ON th.room_id = n.room_id AND th.seq = n.root
			ON CONFLICT (room_id, user_id, client_id) DO NOTHING
			RETURNING *
		), rd AS (
			UPDATE room_users ru SET read_seq = v.seq
			FROM (SELECT room_id, user_id, max(seq) AS seq
			      FROM unnest($3::bigint[], $5::bigint[], $4::bigint[]) AS t(room_id, user_id, seq)
			      GROUP BY room_id, user_id) AS v
			WHERE ru.room_id = v.room_id AND ru.user_id = v.user_id AND ru.read_seq < v.seq
		)
		SELECT `+messageColumns+` FROM m JOIN users u ON u.id = m.user_id`,
		pq.Array(roomIDs), pq.Array(lasts),
		pq.Array(a.rooms), pq.Array(a.seqs), pq.Array(a.users), pq.Array(a.bodies), pq.Array(a.clients),
		pq.Array(a.replies))
	if err != nil {
		return nil, wrap(err, "send: insert messages", "Room not found.")
	}
	return bySendKey(msgs), nil
}

// insertFast locks the rooms, numbers the messages after each room's
// last_seq in batch order, and writes everything in one statement. If a
// room is missing, a key exists already or a reply's parent is missing or
// deleted, fewer than wanted rows are inserted and the statement fails
// (rolling back) with errNotAllInserted. The
// check sits in a WHERE without columns, which PostgreSQL runs once before
// anything else of the main query, so it runs even when nothing was
// inserted.
//
// Within one statement the lock still comes first: the locked CTE is the
// only reader of last_seq, and under READ COMMITTED a row lock that had to
// wait returns the row as the previous holder committed it.
//
// A batch holding a reply runs insertFastRepliesSQL instead, which takes
// the replies as a sixth argument.
func insertFast(ctx context.Context, stmt *sqlx.Stmt, a *insertArrays, wanted int) (map[sendKey]*chat.Message, error) {
	var msgs []chat.Message
	args := []any{pq.Array(a.rooms), pq.Array(a.users), pq.Array(a.bodies), pq.Array(a.clients), wanted}
	if a.hasReplies() {
		args = append(args, pq.Array(a.replies))
	}
	err := stmt.SelectContext(ctx, &msgs, args...)
	if pq.As(err, "PS001") != nil {
		return nil, errNotAllInserted
	}
	if err != nil {
		return nil, wrap(err, "send: insert messages", "Room not found.")
	}
	return bySendKey(msgs), nil
}

// insertFastSQL is insertFast's statement. It is prepared once per
// connection: planning its common table expressions costs as much as
// running them, and a send pays for every statement of its batch.
const insertFastSQL = `
		WITH k AS (
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])
				WITH ORDINALITY AS k(room_id, user_id, body, client_id, ord)
		), locked AS (
			SELECT id, last_seq FROM rooms
			WHERE id = ANY($1::bigint[])
			ORDER BY id FOR NO KEY UPDATE
		), n AS (
			SELECT k.room_id, k.user_id, k.body, k.client_id,
			       l.last_seq + row_number() OVER (PARTITION BY k.room_id ORDER BY k.ord) AS seq
			FROM k JOIN locked l ON l.id = k.room_id
		), r AS (
			UPDATE rooms SET last_seq = x.seq
			FROM (SELECT room_id, max(seq) AS seq FROM n GROUP BY room_id) AS x
			WHERE rooms.id = x.room_id
		), m AS (
			INSERT INTO messages (room_id, seq, user_id, body, client_id)
			SELECT room_id, seq, user_id, body, client_id FROM n
			ON CONFLICT (room_id, user_id, client_id) DO NOTHING
			RETURNING *
		), rd AS (
			UPDATE room_users ru SET read_seq = x.seq
			FROM (SELECT room_id, user_id, max(seq) AS seq FROM n GROUP BY room_id, user_id) AS x
			WHERE ru.room_id = x.room_id AND ru.user_id = x.user_id AND ru.read_seq < x.seq
		)
		SELECT ` + messageColumns + ` FROM m JOIN users u ON u.id = m.user_id
		WHERE parley_send_check((SELECT count(*) FROM m), $5)`

// bySendKey indexes inserted messages by who sent what where, which is how
// the waiting senders find their own.
func bySendKey(msgs []chat.Message) map[sendKey]*chat.Message {
	inserted := make(map[sendKey]*chat.Message, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		inserted[sendKey{m.RoomID, m.User.ID, m.ClientID}] = m
	}
	return inserted
}
