package loadsim

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Receiver is one simulated user's record of what it received, kept
// across its successive connections. Everything at or below the seq its
// first ready event reported for a room is history, not expected; every
// acked seq above must arrive, live or through resume.
type Receiver struct {
	ledger   *Ledger
	mu       sync.Mutex
	rooms    map[int64]*roomRecv
	conn     map[int64]int64 // room → highest seq on the current connection
	verified bool
	final    bool // the final resume is under way: its replays carry no latency
	// dropped says the socket has lost its connection unexpectedly at
	// least once: its deliveries no longer count as a survivor's.
	dropped atomic.Bool
}

// Dropped marks the receiver's socket as one that lost its connection.
func (r *Receiver) Dropped() { r.dropped.Store(true) }

type roomRecv struct {
	base  int64              // last_seq in the first ready: expectations start above it
	wm    int64              // every seq ≤ wm was received
	above map[int64]struct{} // received seqs beyond a gap
}

func (s *roomRecv) has(seq int64) bool {
	if seq <= s.wm {
		return true
	}
	_, ok := s.above[seq]
	return ok
}

func (s *roomRecv) mark(seq int64) {
	if seq != s.wm+1 {
		if s.above == nil {
			s.above = make(map[int64]struct{})
		}
		s.above[seq] = struct{}{}
		return
	}
	s.wm = seq
	for len(s.above) > 0 {
		if _, ok := s.above[s.wm+1]; !ok {
			return
		}
		delete(s.above, s.wm+1)
		s.wm++
	}
}

// Ready starts a new connection: rooms maps each room the server says the
// user belongs to onto its last seq. Rooms seen for the first time get
// their baseline; known rooms keep what was received before.
func (r *Receiver) Ready(rooms map[int64]int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.conn)
	for id, last := range rooms {
		if _, ok := r.rooms[id]; !ok {
			r.rooms[id] = &roomRecv{base: last, wm: last}
		}
	}
}

// Joined adds a room the user joined while connected.
func (r *Receiver) Joined(room, lastSeq int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.rooms[room]; !ok {
		r.rooms[room] = &roomRecv{base: lastSeq, wm: lastSeq}
	}
}

// Deliver records the receipt of seq in room on the current connection.
// replay says it came in answer to a resume. sentAt is the send time the
// body carried (zero when unknown). The first receipt of a message counts
// for latency, live or replayed (a replay after a gap is what a person
// waits for), except replays of the final resume, which only exist
// because the run stopped. gap says a live message skipped seqs: the
// moment a client resumes.
func (r *Receiver) Deliver(room, seq int64, sentAt, now time.Time, replay bool) (gap bool) {
	l := r.ledger
	r.mu.Lock()
	st := r.rooms[room]
	if st == nil {
		// A room outside the ready set (a direct message opened later):
		// counted, not checked.
		r.mu.Unlock()
		l.delivered.Add(1)
		if !replay && !sentAt.IsZero() {
			l.Delivery.Record(now.Sub(sentAt))
		}
		return false
	}
	if st.has(seq) {
		r.mu.Unlock()
		switch {
		case replay:
			l.replayed.Add(1)
		case seq <= st.base:
			l.preReady.Add(1)
		default:
			l.duplicated.Add(1)
		}
		return false
	}
	gap = !replay && seq > st.wm+1
	st.mark(seq)
	if last := r.conn[room]; seq < last {
		l.outOfOrder.Add(1)
	} else {
		r.conn[room] = seq
	}
	final := r.final
	r.mu.Unlock()
	l.delivered.Add(1)
	if replay {
		l.replayed.Add(1)
		l.recovered.Add(1)
	}
	if !sentAt.IsZero() && !(replay && final) {
		l.Delivery.Record(now.Sub(sentAt))
		if !r.dropped.Load() {
			l.Survivors.Record(now.Sub(sentAt))
		}
	}
	return gap
}

// Finalize marks the start of the final resume.
func (r *Receiver) Finalize() {
	r.mu.Lock()
	r.final = true
	r.mu.Unlock()
}

// Watermarks returns, per room, the seq up to which everything arrived:
// what a resume asks the server to continue from.
func (r *Receiver) Watermarks() map[int64]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int64]int64, len(r.rooms))
	for id, st := range r.rooms {
		out[id] = st.wm
	}
	return out
}

// Verify marks the receiver's final resume as complete: from now on its
// misses count as losses.
func (r *Receiver) Verify() {
	r.mu.Lock()
	r.verified = true
	r.mu.Unlock()
}

func formatRoomSeq(room, seq int64) string {
	return strconv.FormatInt(room, 10) + "/" + strconv.FormatInt(seq, 10)
}

// Watermark returns the seq up to which everything of room arrived.
func (r *Receiver) Watermark(room int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st := r.rooms[room]; st != nil {
		return st.wm
	}
	return 0
}
