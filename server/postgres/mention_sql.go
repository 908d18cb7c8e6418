package postgres

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
)

// mentionArrays holds the mention tokens of a batch's new messages column
// by column: the positions (from 1, as WITH ORDINALITY numbers them) of
// the messages that say @room, and one (position, name) pair per @name.
// The slices are never nil: a NULL array would make every comparison with
// it NULL, and the messages' mentions vanish.
type mentionArrays struct {
	roomOrds []int64
	ords     []int64
	names    []string
}

// add records the mentions of the message at position ord.
func (a *mentionArrays) add(ord int, m chat.Mentions) {
	if m.Room {
		a.roomOrds = append(a.roomOrds, int64(ord))
	}
	for _, n := range m.Names {
		a.ords = append(a.ords, int64(ord))
		a.names = append(a.names, n)
	}
}

// any reports whether some message of the batch mentions someone.
func (a *mentionArrays) any() bool { return len(a.roomOrds) > 0 || len(a.ords) > 0 }

func (a *mentionArrays) params() (roomOrds, ords, names any) {
	return pq.Array(nonNil(a.roomOrds)), pq.Array(nonNil(a.ords)), pq.Array(nonNil(a.names))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// mentionCTEs store the mentions of the messages listed in a CTE
// mk(room_id, seq, user_id, ord, everyone), where everyone says the
// message mentions the whole room and the room allows it. mn holds one row
// per member a message names (only members: a name that is nobody's, or
// not a member's, is plain text; the author naming themselves is no
// mention), rmn one row per message that mentions the room. A message
// that mentions the room mentions nobody by name: everyone already counts
// it once. ords and names are the parameters of the (position, name)
// pairs.
func mentionCTEs(ords, names string) string {
	return `mn AS (
			INSERT INTO mentions (user_id, room_id, seq)
			SELECT DISTINCT ru.user_id, mk.room_id, mk.seq
			FROM unnest(` + ords + `::bigint[], ` + names + `::text[]) AS x(ord, name)
			JOIN mk ON mk.ord = x.ord AND NOT mk.everyone
			JOIN users u ON u.username = x.name
			JOIN room_users ru ON ru.room_id = mk.room_id AND ru.user_id = u.id
			WHERE u.id <> mk.user_id
			RETURNING user_id, room_id, seq
		), rmn AS (
			INSERT INTO room_mentions (room_id, seq)
			SELECT room_id, seq FROM mk WHERE everyone
			RETURNING room_id, seq
		)`
}

// mentionColumns answer, for the message at alias, who it mentions.
func mentionColumns(alias string) string {
	return `coalesce((SELECT array_agg(mn.user_id ORDER BY mn.user_id) FROM mn
			WHERE mn.room_id = ` + alias + `.room_id AND mn.seq = ` + alias + `.seq), '{}') AS mentioned,
		EXISTS (SELECT 1 FROM rmn WHERE rmn.room_id = ` + alias + `.room_id AND rmn.seq = ` + alias + `.seq) AS mentions_room`
}

// insertFastMentionsSQL is insertFastSQL that also stores the batch's
// mentions and answers who each message mentions. $6 lists the positions
// of the messages that say @room, $7 and $8 the (position, name) pairs.
// It is built from insertFastSQL so that both always commit messages the
// same way.
var insertFastMentionsSQL = withMentions(insertFastSQL, `mk AS (
			SELECT m.room_id, m.seq, m.user_id, k.ord,
			       k.ord = ANY($6::bigint[]) AND rs.room_mentions AS everyone
			FROM m
			JOIN k ON k.room_id = m.room_id AND k.user_id = m.user_id AND k.client_id = m.client_id
			JOIN rooms rs ON rs.id = m.room_id
			WHERE k.ord = ANY($6::bigint[]) OR k.ord = ANY($7::bigint[])
		), `+mentionCTEs("$7", "$8"))

// withMentions puts ctes after the last CTE of a send statement and the
// mention columns into its final SELECT of the inserted messages m. It
// panics if that SELECT is not there, which every test of sends shows.
func withMentions(base, ctes string) string {
	sel := "SELECT " + messageColumns
	at := strings.LastIndex(base, sel+" FROM m JOIN users u ON u.id = m.user_id")
	if at < 0 {
		panic("postgres: the send statement no longer ends by selecting from m; update withMentions")
	}
	return base[:at] + ", " + ctes + "\n\t\t" + sel + ",\n\t\t" + mentionColumns("m") + base[at+len(sel):]
}

// mentionedMessage is a committed message with who it mentions.
type mentionedMessage struct {
	chat.Message
	MentionedIDs pq.Int64Array `db:"mentioned"`
	Everyone     bool          `db:"mentions_room"`
}

// insertFastMentioning is insertFast for a batch that mentions someone.
func (s *Store) insertFastMentioning(ctx context.Context, a *insertArrays, wanted int) (map[sendKey]*chat.Message, error) {
	stmt, err := s.mentionsStmt(ctx)
	if err != nil {
		return nil, err
	}
	roomOrds, ords, names := a.mentions.params()
	var rows []mentionedMessage
	err = stmt.SelectContext(ctx, &rows,
		pq.Array(a.rooms), pq.Array(a.users), pq.Array(a.bodies), pq.Array(a.clients), wanted,
		roomOrds, ords, names)
	if pq.As(err, "PS001") != nil {
		return nil, errNotAllInserted
	}
	if err != nil {
		return nil, wrap(err, "send: insert messages", "Room not found.")
	}
	msgs := make([]chat.Message, len(rows))
	for i, r := range rows {
		msgs[i] = r.Message
		msgs[i].Mentioned, msgs[i].MentionsRoom = nonEmpty(r.MentionedIDs), r.Everyone
	}
	return bySendKey(msgs), nil
}

// nonEmpty keeps "mentions nobody by name" a nil slice.
func nonEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// mentionsStmt prepares insertFastMentionsSQL on first use, like insertStmt.
func (s *Store) mentionsStmt(ctx context.Context) (*sqlx.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if s.insertMentions != nil {
		return s.insertMentions, nil
	}
	stmt, err := s.commit.PreparexContext(ctx, insertFastMentionsSQL)
	if err != nil {
		return nil, failed("send: prepare mentions", err)
	}
	s.insertMentions = stmt
	return stmt, nil
}

// insertSentMentions stores the mentions of the messages commitChecked has
// just inserted, in its transaction, and sets them on those messages.
func insertSentMentions(ctx context.Context, tx *sqlx.Tx, a *insertArrays, inserted map[sendKey]*chat.Message) error {
	roomOrds, ords, names := a.mentions.params()
	var rows []struct {
		RoomID       int64         `db:"room_id"`
		Seq          int64         `db:"seq"`
		MentionedIDs pq.Int64Array `db:"mentioned"`
		Everyone     bool          `db:"mentions_room"`
	}
	err := tx.SelectContext(ctx, &rows, `
		WITH mk AS (
			SELECT x.room_id, x.seq, x.user_id, x.ord,
			       x.ord = ANY($4::bigint[]) AND r.room_mentions AS everyone
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS x(room_id, seq, user_id, ord)
			JOIN rooms r ON r.id = x.room_id
			WHERE x.ord = ANY($4::bigint[]) OR x.ord = ANY($5::bigint[])
		), `+mentionCTEs("$5", "$6")+`
		SELECT mk.room_id, mk.seq, `+mentionColumns("mk")+` FROM mk`,
		pq.Array(a.rooms), pq.Array(a.seqs), pq.Array(a.users), roomOrds, ords, names)
	if err != nil {
		return wrap(err, "send: insert mentions", "Room not found.")
	}
	type at struct{ room, seq int64 }
	bySeq := make(map[at]*chat.Message, len(inserted))
	for _, m := range inserted {
		bySeq[at{m.RoomID, m.Seq}] = m
	}
	for _, r := range rows {
		if m := bySeq[at{r.RoomID, r.Seq}]; m != nil {
			m.Mentioned, m.MentionsRoom = nonEmpty(r.MentionedIDs), r.Everyone
		}
	}
	return nil
}
