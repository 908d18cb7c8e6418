package loadsim

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Ledger keeps the books of a run: every send, its ack, and every delivery
// to every receiver, so that at the end it can say which acked messages a
// receiver never got (lost), which it got twice (duplicated) and which came
// in a lower seq than one already delivered on the same connection (out of
// order). It is safe for concurrent use.
type Ledger struct {
	Delivery *Histogram // send to live receipt, per receiver
	// Survivors is Delivery for receivers whose socket had not dropped
	// unexpectedly when the message came: in a failover run, the people
	// who were not on the failed server, absorbing those who were.
	Survivors *Histogram
	Ack       *Histogram // send to ack, per send

	mu        sync.Mutex
	pending   map[string]pendingSend
	ackedSeqs map[int64][]int64 // room → seqs acked by the server
	receivers []*Receiver

	sent, acked, sendErrors atomic.Int64
	delivered, duplicated   atomic.Int64
	outOfOrder, recovered   atomic.Int64
	replayed, preReady      atomic.Int64
}

type pendingSend struct {
	room int64
	at   time.Time
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{
		Delivery:  NewHistogram(),
		Survivors: NewHistogram(),
		Ack:       NewHistogram(),
		pending:   make(map[string]pendingSend),
		ackedSeqs: make(map[int64][]int64),
	}
}

// Sent records that clientID was sent to room at time at.
func (l *Ledger) Sent(clientID string, room int64, at time.Time) {
	l.sent.Add(1)
	l.mu.Lock()
	l.pending[clientID] = pendingSend{room: room, at: at}
	l.mu.Unlock()
}

// SendFailed records that the server refused clientID with an error event.
func (l *Ledger) SendFailed(clientID string) {
	l.mu.Lock()
	_, ok := l.pending[clientID]
	delete(l.pending, clientID)
	l.mu.Unlock()
	if ok {
		l.sendErrors.Add(1)
	}
}

// Acked records the server's promise that clientID is committed as seq of
// room. An ack for an unknown or already acked client id is ignored: a
// retried send legitimately returns the first message again.
func (l *Ledger) Acked(clientID string, room, seq int64, at time.Time) {
	l.mu.Lock()
	p, ok := l.pending[clientID]
	if ok {
		delete(l.pending, clientID)
		l.ackedSeqs[room] = append(l.ackedSeqs[room], seq)
	}
	l.mu.Unlock()
	if ok {
		l.acked.Add(1)
		l.Ack.Record(at.Sub(p.at))
	}
}

// Pending returns how many sends await their ack.
func (l *Ledger) Pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending)
}

// NewReceiver registers one simulated user's view of its rooms.
func (l *Ledger) NewReceiver() *Receiver {
	r := &Receiver{ledger: l, rooms: make(map[int64]*roomRecv), conn: make(map[int64]int64)}
	l.mu.Lock()
	l.receivers = append(l.receivers, r)
	l.mu.Unlock()
	return r
}

// Counts are the ledger's running totals.
type Counts struct {
	Sent       int64 `json:"sent"`
	Acked      int64 `json:"acked"`
	SendErrors int64 `json:"send_errors"`
	Delivered  int64 `json:"delivered"`
	Duplicated int64 `json:"duplicated"`
	OutOfOrder int64 `json:"out_of_order"`
	// Recovered counts messages first received through a resume replay:
	// the live fan-out missed them but the log made up for it.
	Recovered int64 `json:"recovered_by_resume"`
	Replayed  int64 `json:"replayed"`
	// PreReady counts live messages at or below the ready snapshot's seq.
	PreReady int64 `json:"pre_ready"`
}

// Counts returns the running totals.
func (l *Ledger) Counts() Counts {
	return Counts{
		Sent: l.sent.Load(), Acked: l.acked.Load(), SendErrors: l.sendErrors.Load(),
		Delivered: l.delivered.Load(), Duplicated: l.duplicated.Load(),
		OutOfOrder: l.outOfOrder.Load(), Recovered: l.recovered.Load(),
		Replayed: l.replayed.Load(), PreReady: l.preReady.Load(),
	}
}

// Loss is the verdict on acked messages once the run is over.
type Loss struct {
	// Lost counts (message, receiver) pairs: acked, the receiver was a
	// member that verified its rooms at the end, and it never got it.
	Lost int64 `json:"lost"`
	// Expected counts the (message, receiver) pairs that were checked.
	Expected int64 `json:"expected"`
	// Unverified counts receivers whose final resume did not complete, so
	// their misses cannot be told apart from a dropped connection.
	Unverified int `json:"unverified_receivers"`
	// Unacked counts sends that never got an ack or an error.
	Unacked int `json:"unacked"`
	// Examples names a few lost messages as "room/seq" for debugging.
	Examples []string `json:"examples,omitempty"`
}

// Loss checks every acked message against every receiver that was in its
// room. Call it after the receivers have stopped.
func (l *Ledger) Loss() Loss {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := Loss{Unacked: len(l.pending)}
	for _, seqs := range l.ackedSeqs {
		slices.Sort(seqs)
	}
	for _, r := range l.receivers {
		r.mu.Lock()
		if !r.verified {
			if len(r.rooms) > 0 {
				out.Unverified++
			}
			r.mu.Unlock()
			continue
		}
		for room, st := range r.rooms {
			for _, seq := range l.ackedSeqs[room] {
				if seq <= st.base {
					continue
				}
				out.Expected++
				if !st.has(seq) {
					out.Lost++
					if len(out.Examples) < 10 {
						out.Examples = append(out.Examples, formatRoomSeq(room, seq))
					}
				}
			}
		}
		r.mu.Unlock()
	}
	return out
}
