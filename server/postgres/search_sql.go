package postgres

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/parleychat/parley/server/chat"
)

// Settings of a search's transaction.
const (
	// searchWorkMem lets the bitmap of a word found in a few percent of
	// all messages stay exact (one entry per heap page) rather than become
	// lossy, which would make PostgreSQL read and recheck every message of
	// those pages.
	searchWorkMem = "16MB"
	// searchBudget is how long the planner's own choice may take before
	// the search index alone is tried (see searchStmt.run).
	searchBudget = 100 * time.Millisecond
	// shortPrefix: a last word this short, matched as a prefix, begins
	// more words than the others of the search are likely to hold.
	shortPrefix = 3
)

// searchScope is what a search runs over, worked out by its first
// statement.
type searchScope struct {
	// Query is the tsquery as PostgreSQL normalized it; empty when no word
	// of the search is left once parsed (only punctuation, say).
	Query string `db:"query"`
	// Narrow is the tsquery without a short last prefix, when there are
	// other words (see searchStmt.run); else empty.
	Narrow string `db:"narrow"`
	// Rooms are the rooms searched: the caller's, narrowed by room_id and
	// in:#name.
	Rooms pq.Int64Array `db:"rooms"`
	// Author is the id of from:'s user; null when there is no such user.
	Author *int64 `db:"author"`
	// The settings made for the transaction, unused.
	WorkMem string `db:"work_mem"`
	JIT     string `db:"jit"`
	Budget  string `db:"budget"`
}

// searchStmt finds a search's messages.
type searchStmt struct {
	scope       searchScope
	limit       int
	before      int64
	start, stop string // the highlight's markers
}

// prepareSearch runs the first statement of a search in tx: the rooms
// (read from room_users now), the author of from:, the tsquery, and the
// transaction's settings: work_mem, no JIT compilation (which a search's
// cost estimates can trigger and which costs more than it saves on a query
// this short), and the time budget of the next statement. nil when nothing
// can match.
func prepareSearch(ctx context.Context, tx *sqlx.Tx, userID int64, q chat.Search) (*searchStmt, error) {
	if len(q.Terms) == 0 {
		return nil, chat.Invalid("q", "Give at least one word to search for.")
	}
	st := &searchStmt{limit: q.Limit, before: q.BeforeID}
	if st.limit < 1 || st.limit > chat.SearchMaxLimit {
		st.limit = chat.SearchDefaultLimit
	}
	if st.before <= 0 {
		st.before = 1<<63 - 1
	}
	narrow := ""
	if n := len(q.Terms); n > 1 && q.Terms[n-1].Prefix && utf8.RuneCountInString(q.Terms[n-1].Text) <= shortPrefix {
		narrow = TSQuery(q.Terms[:n-1])
	}
	err := tx.GetContext(ctx, &st.scope, `
		SELECT set_config('work_mem', $6, true) AS work_mem, set_config('jit', 'off', true) AS jit,
		       set_config('statement_timeout', $8, true) AS budget,
		       to_tsquery('simple', $2)::text AS query, to_tsquery('simple', $7)::text AS narrow,
		       ARRAY(SELECT ru.room_id FROM room_users ru JOIN rooms r ON r.id = ru.room_id
		             WHERE ru.user_id = $1 AND ($3 = 0 OR ru.room_id = $3) AND ($4 = '' OR lower(r.name) = lower($4))
		             ORDER BY ru.room_id) AS rooms,
		       (SELECT id FROM users WHERE username = $5) AS author`,
		userID, TSQuery(q.Terms), q.RoomID, q.In, q.From, searchWorkMem, narrow,
		fmtMillis(searchBudget))
	if err != nil {
		return nil, err
	}
	sc := st.scope
	if sc.Query == "" || len(sc.Rooms) == 0 || (q.From != "" && sc.Author == nil) {
		return nil, nil
	}
	st.start, st.stop = marker(), marker()
	return st, nil
}

// run finds the messages into dest (with prefix, such as EXPLAIN, before
// the statement). The planner picks between the search index (the rooms'
// and the words' posting lists intersected, then the matches sorted) and
// walking the newest messages backwards until enough match, which wins
// for words in a good share of the rooms' messages. It picks by its
// statistics, which know how common a word is but not whether the
// caller's rooms use it: a word frequent elsewhere and absent here can
// send the walk through the whole history. So the first attempt has
// searchBudget; past it, the search runs again on the index alone, and
// without a short last prefix (checked on what the index found instead)
// when there are other words, since gathering every word that "it"
// begins is what makes such a search slow.
func (st *searchStmt) run(ctx context.Context, tx *sqlx.Tx, dest any, prefix string) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT search`); err != nil {
		return err
	}
	err := tx.SelectContext(ctx, dest, prefix+st.query(false), st.args(false)...)
	if pq.As(err, pqerror.QueryCanceled) == nil || ctx.Err() != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT search`); err != nil {
		return err
	}
	if lines, ok := dest.(*[]string); ok && prefix != "" {
		*lines = append(*lines, "-- the first attempt ran past "+searchBudget.String()+"; the second:")
	}
	return st.runIndexOnly(ctx, tx, dest, prefix)
}

// runIndexOnly is run's second attempt: no time budget, and no plan but
// the search index's.
func (st *searchStmt) runIndexOnly(ctx context.Context, tx *sqlx.Tx, dest any, prefix string) error {
	_, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', '0', true), set_config('enable_indexscan', 'off', true)`)
	if err != nil {
		return err
	}
	return tx.SelectContext(ctx, dest, prefix+st.query(true), st.args(true)...)
}

// query is the statement; indexOnly is the second attempt's.
func (st *searchStmt) query(indexOnly bool) string {
	match := ""
	if indexOnly && st.scope.Narrow != "" && st.scope.Narrow != st.scope.Query {
		// ts_match_vq is @@ as a function, which no index serves.
		match = `AND ts_match_vq(m.search, $6::tsquery)`
	}
	if st.scope.Author != nil {
		match += ` AND m.user_id = $7`
	}
	return `
		SELECT ` + messageColumns + `, ts_headline('simple', m.body, $6::tsquery, $5) AS marked
		FROM (
			SELECT m.* FROM messages m
			WHERE ARRAY[m.room_id] && $1::bigint[] AND m.search @@ $2::tsquery ` + match + `
			  AND NOT m.deleted AND m.id < $3
			ORDER BY m.id DESC LIMIT $4
		) m JOIN users u ON u.id = m.user_id
		ORDER BY m.id DESC`
}

// args are the statement's: $2 is what the index is asked for, $6 the
// whole search.
func (st *searchStmt) args(indexOnly bool) []any {
	sc := st.scope
	index := sc.Query
	if indexOnly && sc.Narrow != "" {
		index = sc.Narrow
	}
	args := []any{sc.Rooms, index, st.before, st.limit + 1,
		"StartSel=" + st.start + ", StopSel=" + st.stop + ", HighlightAll=true", sc.Query}
	if sc.Author != nil {
		args = append(args, *sc.Author)
	}
	return args
}

// fmtMillis renders d as a PostgreSQL time setting.
func fmtMillis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }
