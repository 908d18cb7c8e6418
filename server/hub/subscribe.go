package hub

import (
	"context"
	"strconv"
)

// Broker topics. Every hub subscribes to presenceTopic, to the room topic of
// each room with a local member and to the user topic of each local user.
const presenceTopic = "presence"

func roomTopic(id int64) string { return "room:" + strconv.FormatInt(id, 10) }
func userTopic(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// joinRoom subscribes c to a room; known is the last seq the client already
// has. It returns the seq live delivery continues after: known, or later if
// this replica already delivered messages past it (they are committed, so
// the client can read them from history). While buffering, live events wait
// in the connection until the caller flushes them (after ready, or after a
// replay).
func (h *Hub) joinRoom(ctx context.Context, c *conn, id, known int64, buffering bool) int64 {
	c.mu.Lock()
	if st := c.rooms[id]; st != nil {
		c.mu.Unlock()
		return st.delivered
	}
	st := &connRoom{delivered: known, replaying: buffering}
	c.rooms[id] = st
	c.mu.Unlock()

	s := h.roomShard(id)
	s.mu.Lock()
	r := s.rooms[id]
	created := r == nil
	if created {
		r = &room{id: id, conns: make(map[*conn]struct{}), last: known}
		s.rooms[id] = r
	}
	r.mu.Lock()
	from := max(known, r.last)
	// Set under the room lock: no message of the room can slip in between.
	c.mu.Lock()
	st.delivered = max(st.delivered, from)
	c.mu.Unlock()
	r.conns[c] = struct{}{}
	r.mu.Unlock()
	s.mu.Unlock()
	if created {
		h.syncRoomSub(ctx, id)
	}
	return from
}

// leaveRoom unsubscribes c from a room.
func (h *Hub) leaveRoom(ctx context.Context, c *conn, id int64) {
	s := h.roomShard(id)
	s.mu.Lock()
	removed := false
	if r := s.rooms[id]; r != nil {
		r.mu.Lock()
		delete(r.conns, c)
		if len(r.conns) == 0 {
			delete(s.rooms, id)
			removed = true
			if r.timer != nil {
				r.timer.Stop()
				r.timer = nil
			}
		}
		r.mu.Unlock()
	}
	s.mu.Unlock()
	c.mu.Lock()
	delete(c.rooms, id)
	c.mu.Unlock()
	if removed {
		h.syncRoomSub(ctx, id)
	}
}

// syncRoomSub makes the broker subscription of a room match whether the
// room has local members, under the shard's subscription lock so that a
// quick leave and rejoin cannot reach the broker in the wrong order.
func (h *Hub) syncRoomSub(ctx context.Context, id int64) {
	s := h.roomShard(id)
	s.subMu.Lock()
	defer s.subMu.Unlock()
	s.mu.RLock()
	_, want := s.rooms[id]
	s.mu.RUnlock()
	if s.subscribed == nil {
		s.subscribed = make(map[int64]bool)
	}
	if want == s.subscribed[id] {
		return
	}
	if err := h.setSub(ctx, roomTopic(id), want); err != nil {
		h.log.Warn("hub: room subscription", "room", id, "subscribe", want, "err", err)
		return
	}
	if want {
		s.subscribed[id] = true
	} else {
		delete(s.subscribed, id)
	}
}

// addUserConn registers c under its user; first says it is the user's only
// connection on this replica.
func (h *Hub) addUserConn(ctx context.Context, c *conn) (first bool) {
	s := h.userShard(c.user.ID)
	s.mu.Lock()
	u := s.users[c.user.ID]
	if u == nil {
		u = &userConns{conns: make(map[*conn]struct{})}
		s.users[c.user.ID] = u
		first = true
	}
	u.conns[c] = struct{}{}
	s.mu.Unlock()
	if first {
		h.syncUserSub(ctx, c.user.ID)
	}
	return first
}

// removeUserConn unregisters c; last says no connection of the user is
// left on this replica.
func (h *Hub) removeUserConn(ctx context.Context, c *conn) (last bool) {
	s := h.userShard(c.user.ID)
	s.mu.Lock()
	if u := s.users[c.user.ID]; u != nil {
		delete(u.conns, c)
		if len(u.conns) == 0 {
			delete(s.users, c.user.ID)
			last = true
		}
	}
	s.mu.Unlock()
	if last {
		h.syncUserSub(ctx, c.user.ID)
	}
	return last
}

func (h *Hub) syncUserSub(ctx context.Context, id int64) {
	s := h.userShard(id)
	s.subMu.Lock()
	defer s.subMu.Unlock()
	s.mu.RLock()
	_, want := s.users[id]
	s.mu.RUnlock()
	if s.subscribed == nil {
		s.subscribed = make(map[int64]bool)
	}
	if want == s.subscribed[id] {
		return
	}
	if err := h.setSub(ctx, userTopic(id), want); err != nil {
		h.log.Warn("hub: user subscription", "user", id, "subscribe", want, "err", err)
		return
	}
	if want {
		s.subscribed[id] = true
	} else {
		delete(s.subscribed, id)
	}
}

func (h *Hub) setSub(ctx context.Context, topic string, on bool) error {
	ctx, cancel := context.WithTimeout(ctx, h.o.WriteTimeout)
	defer cancel()
	if on {
		return h.broker.Subscribe(ctx, topic)
	}
	return h.broker.Unsubscribe(ctx, topic)
}
