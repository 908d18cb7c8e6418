package hub

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
)

// outFrame is one event ready to write. The fan-out builds it once and hands
// the same pointer to every receiver.
type outFrame struct {
	data []byte
	// pm holds the frame's wire forms, built once per broadcast: writing
	// it needs neither an allocation nor the connection's write buffer.
	pm *websocket.PreparedMessage
	// compress is set above the threshold when compression is on, so the
	// deflate too runs once per broadcast.
	compress bool
	room     int64
	seq      int64
	// committed is a message's commit time in Unix microseconds (0 for
	// other events), for the delivery latency histogram.
	committed int64
	// at is when the frame was fanned out (a message) or queued (an ack),
	// for the write stage of the send-path histogram; zero for frames that
	// are not measured.
	at  time.Time
	ack bool
	// lossy marks state the client can do without (presence, typing): a
	// connection whose queue is half full skips it instead of being
	// closed for it.
	lossy bool
}

// room is this replica's view of one room: the local connections subscribed
// to it, and a sequencer that hands messages to them in seq order whatever
// order they arrived in (publishes from several replicas and commit batches
// race each other).
type room struct {
	id    int64
	mu    sync.Mutex
	conns map[*conn]struct{}
	last  int64
	held  []*outFrame
	timer *time.Timer
	// live says the broker subscription was made after the room appeared
	// here: from then on every message of the room reaches it.
	live bool
}

type roomShard struct {
	mu    sync.RWMutex
	rooms map[int64]*room
	subs  topicSubs
}

type userConns struct {
	conns map[*conn]struct{}
	// memMu orders changes of the user's room subscriptions (events and
	// re-checks); memVer counts the events applied, so that a re-check
	// whose snapshot of memberships an event overtook is not applied.
	memMu  sync.Mutex
	memVer uint64
}

type userShard struct {
	mu    sync.RWMutex
	users map[int64]*userConns
	subs  topicSubs
}

func (h *Hub) roomShard(id int64) *roomShard { return &h.rooms[uint64(id)%numShards] }
func (h *Hub) userShard(id int64) *userShard { return &h.users[uint64(id)%numShards] }

// localRoom is this replica's state of a room, nil without local members.
func (h *Hub) localRoom(id int64) *room {
	s := h.roomShard(id)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rooms[id]
}

// offerMessage passes a message through the room's sequencer.
func (h *Hub) offerMessage(f *outFrame) {
	r := h.localRoom(f.room)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case f.seq <= r.last:
		return
	case f.seq == r.last+1:
		r.last = f.seq
		h.fanoutMessage(r, f)
		for len(r.held) > 0 && r.held[0].seq <= r.last+1 {
			if g := r.held[0]; g.seq == r.last+1 {
				r.last = g.seq
				h.fanoutMessage(r, g)
			}
			r.held = r.held[1:]
		}
		if len(r.held) == 0 && r.timer != nil {
			r.timer.Stop()
			r.timer = nil
		}
	default:
		i, found := slices.BinarySearchFunc(r.held, f.seq, func(g *outFrame, seq int64) int {
			return int(g.seq - seq)
		})
		if found {
			return
		}
		r.held = slices.Insert(r.held, i, f)
		if r.timer == nil {
			r.timer = time.AfterFunc(h.o.ReorderWait, func() { h.releaseHeld(r) })
		}
	}
}

// releaseHeld stops waiting for the live events of missing seqs. Every
// held message was committed, and a room's seqs are committed in order, so
// every missing message before the last held one is in the store: they
// are read from it and merged with the held ones, keeping every
// connection's order (their live events, when they come, are then
// duplicates and dropped). Only what the store does not give is skipped,
// and the held messages delivered past the gap, for clients to fill by
// resuming.
func (h *Hub) releaseHeld(r *room) {
	r.mu.Lock()
	r.timer = nil
	if len(r.held) == 0 {
		r.mu.Unlock()
		return
	}
	after, upTo := r.last, r.held[len(r.held)-1].seq-1
	r.mu.Unlock()
	missing := h.committedFrames(r.id, after, upTo)

	r.mu.Lock()
	defer r.mu.Unlock()
	filled := len(missing)
	h.m.filledFromStore.Add(float64(filled))
	// Messages held while the store was read, past what was asked for,
	// wait their own turn: the fill says nothing of the seqs before them.
	held, later := r.held, []*outFrame(nil)
	for i, g := range held {
		if g.seq > upTo+1 {
			held, later = held[:i], held[i:]
			break
		}
	}
	r.held = nil
	// Both lists are in seq order; a seq in both is delivered once.
	for len(missing) > 0 || len(held) > 0 {
		var f *outFrame
		if len(held) == 0 || (len(missing) > 0 && missing[0].seq <= held[0].seq) {
			f, missing = missing[0], missing[1:]
		} else {
			f, held = held[0], held[1:]
		}
		if f.seq <= r.last {
			continue
		}
		if f.seq > r.last+1 {
			h.m.reorderTimeouts.Inc()
			h.log.Warn("hub: delivering past a gap the store did not fill; members resume across it",
				"room", r.id, "after", r.last, "seq", f.seq, "filled", filled)
		}
		r.last = f.seq
		h.fanoutMessage(r, f)
	}
	for i, g := range later {
		if g.seq <= r.last {
			continue
		}
		if g.seq > r.last+1 {
			r.held = later[i:]
			break
		}
		r.last = g.seq
		h.fanoutMessage(r, g)
	}
	if len(r.held) > 0 && r.timer == nil {
		r.timer = time.AfterFunc(h.o.ReorderWait, func() { h.releaseHeld(r) })
	}
}

// fillTimeout bounds the store reads that fill in late messages.
const fillTimeout = 2 * time.Second

// maxFill bounds how many late messages one fill delivers.
const maxFill = 1000

// committedFrames reads a room's messages after..upTo from the store and
// frames them for the fan-out; nil if the store does not answer.
func (h *Hub) committedFrames(roomID, after, upTo int64) []*outFrame {
	ch := h.chat()
	if ch == nil || upTo <= after {
		return nil
	}
	// A fill that gives up leaves a gap every member must resume across,
	// so it may take longer than the wait that started it.
	ctx, cancel := context.WithTimeout(h.baseCtx, fillTimeout)
	defer cancel()
	// The store answers a page at a time; a long gap (a broker or
	// database outage) takes several, up to maxFill: past that, members
	// are better served by resuming than by a flood of live frames.
	var msgs []chat.Message
	for cursor := after; cursor < upTo && len(msgs) < maxFill; {
		page, err := ch.CommittedMessages(ctx, roomID, cursor, upTo)
		if err != nil {
			h.log.Warn("hub: filling a late message from the store", "room", roomID, "err", err)
			break
		}
		if len(page) == 0 {
			break
		}
		msgs = append(msgs, page...)
		cursor = page[len(page)-1].Seq
	}
	frames := make([]*outFrame, 0, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		data, err := encode(messageEvent{Type: "message", Message: m})
		if err != nil {
			h.log.Error("hub: encode a filled message", "err", err)
			return frames
		}
		f := h.frame(data, m.RoomID, m.Seq)
		f.committed = m.CreatedAt.UnixMicro()
		frames = append(frames, f)
	}
	return frames
}

// offerRoom delivers an unsequenced event to a room's local connections,
// except those of user skip.
func (h *Hub) offerRoom(f *outFrame, skip int64) {
	r := h.localRoom(f.room)
	if r == nil {
		return
	}
	r.mu.Lock()
	h.fanout(r, f, skip)
	r.mu.Unlock()
}

// fanoutMessage fans a message out in its turn and records how long it
// took from its commit.
func (h *Hub) fanoutMessage(r *room, f *outFrame) {
	f.at = time.Now()
	h.fanout(r, f, 0)
	if f.committed > 0 {
		h.m.delivery.Observe(max(0, time.Since(time.UnixMicro(f.committed)).Seconds()))
	}
}

// fanout hands f to every connection of r; r.mu is held. It allocates
// nothing per receiver.
func (h *Hub) fanout(r *room, f *outFrame, skip int64) {
	n := 0
	for c := range r.conns {
		if skip != 0 && c.user.ID == skip {
			continue
		}
		if c.offer(f) {
			n++
		}
	}
	h.m.delivered.Add(float64(n))
}

// offerUser hands f to every local connection of a user; a frame about a
// room (f.room set) only to those subscribed to it, in its turn with the
// room's replay.
func (h *Hub) offerUser(userID int64, f *outFrame) {
	s := h.userShard(userID)
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.users[userID]
	if u == nil {
		return
	}
	for c := range u.conns {
		if f.room != 0 {
			c.offer(f)
		} else {
			c.push(f)
		}
	}
}

// userConnsOf returns a copy of a user's local connections, for work that
// must not run under the shard lock.
func (h *Hub) userConnsOf(userID int64) []*conn {
	s := h.userShard(userID)
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.users[userID]
	if u == nil {
		return nil
	}
	out := make([]*conn, 0, len(u.conns))
	for c := range u.conns {
		out = append(out, c)
	}
	return out
}

// eachConn calls fn for every local connection.
func (h *Hub) eachConn(fn func(*conn)) {
	for i := range h.users {
		s := &h.users[i]
		s.mu.RLock()
		for _, u := range s.users {
			for c := range u.conns {
				fn(c)
			}
		}
		s.mu.RUnlock()
	}
}
