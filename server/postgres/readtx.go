package postgres

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"

	"github.com/parleychat/parley/server/chat"
)

// readTx runs fn in a read-only transaction on the read replica when the
// context's freshness allows it for users (the rule of selectRouted), else
// on the primary; a transaction that fails on the replica is run again on
// the primary. It is for reads of several statements that must share
// settings (SET LOCAL) or one snapshot.
func (s *Store) readTx(ctx context.Context, users []int64, fn func(tx *sqlx.Tx) error) error {
	pool := s.primary
	if s.lag != nil && s.lag.fresh(chat.ReadFreshness(ctx), users...) {
		pool = s.replica
	}
	err := runReadTx(ctx, pool, fn)
	if pool == s.replica {
		if err == nil {
			s.replicaReads.Add(1)
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		s.fallbacks.Add(1)
		err = runReadTx(ctx, s.primary, fn)
	}
	s.primaryReads.Add(1)
	return err
}

func runReadTx(ctx context.Context, pool *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := pool.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
