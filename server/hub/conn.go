package hub

import (
	"context"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
)

// Close codes the hub sends.
const (
	closeGoingAway   = websocket.CloseGoingAway       // 1001: server draining
	closePolicy      = websocket.ClosePolicyViolation // 1008: no authenticated user
	closeTooBig      = websocket.CloseMessageTooBig   // 1009: frame over ReadLimit
	closeInternal    = websocket.CloseInternalServerErr
	closeTryLater    = websocket.CloseTryAgainLater   // 1013: send queue full
	closeUnsupported = websocket.CloseUnsupportedData // 1003: a binary frame
	// closeSessionEnded: the session the socket was opened with was
	// revoked or expired; reconnecting with the same token cannot work.
	closeSessionEnded = 4001
	// closeTooMany: the user already holds MaxSocketsPerUser connections.
	closeTooMany      = 4029
	closeGrace        = 2 * time.Second
	maxReplayBuffered = 4096
)

// conn is one live WebSocket. Its reader runs in the handler goroutine; a
// writer goroutine runs only while frames wait, so an idle connection costs
// one goroutine and no queue. Everything else only queues frames.
type conn struct {
	h    *Hub
	ws   *websocket.Conn
	user chat.User
	// session is the sign-in the socket was opened with; a zero ID means
	// the authentication layer gave none, and only the user is known.
	session chat.Session
	ctx     context.Context
	stop    context.CancelFunc
	done    chan struct{}

	closeOnce sync.Once
	closeCode int
	closeText string

	mu sync.Mutex
	// q is the send queue, bounded by QueueSize. writing says a writer
	// goroutine is draining it; finished that the close frame went out.
	q        []*outFrame
	writing  bool
	finished bool
	writers  sync.WaitGroup
	// tasks counts goroutines working for the connection besides its
	// reader and writer (a replay after a live join).
	tasks sync.WaitGroup
	// wake tells a lingering writer that frames arrived.
	wake chan struct{}
	// spare is the writer's other buffer, swapped with q on each drain so a
	// busy connection queues without allocating.
	spare []*outFrame
	rooms map[int64]*connRoom
	// early holds user events that arrive before ready is queued.
	early   []*outFrame
	started bool

	// Owned by the reader goroutine.
	limiter sendLimiter
	typing  map[int64]time.Time
}

// connRoom is one connection's delivery state in one room.
type connRoom struct {
	// delivered is the highest seq queued to the client: anything at or
	// below it is a duplicate.
	delivered int64
	// sent lists the runs of seqs queued on this connection since it
	// opened; a replay skips them, so that a resume repeats nothing that
	// arrived live. Gaps are rare (a broker outage), so it stays short.
	sent spans
	// replaying buffers live events while history is replayed, so that
	// they follow it instead of overtaking it.
	replaying bool
	buf       []*outFrame
}

// offer queues a room-scoped frame unless the connection has left the room,
// already has that seq, or is replaying it. It reports whether it queued.
func (c *conn) offer(f *outFrame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.rooms[f.room]
	if st == nil {
		return false
	}
	if st.replaying {
		if f.lossy {
			return false // stale by the time the replay ends
		}
		if len(st.buf) >= maxReplayBuffered {
			c.closeLocked(closeTryLater, "too far behind, reconnect and resume")
			return false
		}
		st.buf = append(st.buf, f)
		return false
	}
	if f.seq > 0 && !st.advance(f.seq) {
		return false
	}
	return c.pushLocked(f)
}

// advance records that seq goes to the client; false if it already has.
func (st *connRoom) advance(seq int64) bool {
	if seq <= st.delivered {
		return false
	}
	st.sent = st.sent.add(seq, seq)
	st.delivered = seq
	return true
}

// push queues a frame that is not tied to a room's order.
func (c *conn) push(f *outFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		c.early = append(c.early, f)
		return
	}
	c.pushLocked(f)
}

// pingFrame in a queue asks the writer for a protocol ping.
var pingFrame = &outFrame{}

// pushLocked never waits: a client that cannot keep up is disconnected (it
// will resume) rather than allowed to slow anyone else.
func (c *conn) pushLocked(f *outFrame) bool {
	if c.closed() {
		return false
	}
	if f.lossy && len(c.q) >= c.h.o.QueueSize/2 {
		c.h.m.lossyDropped.Inc()
		return false
	}
	if len(c.q) >= c.h.o.QueueSize {
		c.h.m.slowClosed.Inc()
		c.closeLocked(closeTryLater, "send queue full, reconnect and resume")
		return false
	}
	c.q = append(c.q, f)
	c.kickLocked()
	return true
}

// close asks the writer to send a close frame and stop; the first reason
// wins.
func (c *conn) close(code int, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked(code, text)
}

func (c *conn) closeLocked(code int, text string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.done)
		c.kickLocked()
	})
}

func (c *conn) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// queued is the length of the send queue.
func (c *conn) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.q)
}

// start queues the ready frame, then whatever waited for it. The rooms of
// keep go on buffering: a replay will flush them.
func (c *conn) start(ready *outFrame, keep map[int64]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started = true
	if ready != nil {
		c.pushLocked(ready)
	}
	for _, f := range c.early {
		c.pushLocked(f)
	}
	c.early = nil
	for id, st := range c.rooms {
		if _, kept := keep[id]; st.replaying && !kept {
			c.flushRoomLocked(st)
		}
	}
}

// flushRoomLocked ends a room's buffering, queuing what the client does
// not have yet.
func (c *conn) flushRoomLocked(st *connRoom) {
	for _, f := range st.buf {
		if f.seq > 0 && !st.advance(f.seq) {
			continue
		}
		c.pushLocked(f)
	}
	st.buf = nil
	st.replaying = false
}

// roomIDs lists the rooms the connection is subscribed to.
func (c *conn) roomIDs() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]int64, 0, len(c.rooms))
	for id := range c.rooms {
		ids = append(ids, id)
	}
	return ids
}

func (c *conn) inRoom(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rooms[id] != nil
}
