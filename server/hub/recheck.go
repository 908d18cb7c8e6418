package hub

import (
	"context"
	"sync"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// recheckWorkers bounds the concurrent re-checks, so a full re-check after
// a broker reconnect does not flood the store.
const recheckWorkers = 8

// requestResync asks for a re-check of every local connection; it never
// blocks, and requests that pile up make one re-check.
func (h *Hub) requestResync() {
	select {
	case h.resync <- struct{}{}:
	default:
	}
}

// recheckLoop re-checks one user shard every RecheckInterval/numShards, so
// each connection is re-checked once per interval at an even cost, and all
// of them at once when events may have been lost (a broker reconnect, a
// replica whose publishes failed, a full control queue). Delivery itself
// stays free of checks: the re-check corrects the subscriptions it reads.
func (h *Hub) recheckLoop(ctx context.Context) {
	t := time.NewTicker(max(h.o.RecheckInterval/numShards, time.Millisecond))
	defer t.Stop()
	next := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.resync:
			ids := make([]int64, 0)
			for i := range h.users {
				ids = append(ids, h.usersOfShard(i)...)
			}
			h.recheckUsers(ctx, ids)
		case <-t.C:
			h.recheckUsers(ctx, h.usersOfShard(next))
			next = (next + 1) % numShards
		}
	}
}

func (h *Hub) usersOfShard(i int) []int64 {
	s := &h.users[i]
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]int64, 0, len(s.users))
	for id := range s.users {
		ids = append(ids, id)
	}
	return ids
}

// recheckUsers re-checks users with at most recheckWorkers at a time and
// returns when all are done.
func (h *Hub) recheckUsers(ctx context.Context, ids []int64) {
	ch := h.chat()
	if ch == nil || len(ids) == 0 {
		return
	}
	work := make(chan int64)
	var wg sync.WaitGroup
	for range min(recheckWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				h.recheckUser(ctx, ch, id)
			}
		}()
	}
	for _, id := range ids {
		select {
		case work <- id:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
}

// recheckUser closes the user's connections whose session ended and makes
// their room subscriptions match the user's memberships.
func (h *Hub) recheckUser(ctx context.Context, ch Chat, userID int64) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	u, ver, conns := h.userSnapshot(userID)
	if u == nil {
		return
	}
	h.recheckSessions(ctx, ch, conns)
	rooms, err := ch.MyRooms(ctx, &conns[0].user)
	if err != nil {
		if ctx.Err() == nil {
			h.log.Warn("hub: re-check rooms", "user", userID, "err", err)
		}
		return
	}
	want := make(map[int64]*chat.Room, len(rooms))
	for i := range rooms {
		want[rooms[i].ID] = &rooms[i]
	}
	u.memMu.Lock()
	defer u.memMu.Unlock()
	if u.memVer != ver {
		return // a join or leave overtook the snapshot; the next round checks
	}
	for _, c := range conns {
		if !c.isStarted() || c.closed() {
			continue // connect subscribes it from a fresher list
		}
		for _, id := range c.roomIDs() {
			if want[id] == nil {
				h.leaveRoom(ctx, c, id)
				h.pushEvent(c, roomIDEvent{Type: "room_left", RoomID: id})
			}
		}
		for id, r := range want {
			if c.inRoom(id) {
				continue
			}
			room := *r
			room.Unread = nil
			data, err := encode(roomEvent{Type: "room_joined", Room: &room})
			if err != nil {
				h.log.Error("hub: encode event", "err", err)
				continue
			}
			h.joinLive(c, id, r.LastSeq, &outFrame{data: data})
		}
	}
}

// recheckSessions closes the connections whose session expired or ended,
// asking the store once per session.
func (h *Hub) recheckSessions(ctx context.Context, ch Chat, conns []*conn) {
	now := time.Now()
	dead := make(map[string]bool)
	for _, c := range conns {
		if c.expired(now) {
			c.close(closeSessionEnded, "session expired, sign in again")
			continue
		}
		id := c.session.ID
		if id == "" {
			continue
		}
		ended, seen := dead[id]
		if !seen {
			err := ch.SessionAlive(ctx, id)
			ended = chat.ErrorCode(err) == chat.EUNAUTHENTICATED
			if err != nil && !ended && ctx.Err() == nil {
				h.log.Warn("hub: re-check session", "user", c.user.ID, "err", err)
			}
			dead[id] = ended
		}
		if ended {
			c.close(closeSessionEnded, "session ended, sign in again")
		}
	}
}

// userSnapshot returns a user's local connections with the membership
// version they were taken at; u is nil when the user has none.
func (h *Hub) userSnapshot(userID int64) (u *userConns, ver uint64, conns []*conn) {
	s := h.userShard(userID)
	s.mu.RLock()
	u = s.users[userID]
	s.mu.RUnlock()
	if u == nil {
		return nil, 0, nil
	}
	u.memMu.Lock()
	ver = u.memVer
	u.memMu.Unlock()
	conns = h.userConnsOf(userID)
	if len(conns) == 0 {
		return nil, 0, nil
	}
	return u, ver, conns
}

// changeMembership applies a join or leave event to the user's local
// connections, ordered against re-checks.
func (h *Hub) changeMembership(userID int64, apply func(conns []*conn)) {
	s := h.userShard(userID)
	s.mu.RLock()
	u := s.users[userID]
	s.mu.RUnlock()
	if u == nil {
		return
	}
	u.memMu.Lock()
	defer u.memMu.Unlock()
	u.memVer++
	apply(h.userConnsOf(userID))
}

// pushEvent encodes an event for one connection.
func (h *Hub) pushEvent(c *conn, v any) {
	data, err := encode(v)
	if err != nil {
		h.log.Error("hub: encode event", "err", err)
		return
	}
	c.push(&outFrame{data: data})
}

func (c *conn) isStarted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.started
}
