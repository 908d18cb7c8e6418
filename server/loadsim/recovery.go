package loadsim

import (
	"slices"
	"sync"
	"time"
)

// recoveryBook times each unplanned disconnect: from the drop to the
// socket being ready again with its resume answered, so that what the
// user missed is back on screen.
type recoveryBook struct {
	mu      sync.Mutex
	pending map[int]time.Time // socket → when it dropped
	done    []recovery
}

type recovery struct {
	dropped, recovered time.Time
}

func newRecoveryBook() *recoveryBook {
	return &recoveryBook{pending: make(map[int]time.Time)}
}

// Dropped records that socket id lost its connection at at. A second drop
// before it recovered keeps the first time: the user has been without a
// working socket since then.
func (b *recoveryBook) Dropped(id int, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.pending[id]; !ok {
		b.pending[id] = at
	}
}

// Recovered records that socket id is back; it is ignored when the socket
// had not dropped (a first connect, a planned reconnect).
func (b *recoveryBook) Recovered(id int, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.pending[id]
	if !ok {
		return
	}
	delete(b.pending, id)
	b.done = append(b.done, recovery{dropped: d, recovered: at})
}

// RecoveryResult sums up the unplanned disconnects of a run.
type RecoveryResult struct {
	Drops       int     `json:"drops"`
	Recovered   int     `json:"recovered"`
	Unrecovered int     `json:"unrecovered"`
	MaxSec      float64 `json:"max_s"`
	P99Sec      float64 `json:"p99_s"`
	P50Sec      float64 `json:"p50_s"`
	// Windows groups the drops by the fault that preceded them.
	Windows []RecoveryWindow `json:"windows,omitempty"`
}

// RecoveryWindow is one fault's disturbance: the drops that followed it
// (before the next fault) and the time from its first drop to the last
// of them recovered.
type RecoveryWindow struct {
	Fault         string  `json:"fault"` // "" for drops before any fault
	Drops         int     `json:"drops"`
	Unrecovered   int     `json:"unrecovered"`
	FirstDropSec  float64 `json:"first_drop_s"` // from the start of the run
	LastRecovered float64 `json:"last_recovered_s"`
	// RecoverSec is first drop to last recovery; -1 when one never did.
	RecoverSec float64 `json:"recover_s"`
}

// result judges the book at now: drops still pending are unrecovered.
// faults (in time order) define the windows; runStart is the time origin.
func (b *recoveryBook) result(faults []FaultEvent, runStart time.Time) RecoveryResult {
	b.mu.Lock()
	done := slices.Clone(b.done)
	var pending []time.Time
	for _, t := range b.pending {
		pending = append(pending, t)
	}
	b.mu.Unlock()

	out := RecoveryResult{Drops: len(done) + len(pending), Recovered: len(done), Unrecovered: len(pending)}
	secs := make([]float64, len(done))
	for i, r := range done {
		secs[i] = r.recovered.Sub(r.dropped).Seconds()
	}
	slices.Sort(secs)
	if n := len(secs); n > 0 {
		out.MaxSec = round3(secs[n-1])
		out.P99Sec = round3(secs[min(n-1, int(0.99*float64(n)))])
		out.P50Sec = round3(secs[n/2])
	}

	var ran []FaultEvent
	for _, f := range faults {
		if !f.start.IsZero() {
			ran = append(ran, f)
		}
	}
	// windowOf is the index of the last fault started at or before t, -1
	// before any; a window of index i is windows[i+1].
	windowOf := func(t time.Time) int {
		i := -1
		for j, f := range ran {
			if !f.start.After(t) {
				i = j
			}
		}
		return i
	}
	type acc struct {
		w               RecoveryWindow
		first, last     time.Time
		anyDrop, anyRec bool
	}
	accs := make([]acc, len(ran)+1)
	for i := range ran {
		accs[i+1].w.Fault = ran[i].Cmd
	}
	note := func(dropped, recovered time.Time) {
		a := &accs[windowOf(dropped)+1]
		a.w.Drops++
		if !a.anyDrop || dropped.Before(a.first) {
			a.first = dropped
		}
		a.anyDrop = true
		if recovered.IsZero() {
			a.w.Unrecovered++
			return
		}
		if !a.anyRec || recovered.After(a.last) {
			a.last = recovered
		}
		a.anyRec = true
	}
	for _, r := range done {
		note(r.dropped, r.recovered)
	}
	for _, t := range pending {
		note(t, time.Time{})
	}
	for i, a := range accs {
		if i == 0 && a.w.Drops == 0 {
			continue
		}
		w := a.w
		w.RecoverSec = -1
		if a.anyDrop {
			w.FirstDropSec = round3(a.first.Sub(runStart).Seconds())
		}
		if a.anyRec {
			w.LastRecovered = round3(a.last.Sub(runStart).Seconds())
		}
		switch {
		case w.Drops == 0:
			w.RecoverSec = 0
		case w.Unrecovered == 0:
			w.RecoverSec = round3(a.last.Sub(a.first).Seconds())
		}
		out.Windows = append(out.Windows, w)
	}
	return out
}
