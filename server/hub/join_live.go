package hub

import "context"

// joinLive subscribes an open connection to a room its user just joined
// and queues the room_joined event; known is the room's last seq when the
// join was made, which that event tells the client. When this replica had
// already delivered messages past known before the connection joined, live
// delivery continues after them: those are replayed from history first,
// with the room's live messages held behind them, so that the client sees
// the room's seqs without a gap.
func (h *Hub) joinLive(c *conn, id, known int64, joined *outFrame) {
	if c.inRoom(id) || !c.isStarted() {
		// Already in (a re-check raced the event), or still connecting:
		// connect's own room list covers the room.
		h.joinRoom(h.baseCtx, c, id, known, false)
		c.push(joined)
		return
	}
	from, _ := h.joinRoom(h.baseCtx, c, id, known, true)
	c.push(joined)
	ch := h.chat()
	if from <= known || ch == nil || !c.startTask() {
		c.endReplay(id)
		return
	}
	go func() {
		defer c.tasks.Done()
		ctx, cancel := context.WithTimeout(c.ctx, resumeTimeout)
		defer cancel()
		// The replay lets the held live messages through when it ends,
		// whether or not it succeeded.
		if err := h.replay(ctx, ch, c, id, known); err != nil {
			h.replayFailed(c, err, id)
		}
	}()
}

// startTask counts a goroutine that works for the connection, unless the
// connection is already closing: serve waits for the tasks after closing
// it, so none may start later.
func (c *conn) startTask() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed() {
		return false
	}
	c.tasks.Add(1)
	return true
}

// endReplay lets a room's held live messages through when no replay will.
func (c *conn) endReplay(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.rooms[id]; st != nil && st.replaying {
		c.flushRoomLocked(st)
	}
}
