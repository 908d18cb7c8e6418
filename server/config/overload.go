package config

import (
	"fmt"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/web"
)

// Overload is how much expensive work a replica admits at once, and how
// long anything may wait, before it answers "unavailable, retry later"
// (docs/operations.md, "Overload").
type Overload struct {
	// HashWorkers password hashes run at once (default GOMAXPROCS/2);
	// HashQueue more wait, each at most HashWait.
	HashWorkers int
	HashQueue   int
	HashWait    time.Duration
	// WSConnectSlots sockets may be in their connect phase at once;
	// WSConnectQueue more wait, each at most WSConnectWait.
	WSConnectSlots int
	WSConnectQueue int
	WSConnectWait  time.Duration
	// RequestTimeout bounds each API request, pool waits included.
	RequestTimeout time.Duration
}

func (r *reader) overload() Overload {
	h := app.DefaultHashAdmission()
	ws := hub.DefaultOptions()
	workers := r.intIn("PARLEY_HASH_WORKERS", h.Workers, 1, 1024)
	return Overload{
		HashWorkers:    workers,
		HashQueue:      r.intIn("PARLEY_HASH_QUEUE", 8*workers, 0, 100_000),
		HashWait:       r.duration("PARLEY_HASH_WAIT", h.Wait),
		WSConnectSlots: r.intIn("PARLEY_WS_CONNECT_SLOTS", ws.ConnectSlots, 1, 100_000),
		WSConnectQueue: r.intIn("PARLEY_WS_CONNECT_QUEUE", ws.ConnectQueue, 0, 1_000_000),
		WSConnectWait:  r.duration("PARLEY_WS_CONNECT_WAIT", ws.ConnectWait),
		RequestTimeout: r.duration("PARLEY_REQUEST_TIMEOUT", web.DefaultRequestTimeout),
	}
}

func (o Overload) validate() error {
	for _, d := range []struct {
		name   string
		v      time.Duration
		lo, hi time.Duration
	}{
		{"PARLEY_HASH_WAIT", o.HashWait, time.Millisecond, time.Minute},
		{"PARLEY_WS_CONNECT_WAIT", o.WSConnectWait, time.Millisecond, time.Minute},
		{"PARLEY_REQUEST_TIMEOUT", o.RequestTimeout, 100 * time.Millisecond, 5 * time.Minute},
	} {
		if d.v < d.lo || d.v > d.hi {
			return fmt.Errorf("%s: %s must be between %s and %s", d.name, d.v, d.lo, d.hi)
		}
	}
	return nil
}

// Hashing is the app's password hashing admission.
func (o Overload) Hashing() app.HashAdmission {
	return app.HashAdmission{Workers: o.HashWorkers, Queue: o.HashQueue, Wait: o.HashWait}
}

// WSConnectQueueOption is the hub's ConnectQueue: the configuration's 0
// (nobody waits) is the hub's negative, since the hub reads 0 as "default".
func (o Overload) WSConnectQueueOption() int {
	if o.WSConnectQueue == 0 {
		return -1
	}
	return o.WSConnectQueue
}
