package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// CommitBatch commits msgs as one batch, the way the committer would had
// they been queued together, through the single-statement attempt (fast)
// or straight through the careful one. It returns each send's message or
// error.
func (s *Store) CommitBatch(msgs []chat.NewMessage, fast bool) ([]*chat.Message, []error, error) {
	reqs := make([]*sendReq, len(msgs))
	for i, m := range msgs {
		reqs[i] = &sendReq{ctx: context.Background(), msg: m, done: make(chan sendResult, 1)}
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
