package valkeystore

import (
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/valkey-io/valkey-go"
)

// trackBuckets is how many generations a Tracker keeps; an invalidation
// moves the generation of its key's bucket, so a larger number only means
// fewer copies dropped because another key shares their bucket.
const trackBuckets = 1 << 12

// Tracker follows the invalidations Valkey pushes to a client (RESP3
// CLIENT TRACKING) so that a Cache can tell whether a version it copied may
// still be trusted. Every copy records its key's bucket generation and the
// tracker's epoch before it asks Valkey; the copy is good while neither has
// moved. A lost connection (valkey-go reports it as an invalidation of
// everything) moves the epoch, so nothing copied before it is trusted
// again.
//
// Install Handle as the client's ClientOption.OnInvalidations.
type Tracker struct {
	seed   maphash.Seed
	epoch  atomic.Uint64
	resets atomic.Uint64
	gens   [trackBuckets]atomic.Uint64

	// watch, if set, is told when the key it names is invalidated; the
	// probe uses it to time invalidations.
	watch atomic.Pointer[watch]
}

type watch struct {
	key string
	ch  chan time.Time
}

// NewTracker returns a Tracker to install on one client.
func NewTracker() *Tracker {
	return &Tracker{seed: maphash.MakeSeed()}
}

// Handle receives invalidations from valkey-go: nil means every key (a
// FLUSHALL, a lost connection), else the keys that changed. It runs on the
// connection's reading goroutine, so it only counts.
func (t *Tracker) Handle(msgs []valkey.ValkeyMessage) {
	if msgs == nil {
		t.epoch.Add(1)
		t.resets.Add(1)
		return
	}
	w := t.watch.Load()
	for _, m := range msgs {
		k, err := m.ToString()
		if err != nil {
			t.epoch.Add(1)
			continue
		}
		t.gens[t.bucket(k)].Add(1)
		if w != nil && k == w.key {
			select {
			case w.ch <- time.Now():
			default: // the probe has one pending already
			}
		}
	}
}

// Resets counts the times every copy was dropped at once.
func (t *Tracker) Resets() uint64 { return t.resets.Load() }

func (t *Tracker) bucket(key string) int {
	return int(maphash.String(t.seed, key) % trackBuckets)
}

// stamp is what a copy must still match to be trusted.
type stamp struct {
	epoch, gen uint64
}

func (t *Tracker) stamp(key string) stamp {
	// The epoch is read first: a reset between the two reads then moves it
	// past what the stamp holds.
	e := t.epoch.Load()
	return stamp{epoch: e, gen: t.gens[t.bucket(key)].Load()}
}

func (t *Tracker) current(key string, s stamp) bool {
	return t.gens[t.bucket(key)].Load() == s.gen && t.epoch.Load() == s.epoch
}
