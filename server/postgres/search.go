package postgres

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

var _ chat.SearchStore = (*Store)(nil)

// searchHit is a row of the search: a message and its body with the
// matching words between two markers.
type searchHit struct {
	chat.Message
	Marked string `db:"marked"`
}

// SearchMessages finds the newest messages matching q in the rooms userID
// belongs to, newest first (by id), keyset-paged by q.BeforeID.
//
// Two statements: the first settles the rooms (the caller's, read from
// room_users now, narrowed by q.RoomID and q.In), the author of from: and
// the tsquery; the second finds the messages of those rooms only, with all
// three as constants, so that the planner sees how common the words are
// and how many rooms there are, and picks between the search index and
// walking the newest messages backwards. A room left after the first
// statement may still be searched by the second: the search began before
// the leave was answered, and the cache keys such an answer under the
// rooms version that the leave retires. Both may read the replica when
// ctx allows (chat.ReadsMayLag, chat.FreshAsOf), never one missing
// userID's own writes, a leave included.
func (s *Store) SearchMessages(ctx context.Context, userID int64, q chat.Search) ([]chat.SearchHit, bool, error) {
	hits := []chat.SearchHit{}
	var st *searchStmt
	var rows []searchHit
	err := s.readTx(ctx, []int64{userID}, func(tx *sqlx.Tx) error {
		rows = rows[:0]
		var err error
		if st, err = prepareSearch(ctx, tx, userID, q); err != nil || st == nil {
			return err
		}
		return st.run(ctx, tx, &rows, "")
	})
	if err != nil {
		return nil, false, wrap(err, "search messages", "Room not found.")
	}
	if st == nil {
		return hits, false, nil
	}
	more := len(rows) > st.limit
	if more {
		rows = rows[:st.limit]
	}
	for _, r := range rows {
		hits = append(hits, chat.SearchHit{Message: r.Message, Highlight: Highlight(r.Body, r.Marked, st.start, st.stop)})
	}
	return hits, more, nil
}

// ExplainSearch runs q as SearchMessages does, the statement that finds
// the messages under EXPLAIN (ANALYZE, BUFFERS), and returns its plan, or
// the plans of both attempts when the first ran out of time (see
// searchStmt.run); empty when the first statement found nothing to
// search. It is for measuring (docs/perf/search.md), never on a
// request's path.
func (s *Store) ExplainSearch(ctx context.Context, userID int64, q chat.Search) (string, error) {
	var lines []string
	err := s.readTx(ctx, []int64{userID}, func(tx *sqlx.Tx) error {
		st, err := prepareSearch(ctx, tx, userID, q)
		if err != nil || st == nil {
			return err
		}
		return st.run(ctx, tx, &lines, "EXPLAIN (ANALYZE, BUFFERS) ")
	})
	if err != nil {
		return "", wrap(err, "explain search", "Room not found.")
	}
	return strings.Join(lines, "\n"), nil
}

// TSQuery writes the text that to_tsquery('simple', …) turns into the
// search's tsquery: each term one quoted operand, all joined by &. Inside
// quotes, to_tsquery reads the text as words only, never as operators:
// "a & !b | c:*" typed into the box is the words a, b and c, one after the
// other. A phrase's words become a <-> chain that way too; a prefix term
// gets :* outside its quotes, the only operator that comes from Parley.
func TSQuery(terms []chat.SearchTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('\'')
		for _, r := range t.Text {
			switch r {
			case '\'':
				b.WriteString("''")
			case '\\':
				b.WriteString(`\\`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
		if t.Prefix {
			b.WriteString(":*")
		}
	}
	return b.String()
}

// Highlight cuts body where ts_headline put start and stop around the
// matching words: plain and matched parts alternate, plain first. If the
// marked text is not body with markers added (which would be a surprise),
// nothing is marked: the body is never altered.
func Highlight(body, marked, start, stop string) []string {
	parts := []string{}
	var plain strings.Builder
	rest := marked
	for {
		i := strings.Index(rest, start)
		if i < 0 {
			break
		}
		j := strings.Index(rest[i+len(start):], stop)
		if j < 0 {
			break
		}
		plain.WriteString(rest[:i])
		word := rest[i+len(start) : i+len(start)+j]
		rest = rest[i+len(start)+j+len(stop):]
		if word == "" {
			continue
		}
		parts = append(parts, plain.String(), word)
		plain.Reset()
	}
	plain.WriteString(rest)
	parts = append(parts, plain.String())
	if strings.Join(parts, "") != body {
		return []string{body}
	}
	return parts
}

// marker is a string no message holds by chance: 16 random letters, so
// that a body cannot fake a match (and needs no quoting in ts_headline's
// options).
func marker() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported systems
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b[:])
}
