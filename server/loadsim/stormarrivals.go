package loadsim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// stormSetupRetryWait is how long a storm user waits after a failure that
// named no wait (a transport error, a 5xx) before trying again.
const stormSetupRetryWait = 2 * time.Second

// stormArrivals starts the storm's users at the configured rate, each in
// its own goroutine, and waits until every one is ready or ctx ends. It
// returns how many got ready and when the last one did.
func stormArrivals(ctx context.Context, r *runner, tl *timeline, waits *Histogram) (ready int, last time.Time) {
	cfg := r.cfg
	// The storm's users keep their own ledger: they send nothing, and the
	// residents' books must not count them as receivers.
	l := NewLedger()
	interval := time.Duration(float64(time.Second) / cfg.RampRate)
	next := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var arrived atomic.Int64
	progCtx, stopProgress := context.WithCancel(ctx)
	var progress sync.WaitGroup
	progress.Go(func() {
		t := time.NewTicker(cfg.Progress)
		defer t.Stop()
		for {
			select {
			case <-progCtx.Done():
				return
			case <-t.C:
			}
			mu.Lock()
			n := ready
			mu.Unlock()
			fmt.Fprintf(cfg.Log, "storm: %d arrived, %d ready\n", arrived.Load(), n)
		}
	})
	defer func() {
		stopProgress()
		progress.Wait()
	}()
	for i := 0; i < cfg.Users && ctx.Err() == nil; i++ {
		if d := time.Until(next); d > 0 && !sleepCtx(ctx, d) {
			break
		}
		next = next.Add(interval)
		arrived.Add(1)
		u := r.newUser(cfg.StormResidents+i, cfg.UserPrefix+"st"+strconv.Itoa(i), l)
		u.api.onAnswer = tl.http
		arrived := time.Now()
		tl.note(arrived, "arrival")
		wg.Go(func() {
			if !u.stormUser(ctx, r, tl) {
				return
			}
			now := time.Now()
			waits.Record(now.Sub(arrived))
			mu.Lock()
			ready++
			last = now
			mu.Unlock()
		})
	}
	wg.Wait()
	return ready, last
}

// stormUser gets u ready like a persistent person: each refusal is retried
// after its hint (inside each step), any other failure after a short
// pause, and a step that succeeded is not done again, until ctx ends.
func (u *user) stormUser(ctx context.Context, r *runner, tl *timeline) bool {
	room, err := r.dir.room(ctx, stormRoom(r.cfg, u.idx))
	if err != nil {
		return false
	}
	u.rooms = []int64{room}
	note := func(outcome string) { tl.note(time.Now(), "ws "+outcome) }
	signedIn, joined := false, false
	for {
		var err error
		switch {
		case !signedIn:
			err = u.signIn(ctx)
			signedIn = err == nil
		case !joined:
			_, err = u.api.do(ctx, call{action: "join_room", method: http.MethodPost,
				path: roomPath(room) + "/join", accept: []int{200}})
			joined = err == nil
		default:
			if err = u.connect(ctx, stormRetry, note); err == nil {
				return true
			}
		}
		if err != nil && (ctx.Err() != nil || !sleepCtx(ctx, stormSetupRetryWait)) {
			return false
		}
	}
}

// stormRoom names the room of 50 that storm user idx joins.
func stormRoom(cfg Config, idx int) string {
	return roomName(cfg.UserPrefix+"-storm", 50, (idx-cfg.StormResidents)/50)
}
