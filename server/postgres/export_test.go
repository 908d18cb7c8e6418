package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

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
