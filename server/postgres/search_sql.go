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
	// the search index alone is tried (see searchStmt.run). It is a
	// safety net for a plan gone wrong, not a latency target: a busy
	// machine stretches good plans too, and trying again doubles their work.
	searchBudget = time.Second
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
	// other words, and Rest that prefix alone (see searchStmt.run); else
	// both are empty.
	Narrow string `db:"narrow"`
	Rest   string `db:"rest"`
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
	narrow, rest := "", ""
	if n := len(q.Terms); n > 1 && q.Terms[n-1].Prefix && utf8.RuneCountInString(q.Terms[n-1].Text) <= shortPrefix {
		narrow, rest = TSQuery(q.Terms[:n-1]), TSQuery(q.Terms[n-1:])
	}
	err := tx.GetContext(ctx, &st.scope, `
		SELECT set_config('work_mem', $6, true) AS work_mem, set_config('jit', 'off', true) AS jit,
		       set_config('statement_timeout', $8, true) AS budget,
		       to_tsquery('simple', $2)::text AS query, to_tsquery('simple', $7)::text AS narrow,
		       to_tsquery('simple', $9)::text AS rest,
		       ARRAY(SELECT ru.room_id FROM room_users ru JOIN rooms r ON r.id = ru.room_id
		             WHERE ru.user_id = $1 AND ($3 = 0 OR ru.room_id = $3) AND ($4 = '' OR lower(r.name) = lower($4))
		             ORDER BY ru.room_id) AS rooms,
		       (SELECT id FROM users WHERE username = $5) AS author`,
		userID, TSQuery(q.Terms), q.RoomID, q.In, q.From, searchWorkMem, narrow,
		fmtMillis(searchBudget), rest)
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
// the statement).
//
// The planner picks between the search index (the rooms' and the words'
// posting lists intersected inside it, then the matches sorted) and
// walking the newest messages backwards until enough match, which wins
// for words found in a good share of the rooms' messages. A short last
// prefix ("it", "de") is left out of what the index is asked for when
// there are other words: gathering every message of every word it begins
// costs far more than checking it on what the other words found. It is
// checked with ~@@, @@ as an operator no index serves but estimated like
// @@, so that the planner still knows how common it is.
//
// The planner's statistics know how common a word is, not whether the
// caller's rooms use it: a word frequent elsewhere and absent here can
// send the walk through the whole history. So this first attempt has
// searchBudget; past it, the search runs again on the index alone, asked
// for every word.
func (st *searchStmt) run(ctx context.Context, tx *sqlx.Tx, dest any, prefix string) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT search`); err != nil {
		return err
	}
	query, args := st.statement(true)
	err := tx.SelectContext(ctx, dest, prefix+query, args...)
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

// runIndexOnly is run's second attempt: no time budget, no plan but the
// search index's, every word asked of it.
func (st *searchStmt) runIndexOnly(ctx context.Context, tx *sqlx.Tx, dest any, prefix string) error {
	_, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', '0', true), set_config('enable_indexscan', 'off', true)`)
	if err != nil {
		return err
	}
	query, args := st.statement(false)
	return tx.SelectContext(ctx, dest, prefix+query, args...)
}

// statement is the query and its arguments. narrowed asks the index for
// the words but a short last prefix, when there is one to leave out.
func (st *searchStmt) statement(narrowed bool) (string, []any) {
	sc := st.scope
	args := []any{sc.Rooms, st.before, st.limit + 1,
		"StartSel=" + st.start + ", StopSel=" + st.stop + ", HighlightAll=true", sc.Query}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// A walk tests these in the order written (their costs tie): the
	// words first, a binary search in the row's tsvector, then the rooms,
	// a comparison with each of them (measured: 1.2 against 1.7 µs a row
	// with 50 rooms).
	index, match := "$5", ""
	if narrowed && sc.Narrow != "" && sc.Rest != "" {
		index = arg(sc.Narrow)
		match = `AND m.search ~@@ ` + arg(sc.Rest) + `::tsquery`
	}
	if sc.Author != nil {
		match += ` AND m.user_id = ` + arg(*sc.Author)
	}
	return `
		SELECT ` + messageColumns + `, ts_headline('simple', m.body, $5::tsquery, $4) AS marked
		FROM (
			SELECT m.* FROM messages m
			WHERE m.search @@ ` + index + `::tsquery ` + match + ` AND ARRAY[m.room_id] && $1::bigint[]
			  AND NOT m.deleted AND m.id < $2
			ORDER BY m.id DESC LIMIT $3
		) m JOIN users u ON u.id = m.user_id
		ORDER BY m.id DESC`, args
}

// fmtMillis renders d as a PostgreSQL time setting.
func fmtMillis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }
