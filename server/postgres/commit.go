package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/lib/pq"
	"github.com/parleychat/parley/server/chat"
)

// sendKey is the idempotency key of a send.
type sendKey struct {
	room, user int64
	client     string
}

// commitGroup commits reqs in one transaction and returns one result per
// request; err means the whole transaction failed.
//
// Order matters for correctness across replicas: the batch's rooms are
// locked first, in ascending id order, so concurrent batches cannot deadlock
// and each room's seq follows commit order. Only while holding those locks
// are earlier sends with the same client_id looked up, so a retry never
// takes a seq. Every write (rooms.last_seq, the messages, the senders' read
// markers) then goes out in one statement whose arrays keep the number of
// bind parameters fixed whatever the batch size.
func (s *Store) commitGroup(reqs []*sendReq) ([]sendResult, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	tx, err := s.primary.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: send: begin: %w", err)
	}
	defer tx.Rollback()

	roomIDs := make([]int64, 0, len(reqs))
	for _, r := range reqs {
		roomIDs = append(roomIDs, r.msg.RoomID)
	}
	slices.Sort(roomIDs)
	roomIDs = slices.Compact(roomIDs)
	lastSeq := make(map[int64]int64, len(roomIDs))
	rows, err := tx.QueryContext(ctx, `
		SELECT id, last_seq FROM rooms WHERE id = ANY($1) ORDER BY id FOR UPDATE`, pq.Array(roomIDs))
	if err != nil {
		return nil, fmt.Errorf("postgres: send: lock rooms: %w", err)
	}
	for rows.Next() {
		var id, last int64
		if err := rows.Scan(&id, &last); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: send: scan room: %w", err)
		}
		lastSeq[id] = last
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("postgres: send: lock rooms: %w", err)
	}

	existing, err := s.findSent(ctx, tx, reqs, lastSeq)
	if err != nil {
		return nil, err
	}

	results := make([]sendResult, len(reqs))
	var ins insertArrays
	firstOf := map[sendKey]int{} // key → index of the request that inserts it
	dupOf := map[int]int{}       // request index → index of the first with its key
	for i, r := range reqs {
		last, ok := lastSeq[r.msg.RoomID]
		if !ok {
			results[i] = sendResult{err: errNoRoom()}
			continue
		}
		k := sendKey{r.msg.RoomID, r.msg.UserID, r.msg.ClientID}
		if m, ok := existing[k]; ok {
			results[i] = sendResult{msg: copyMessage(m), created: false}
			continue
		}
		if j, ok := firstOf[k]; ok {
			dupOf[i] = j
			continue
		}
		firstOf[k] = i
		last++
		lastSeq[r.msg.RoomID] = last
		ins.add(r.msg, last)
	}
	if len(ins.seqs) > 0 {
		inserted, err := s.insertSent(ctx, tx, &ins, lastSeq)
		if err != nil {
			return nil, err
		}
		for k, i := range firstOf {
			m := inserted[sendKey{k.room, k.user, k.client}]
			if m == nil {
				return nil, fmt.Errorf("postgres: send: inserted row of room %d missing", k.room)
			}
			results[i] = sendResult{msg: m, created: true}
		}
		for i, j := range dupOf {
			results[i] = sendResult{msg: copyMessage(results[j].msg), created: false}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres: send: commit: %w", err)
	}
	s.batches.Add(1)
	s.sends.Add(uint64(len(reqs)))
	return results, nil
}

// findSent returns the already committed messages carrying the batch's
// idempotency keys.
func (s *Store) findSent(ctx context.Context, tx queryer, reqs []*sendReq, rooms map[int64]int64) (map[sendKey]*chat.Message, error) {
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
		JOIN messages m ON m.room_id = k.room_id AND m.user_id = k.user_id AND m.client_id = k.client_id
		JOIN users u ON u.id = m.user_id`,
		pq.Array(roomIDs), pq.Array(userIDs), pq.Array(clientIDs))
	if err != nil {
		return nil, fmt.Errorf("postgres: send: find earlier sends: %w", err)
	}
	for i := range msgs {
		m := &msgs[i]
		found[sendKey{m.RoomID, m.User.ID, m.ClientID}] = m
	}
	return found, nil
}

// insertArrays holds the new messages of a batch column by column.
type insertArrays struct {
	rooms, seqs, users []int64
	bodies, clients    []string
}

func (a *insertArrays) add(m chat.NewMessage, seq int64) {
	a.rooms = append(a.rooms, m.RoomID)
	a.seqs = append(a.seqs, seq)
	a.users = append(a.users, m.UserID)
	a.bodies = append(a.bodies, m.Body)
	a.clients = append(a.clients, m.ClientID)
}

// insertSent writes the batch: new last_seq of each room, the messages, and
// each sender's read marker moved up to their own newest message (your own
// messages are never unread).
func (s *Store) insertSent(ctx context.Context, tx queryer, a *insertArrays, lastSeq map[int64]int64) (map[sendKey]*chat.Message, error) {
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
		), m AS (
			INSERT INTO messages (room_id, seq, user_id, body, client_id)
			SELECT * FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
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
		pq.Array(a.rooms), pq.Array(a.seqs), pq.Array(a.users), pq.Array(a.bodies), pq.Array(a.clients))
	if err != nil {
		return nil, wrap(err, "send: insert messages", "Room not found.")
	}
	inserted := make(map[sendKey]*chat.Message, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		inserted[sendKey{m.RoomID, m.User.ID, m.ClientID}] = m
	}
	return inserted, nil
}

// copyMessage gives each caller its own value, so that one caller changing
// its message cannot change another's.
func copyMessage(m *chat.Message) *chat.Message {
	c := *m
	return &c
}
