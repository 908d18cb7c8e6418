package inmem

import (
	"context"
	"sync"
)

// Presence counts each user's live connections, for one replica.
type Presence struct {
	mu    sync.Mutex
	conns map[int64]int
}

// NewPresence returns a presence with nobody online.
func NewPresence() *Presence { return &Presence{conns: make(map[int64]int)} }

// Connect records one more connection of userID unless the user already has
// limit of them (limit <= 0: no cap), which it reports with ok false and
// records nothing. first says the user had no connection before.
func (p *Presence) Connect(_ context.Context, userID int64, limit int) (first, ok bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.conns[userID]
	if limit > 0 && n >= limit {
		return false, false, nil
	}
	p.conns[userID] = n + 1
	return n == 0, true, nil
}

// Disconnect records that one connection of userID ended; last says none is
// left.
func (p *Presence) Disconnect(_ context.Context, userID int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.conns[userID] - 1
	if n <= 0 {
		delete(p.conns, userID)
		return true, nil
	}
	p.conns[userID] = n
	return false, nil
}

// Online tells which of userIDs are online.
func (p *Presence) Online(_ context.Context, userIDs []int64) (map[int64]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		out[id] = p.conns[id] > 0
	}
	return out, nil
}

// Run waits for ctx: in one process no replica can vanish on its own.
func (p *Presence) Run(ctx context.Context, _ func(userID int64)) error {
	<-ctx.Done()
	return nil
}
