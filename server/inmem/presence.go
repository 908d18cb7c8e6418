package inmem

import (
	"context"
	"sync"
)

// Presence tracks which users have a live connection, for one replica.
type Presence struct {
	mu     sync.Mutex
	online map[int64]struct{}
}

// NewPresence returns a presence with nobody online.
func NewPresence() *Presence { return &Presence{online: make(map[int64]struct{})} }

// Connect marks userID online; first says they were offline.
func (p *Presence) Connect(_ context.Context, userID int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, was := p.online[userID]
	p.online[userID] = struct{}{}
	return !was, nil
}

// Disconnect marks userID offline: the only replica has no connection of
// theirs left.
func (p *Presence) Disconnect(_ context.Context, userID int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, was := p.online[userID]
	delete(p.online, userID)
	return was, nil
}

// Online tells which of userIDs are online.
func (p *Presence) Online(_ context.Context, userIDs []int64) (map[int64]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		_, out[id] = p.online[id]
	}
	return out, nil
}

// Run waits for ctx: in one process no replica can vanish on its own.
func (p *Presence) Run(ctx context.Context, _ func(userID int64)) error {
	<-ctx.Done()
	return nil
}
