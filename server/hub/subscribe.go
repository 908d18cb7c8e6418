package hub

import (
	"context"
	"strconv"
	"sync"
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
//
// cold says the room was not yet receiving on this replica when c joined
// (no local member, or its broker subscription not yet made): a message
// committed after known but before the subscription reached nobody here,
// so the caller replays the room from the returned seq before going live.
func (h *Hub) joinRoom(ctx context.Context, c *conn, id, known int64, buffering bool) (from int64, cold bool) {
	c.mu.Lock()
	if st := c.rooms[id]; st != nil {
		c.mu.Unlock()
		return st.delivered, false
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
	from = max(known, r.last)
	// Set under the room lock: no message of the room can slip in between.
	c.mu.Lock()
	st.delivered = max(st.delivered, from)
	c.mu.Unlock()
	r.conns[c] = struct{}{}
	cold = !r.live
	r.mu.Unlock()
	s.mu.Unlock()
	if cold {
		// Waits for a subscription another join has under way, too.
		h.syncRoomSub(ctx, id)
		if h.roomSubscribed(id) {
			r.mu.Lock()
			r.live = true
			r.mu.Unlock()
		}
	}
	return from, cold
}

// roomSubscribed tells whether the broker subscription of a room is made.
func (h *Hub) roomSubscribed(id int64) bool {
	s := h.roomShard(id)
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	return s.subs.on[id]
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
// room has local members.
func (h *Hub) syncRoomSub(ctx context.Context, id int64) {
	s := h.roomShard(id)
	h.syncSub(ctx, &s.subs, "room", id, roomTopic(id), func() bool { return hasKey(&s.mu, s.rooms, id) })
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

// syncUserSub makes the broker subscription of a user match whether the
// user has local connections.
func (h *Hub) syncUserSub(ctx context.Context, id int64) {
	s := h.userShard(id)
	h.syncSub(ctx, &s.subs, "user", id, userTopic(id), func() bool { return hasKey(&s.mu, s.users, id) })
}

// hasKey tells whether m, guarded by mu, holds id.
func hasKey[V any](mu *sync.RWMutex, m map[int64]V, id int64) bool {
	mu.RLock()
	defer mu.RUnlock()
	_, ok := m[id]
	return ok
}

// topicSubs is one shard's broker subscriptions, of rooms or of users.
type topicSubs struct {
	// mu orders the shard's (un)subscriptions so that a quick leave and
	// rejoin cannot reach the broker in the wrong order.
	mu sync.Mutex
	on map[int64]bool
}

// syncSub subscribes to or unsubscribes from topic, the topic of the kind
// ("room", "user") and id, as want answers under subs' lock. A failure is
// logged and leaves the subscription as it was: the next change retries.
func (h *Hub) syncSub(ctx context.Context, subs *topicSubs, kind string, id int64, topic string, want func() bool) {
	subs.mu.Lock()
	defer subs.mu.Unlock()
	on := want()
	if on == subs.on[id] {
		return
	}
	if err := h.setSub(ctx, topic, on); err != nil {
		h.log.Warn("hub: "+kind+" subscription", kind, id, "subscribe", on, "err", err)
		return
	}
	if subs.on == nil {
		subs.on = make(map[int64]bool)
	}
	if on {
		subs.on[id] = true
	} else {
		delete(subs.on, id)
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
