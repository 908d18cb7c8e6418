package loadsim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// ownReads checks read-your-writes: right after an ack, the sender reads
// the room's history over HTTP and must find its message there, whichever
// database (primary or a lagging read replica) the server read it from.
type ownReads struct {
	share   float64 // of acks checked
	sem     chan struct{}
	wg      sync.WaitGroup
	checks  atomic.Int64
	missing atomic.Int64
	errs    atomic.Int64
	skipped atomic.Int64 // too many checks under way already
}

// OwnReadResult counts the read-your-writes checks.
type OwnReadResult struct {
	Share   float64 `json:"share"`
	Checks  int64   `json:"checks"`
	Missing int64   `json:"missing"` // acked, yet absent from the sender's next read
	Errors  int64   `json:"errors"`
	Skipped int64   `json:"skipped"`
}

func newOwnReads(share float64) *ownReads {
	return &ownReads{share: share, sem: make(chan struct{}, 64)}
}

// afterAck maybe checks that u sees seq of room in the room's history. It
// never blocks the socket's reader: past 64 checks under way it skips.
func (o *ownReads) afterAck(ctx context.Context, u *user, room, seq int64) {
	if o == nil || o.share <= 0 || rand.Float64() >= o.share || ctx.Err() != nil {
		return
	}
	select {
	case o.sem <- struct{}{}:
	default:
		o.skipped.Add(1)
		return
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer func() { <-o.sem }()
		var ans messagesAnswer
		path := "/api/v1/rooms/" + strconv.FormatInt(room, 10) + "/messages?limit=1&after_seq=" + strconv.FormatInt(seq-1, 10)
		if _, err := u.api.do(ctx, call{action: "read_own_write", method: http.MethodGet, path: path, accept: []int{200}, out: &ans}); err != nil {
			if ctx.Err() == nil {
				o.errs.Add(1)
			}
			return
		}
		o.checks.Add(1)
		if len(ans.Messages) == 0 || ans.Messages[0].Seq != seq {
			o.missing.Add(1)
		}
	}()
}

// wait returns once every check under way has ended.
func (o *ownReads) wait() {
	if o != nil {
		o.wg.Wait()
	}
}

func (o *ownReads) result() OwnReadResult {
	if o == nil {
		return OwnReadResult{}
	}
	return OwnReadResult{Share: o.share, Checks: o.checks.Load(), Missing: o.missing.Load(),
		Errors: o.errs.Load(), Skipped: o.skipped.Load()}
}
