package postgres

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
)

var _ chat.SearchStore = (*Store)(nil)

// searchScope is what a search runs over, worked out by its first query.
type searchScope struct {
	// Query is the tsquery as PostgreSQL normalized it; empty when no word
	// of the search is left once parsed (only punctuation, say).
	Query string `db:"query"`
	// Rooms are the rooms searched: the caller's, narrowed by room_id and
	// in:#name.
	Rooms pq.Int64Array `db:"rooms"`
	// Author is the id of from:'s user; null when there is no such user.
	Author *int64 `db:"author"`
}

// searchHit is a row of the search: a message and its body with the
// matching words between two markers.
type searchHit struct {
	chat.Message
	Marked string `db:"marked"`
}

// SearchMessages finds the newest messages matching s in the rooms userID
// belongs to, newest first (by id), keyset-paged by s.BeforeID.
//
// Two statements: the first settles the rooms (the caller's, from
// room_users, with s.RoomID and s.In applied), the author of from:, and
// the tsquery; the second finds the messages with all three as constants,
// so that the planner sees how common the words are and how many rooms
// there are, and picks between the search index and walking the newest
// messages backwards. The second checks membership again, row by row, so
// that a room left between the two is not searched. It may read the
// replica when ctx allows (chat.ReadsMayLag, chat.FreshAsOf), never one
// missing userID's own writes (a leave included).
func (s *Store) SearchMessages(ctx context.Context, userID int64, q chat.Search) ([]chat.SearchHit, bool, error) {
	if len(q.Terms) == 0 {
		return nil, false, chat.Invalid("q", "Give at least one word to search for.")
	}
	limit := q.Limit
	if limit < 1 || limit > chat.SearchMaxLimit {
		limit = chat.SearchDefaultLimit
	}
	hits := []chat.SearchHit{}
	var scopes []searchScope
	err := s.selectRouted(ctx, false, []int64{userID}, &scopes, `
		SELECT to_tsquery('simple', $2)::text AS query,
		       ARRAY(SELECT ru.room_id FROM room_users ru JOIN rooms r ON r.id = ru.room_id
		             WHERE ru.user_id = $1 AND ($3 = 0 OR ru.room_id = $3) AND ($4 = '' OR lower(r.name) = lower($4))
		             ORDER BY ru.room_id) AS rooms,
		       (SELECT id FROM users WHERE username = $5) AS author`,
		userID, TSQuery(q.Terms), q.RoomID, q.In, q.From)
	if err != nil {
		return nil, false, wrap(err, "search: scope", "Room not found.")
	}
	sc := scopes[0]
	if sc.Query == "" || len(sc.Rooms) == 0 || (q.From != "" && sc.Author == nil) {
		return hits, false, nil
	}
	before := q.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	start, stop := marker(), marker()
	args := []any{sc.Rooms, sc.Query, before, userID, limit + 1, "StartSel=" + start + ", StopSel=" + stop + ", HighlightAll=true"}
	byAuthor := ""
	if sc.Author != nil {
		byAuthor = `AND m.user_id = $7`
		args = append(args, *sc.Author)
	}
	var rows []searchHit
	err = s.selectRouted(ctx, false, []int64{userID}, &rows, `
		SELECT `+messageColumns+`, ts_headline('simple', m.body, $2::tsquery, $6) AS marked
		FROM (
			SELECT m.* FROM messages m
			WHERE ARRAY[m.room_id] && $1::bigint[] AND m.search @@ $2::tsquery
			  AND NOT m.deleted AND m.id < $3 `+byAuthor+`
			  AND EXISTS (SELECT 1 FROM room_users ru WHERE ru.room_id = m.room_id AND ru.user_id = $4)
			ORDER BY m.id DESC LIMIT $5
		) m JOIN users u ON u.id = m.user_id
		ORDER BY m.id DESC`, args...)
	if err != nil {
		return nil, false, wrap(err, "search: messages", "Room not found.")
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	for _, r := range rows {
		hits = append(hits, chat.SearchHit{Message: r.Message, Highlight: Highlight(r.Body, r.Marked, start, stop)})
	}
	return hits, more, nil
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
