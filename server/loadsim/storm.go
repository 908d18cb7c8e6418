package loadsim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// stormRetry is a person who keeps trying: the web app's waits, with no
// limit on attempts but the run's own deadline.
var stormRetry = retryPolicy{base: browserRetry.base, cap: browserRetry.cap, max: 1 << 20}

// StormResult is what a storm measured.
type StormResult struct {
	Name      string  `json:"name"`
	Users     int     `json:"users"`
	Rate      float64 `json:"arrivals_per_s"`
	Residents int     `json:"residents"`
	// Ready users reached ready; the rest did not before the deadline.
	Ready    int `json:"ready"`
	NotReady int `json:"not_ready"`
	// AllReadySeconds is from the first arrival to the last user ready; 0
	// when somebody never got there.
	AllReadySeconds float64 `json:"all_ready_s"`
	// ArrivalToReady is each user's wait from arrival to ready.
	ArrivalToReady LatencySummary `json:"arrival_to_ready"`
	Timeline       []StormSecond  `json:"timeline"`
	// Outcomes totals every outcome of the timeline by name.
	Outcomes map[string]int64 `json:"outcomes"`
	// ServerRefusals is the servers' own parley_overload_refused_total by
	// "<gate> <reason>" at the end; nil when /metrics could not be read.
	ServerRefusals map[string]float64 `json:"server_refusals,omitempty"`
	// ResidentDelivery is the delivery latency of the residents' messages
	// while the storm lasted; Residents' counts and loss over the run.
	ResidentDelivery LatencySummary `json:"resident_delivery"`
	ResidentCounts   Counts         `json:"resident_counts"`
	ResidentLoss     Loss           `json:"resident_loss"`
	// HTTP is every request's latency and status by action, refusals
	// included: how fast the answers came, yes or no.
	HTTP     HTTPResult `json:"http"`
	Pass     bool       `json:"pass"`
	Failures []string   `json:"failures,omitempty"`
}

// RunStorm signs StormResidents users in and connects them, has them send
// StormMsgRate messages per second in a room of theirs, then makes Users
// new users arrive at RampRate per second, each signing up (or in), joining
// a room of 50 and connecting, and retrying every refusal after its hint,
// until all are ready or MaxTime runs out. It passes when every user got
// ready and the residents lost and duplicated nothing.
func RunStorm(ctx context.Context, cfg Config) (*StormResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	raiseFileLimit()
	ctx, cancel := context.WithTimeout(ctx, cfg.MaxTime)
	defer cancel()
	r := newRunner(cfg)
	sockCtx, stopSockets := context.WithCancel(ctx)
	defer func() {
		stopSockets()
		r.sockets.Wait()
	}()
	r.sockCtx = sockCtx
	if err := waitReady(ctx, r.clients[0], cfg.Target); err != nil {
		return nil, err
	}
	owner := &api{base: cfg.Target, client: r.clients[0], stats: r.http, retry: stormRetry}
	if err := (&user{name: cfg.UserPrefix + "-owner", api: owner, r: r}).signIn(ctx); err != nil {
		return nil, fmt.Errorf("owner account: %w", err)
	}
	dir, err := newRoomDir(ctx, owner, cfg.UserPrefix)
	if err != nil {
		return nil, err
	}
	r.dir = dir

	// The storm's rooms exist before it: creating them is not what it
	// measures.
	for i := 0; i < cfg.Users; i += 50 {
		if _, err := dir.room(ctx, stormRoom(cfg, cfg.StormResidents+i)); err != nil {
			return nil, fmt.Errorf("storm rooms: %w", err)
		}
	}
	residents, err := startResidents(ctx, r)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Log, "storm: %d residents connected; %d users arrive at %g/s\n", len(residents), cfg.Users, cfg.RampRate)
	sendCtx, stopSending := context.WithCancel(ctx)
	var sender sync.WaitGroup
	sender.Go(func() { residentChatter(sendCtx, residents, cfg.StormMsgRate) })

	before := r.ledger.Delivery.Snapshot()
	start := time.Now()
	tl := newTimeline(start)
	waits := NewHistogram()
	ready, lastReady := stormArrivals(ctx, r, tl, waits)
	during := r.ledger.Delivery.Snapshot().Sub(before)

	stopSending()
	sender.Wait()
	res := &StormResult{
		Name: cfg.Name, Users: cfg.Users, Rate: cfg.RampRate, Residents: len(residents),
		Ready: ready, NotReady: cfg.Users - ready,
		ArrivalToReady: waits.Snapshot().Summary(), ResidentDelivery: during.Summary(),
	}
	if ready == cfg.Users {
		res.AllReadySeconds = round3(lastReady.Sub(start).Seconds())
	}
	res.Timeline, res.Outcomes = tl.seconds()
	res.HTTP = r.http.Result()
	if m, err := serverRefusals(ctx, r.sampler.client, cfg.MetricsURLs); err == nil {
		res.ServerRefusals = m
	} else {
		fmt.Fprintf(cfg.Log, "storm: %v\n", err)
	}
	res.ResidentCounts, res.ResidentLoss = settleResidents(ctx, r, residents)
	res.judge()
	return res, nil
}

func (res *StormResult) judge() {
	if res.NotReady > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("%d of %d users never got ready", res.NotReady, res.Users))
	}
	if l := res.ResidentLoss; l.Lost > 0 || l.Unverified > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("residents: %d lost, %d unverified", l.Lost, l.Unverified))
	}
	if res.ResidentCounts.Duplicated > 0 || res.ResidentCounts.OutOfOrder > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("residents: %d duplicated, %d out of order",
			res.ResidentCounts.Duplicated, res.ResidentCounts.OutOfOrder))
	}
	res.Pass = len(res.Failures) == 0
}

// startResidents signs the residents in, puts them in one room and
// connects them, eight at a time, before the storm.
func startResidents(ctx context.Context, r *runner) ([]*user, error) {
	room, err := r.dir.room(ctx, r.cfg.UserPrefix+"-storm-residents")
	if err != nil {
		return nil, err
	}
	users := make([]*user, r.cfg.StormResidents)
	errs := make([]error, len(users))
	slots := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range users {
		u := r.newUser(i, r.cfg.UserPrefix+"res"+strconv.Itoa(i), r.ledger)
		users[i] = u
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = u.stormSetup(ctx, room, nil)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("storm resident: %w", err)
		}
	}
	return users, nil
}

// newUser is user i of the run, named name, receiving into ledger.
func (r *runner) newUser(i int, name string, l *Ledger) *user {
	return &user{
		idx: i, name: name, r: r,
		api:   &api{base: r.cfg.Target, client: r.clients[i%len(r.clients)], stats: r.http, retry: stormRetry},
		recv:  l.NewReceiver(),
		etags: make(map[string]string),
	}
}

// stormSetup signs u in, joins room and connects, retrying refusals after
// their hints; note hears the socket's attempts.
func (u *user) stormSetup(ctx context.Context, room int64, note func(string)) error {
	if err := u.signIn(ctx); err != nil {
		return err
	}
	if _, err := u.api.do(ctx, call{action: "join_room", method: http.MethodPost,
		path: roomPath(room) + "/join", accept: []int{200}}); err != nil {
		return err
	}
	u.rooms = []int64{room}
	return u.connect(ctx, stormRetry, note)
}

// residentChatter sends rate messages per second, round robin over the
// residents, until ctx ends.
func residentChatter(ctx context.Context, residents []*user, rate float64) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		u := residents[i%len(residents)]
		// A send that fails (a socket between connections) is counted by
		// the ledger as unacked; its outbox resends it on reconnect.
		_ = u.post(u.rooms[0])
	}
}

// settleResidents waits for the residents' last acks, has each resume
// what it missed and returns their counts and losses.
func settleResidents(ctx context.Context, r *runner, residents []*user) (Counts, Loss) {
	deadline := time.Now().Add(r.cfg.Drain)
	for r.ledger.Pending() > 0 && time.Now().Before(deadline) && sleepCtx(ctx, 50*time.Millisecond) {
	}
	var wg sync.WaitGroup
	for _, u := range residents {
		wg.Go(func() { u.sock.finalResume(ctx, 20*time.Second) })
	}
	wg.Wait()
	return r.ledger.Counts(), r.ledger.Loss()
}
