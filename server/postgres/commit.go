package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

// sendKey is the idempotency key of a send.
type sendKey struct {
	room, user int64
	client     string
}

// errNotAllInserted reports that a batch met a client_id committed earlier
// or a room that is gone, so its seqs were wrong and it must be redone
// knowing which sends to leave out.
var errNotAllInserted = errors.New("postgres: send: not every message of the batch was inserted")

// commitGroup commits reqs in one transaction and returns one result per
// request; err means the whole transaction failed.
//
// Order matters for correctness across replicas: the batch's rooms are
// locked first, in ascending id order, so concurrent batches cannot deadlock
// and each room's seq follows commit order. Seqs are then given to the new
// sends, and every write (rooms.last_seq, the messages, the senders' read
// markers) goes out in one statement whose arrays keep the number of bind
// parameters fixed whatever the batch size.
//
// Retried sends and sends to deleted rooms are rare, so the first attempt
// does all of that in a single autocommitted statement that inserts with ON
// CONFLICT DO NOTHING, which the unique index answers. If any row was not
// inserted, the statement raises (parley_send_check) and so commits nothing,
// since its seqs would leave a gap; a second attempt then locks the rooms in
// a transaction, looks the earlier messages up while holding the locks, and
// inserts the rest, so a retry never takes a seq. Replies whose parent is
// missing or deleted take the second attempt too, which refuses them alone.
func (s *Store) commitGroup(reqs []*sendReq) ([]sendResult, error) {
	results, err := s.commitFast(reqs)
	if errors.Is(err, errNotAllInserted) {
		results, err = s.commitChecked(reqs)
	}
	return results, err
}

// commitFast is the single-statement attempt of commitGroup.
func (s *Store) commitFast(reqs []*sendReq) ([]sendResult, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	results := make([]sendResult, len(reqs))
	var ins insertArrays
	var err error
	firstOf := map[sendKey]int{}
	dupOf := map[int]int{}
	for i, r := range reqs {
		k := sendKey{r.msg.RoomID, r.msg.UserID, r.msg.ClientID}
		if j, ok := firstOf[k]; ok {
			dupOf[i] = j
			continue
		}
		firstOf[k] = i
		ins.add(r.msg, 0)
		ins.mentions.add(len(ins.seqs), r.mentions)
	}
	// One statement in autocommit: no BEGIN or COMMIT round trip, and the
	// room locks are held only while it runs. A batch that mentions
	// someone stores its mentions in that same statement; one that also
	// holds a reply (rare together) takes the careful path, which does both.
	var inserted map[sendKey]*chat.Message
	switch replies := ins.hasReplies(); {
	case replies && ins.mentions.any():
		return nil, errNotAllInserted
	case ins.mentions.any():
		inserted, err = s.insertFastMentioning(ctx, &ins, len(firstOf))
	default:
		var stmt *sqlx.Stmt
		if stmt, err = s.insertStmt(ctx, replies); err == nil {
			inserted, err = insertFast(ctx, stmt, &ins, len(firstOf))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(inserted) != len(firstOf) {
		return nil, fmt.Errorf("postgres: send: %d of %d rows inserted past the check", len(inserted), len(firstOf))
	}
	if err := fillResults(results, firstOf, dupOf, inserted); err != nil {
		return nil, err
	}
	s.batches.Add(1)
	if s.onBatch != nil {
		s.onBatch(len(reqs))
	}
	s.sends.Add(uint64(len(reqs)))
	return results, nil
}

// commitChecked is the careful attempt of commitGroup: it answers sends to
// missing rooms and sends already committed, and inserts only the rest.
func (s *Store) commitChecked(reqs []*sendReq) ([]sendResult, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	tx, err := s.commit.BeginTxx(ctx, nil)
	if err != nil {
		return nil, failed("send: begin", err)
	}
	defer tx.Rollback()

	lastSeq, err := lockRooms(ctx, tx, reqs)
	if err != nil {
		return nil, err
	}
	existing, err := findSent(ctx, tx, reqs, lastSeq)
	if err != nil {
		return nil, err
	}
	threads, err := findThreads(ctx, tx, reqs)
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
			results[i] = sendResult{err: chat.Errorf(chat.ENOTFOUND, "Room not found.")}
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
		root, err := thread(r.msg, threads)
		if err != nil {
			results[i] = sendResult{err: err}
			continue
		}
		firstOf[k] = i
		last++
		lastSeq[r.msg.RoomID] = last
		m := r.msg
		m.ReplyTo = root
		ins.add(m, last)
		ins.mentions.add(len(ins.seqs), r.mentions)
	}
	if len(ins.seqs) > 0 {
		inserted, err := insertSent(ctx, tx, &ins, lastSeq)
		if err != nil {
			return nil, err
		}
		if len(inserted) != len(ins.seqs) {
			return nil, fmt.Errorf("postgres: send: %d of %d rows inserted while holding the room locks", len(inserted), len(ins.seqs))
		}
		if ins.mentions.any() {
			if err := insertSentMentions(ctx, tx, &ins, inserted); err != nil {
				return nil, err
			}
		}
		if err := fillResults(results, firstOf, dupOf, inserted); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, failed("send: commit", err)
	}
	s.batches.Add(1)
	if s.onBatch != nil {
		s.onBatch(len(reqs))
	}
	s.sends.Add(uint64(len(reqs)))
	return results, nil
}

// insertStmt returns insertFast's prepared statement, preparing it the
// first time: the plain one, or the one that also threads replies for a
// batch holding one, so that a batch without replies pays nothing for
// them. database/sql prepares it again on each pooled connection that
// runs it, and again after a connection is replaced.
func (s *Store) insertStmt(ctx context.Context, replies bool) (*sqlx.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	held, text := &s.insert, insertFastSQL
	if replies {
		held, text = &s.insertReplies, insertFastRepliesSQL
	}
	if *held != nil {
		return *held, nil
	}
	stmt, err := s.commit.PreparexContext(ctx, text)
	if err != nil {
		return nil, failed("send: prepare", err)
	}
	*held = stmt
	return stmt, nil
}

// fillResults answers the requests that inserted a message (created) and
// those that repeated a key earlier in the same batch (not created).
func fillResults(results []sendResult, firstOf map[sendKey]int, dupOf map[int]int, inserted map[sendKey]*chat.Message) error {
	for k, i := range firstOf {
		m := inserted[k]
		if m == nil {
			return fmt.Errorf("postgres: send: inserted row of room %d missing", k.room)
		}
		results[i] = sendResult{msg: m, created: true}
	}
	for i, j := range dupOf {
		results[i] = sendResult{msg: copyMessage(results[j].msg), created: false}
	}
	return nil
}

// copyMessage gives each caller its own value, so that one caller changing
// its message cannot change another's.
func copyMessage(m *chat.Message) *chat.Message {
	c := *m
	return &c
}
