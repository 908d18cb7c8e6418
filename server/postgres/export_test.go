package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

// CommitBatch commits msgs as one batch, the way the committer would had
// they been queued together, through the single-statement attempt (fast)
// or straight through the careful one. It returns each send's message or
// error.
func (s *Store) CommitBatch(msgs []chat.NewMessage, fast bool) ([]*chat.Message, []error, error) {
	reqs := make([]*sendReq, len(msgs))
	for i, m := range msgs {
		reqs[i] = &sendReq{ctx: context.Background(), msg: m, done: make(chan sendResult, 1), mentions: chat.ParseMentions(m.Body)}
	}
	commit := s.commitChecked
	if fast {
		commit = s.commitGroup
	}
	results, err := commit(reqs)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*chat.Message, len(results))
	errs := make([]error, len(results))
	for i, r := range results {
		out[i], errs[i] = r.msg, r.err
	}
	return out, errs, nil
}

// CommitBatchCreated commits msgs as one batch of group commit, the fast way or,
// with careful, the way commitGroup takes once the fast attempt met a send
// committed earlier. Tests use it to put several sends in one batch
// without racing the committer.
func (s *Store) CommitBatchCreated(msgs []chat.NewMessage, careful bool) ([]*chat.Message, []bool, error) {
	reqs := make([]*sendReq, len(msgs))
	for i, m := range msgs {
		reqs[i] = &sendReq{ctx: context.Background(), msg: m, mentions: chat.ParseMentions(m.Body)}
	}
	commit := s.commitFast
	if careful {
		commit = s.commitChecked
	}
	results, err := commit(reqs)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*chat.Message, len(results))
	created := make([]bool, len(results))
	for i, r := range results {
		out[i], created[i] = r.msg, r.created
		if r.err != nil {
			return nil, nil, r.err
		}
	}
	return out, created, nil
}

// SearchIndexOnly runs a search as the second attempt of
// searchStmt.run does, for tests: what a search that ran out of time
// answers must not differ from what the planner's choice answers.
func (s *Store) SearchIndexOnly(ctx context.Context, userID int64, q chat.Search) ([]chat.SearchHit, bool, error) {
	var st *searchStmt
	var rows []searchHit
	err := s.readTx(ctx, []int64{userID}, func(tx *sqlx.Tx) error {
		var err error
		if st, err = prepareSearch(ctx, tx, userID, q); err != nil || st == nil {
			return err
		}
		return st.runIndexOnly(ctx, tx, &rows, "")
	})
	if err != nil || st == nil {
		return nil, false, err
	}
	more := len(rows) > st.limit
	if more {
		rows = rows[:st.limit]
	}
	hits := []chat.SearchHit{}
	for _, r := range rows {
		hits = append(hits, chat.SearchHit{Message: r.Message, Highlight: Highlight(r.Body, r.Marked, st.start, st.stop)})
	}
	return hits, more, nil
}
