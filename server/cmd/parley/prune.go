package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleychat/parley/server/app"
)

// pruneSessions deletes expired sessions every interval until ctx ends.
// Expired sessions are refused anyway; this keeps the table from growing
// with every sign-in ever made. Every replica runs it: the delete is
// idempotent and cheap when another replica got there first.
func pruneSessions(a *app.App, interval time.Duration, log *slog.Logger) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
			n, err := a.PruneSessions(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("prune expired sessions", "err", err)
			case n > 0:
				log.Info("pruned expired sessions", "count", n)
			}
		}
	}
}
