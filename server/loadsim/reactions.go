package loadsim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ReactionStorm is a burst of reactions in the middle of a run: At into
// the steady phase, every user of the largest room reacts once with the
// same emoji to one message, the reactions spread evenly over Spread,
// while the chatty users keep posting in their own (first) rooms. The run
// then checks the count every reader gets from the API and every socket
// heard live, and compares message delivery during the burst with the
// window before it.
type ReactionStorm struct {
	At     time.Duration
	Spread time.Duration
}

// reactionWindow is the stretch of steady traffic before the burst that
// its delivery latency is compared with.
const reactionWindow = 10 * time.Second

// reactionSettle is how long after the last reaction's answer the burst's
// window goes on: the events of the last coalescing interval arrive.
const reactionSettle = 2 * time.Second

const stormEmoji = "🔥"

func (c ReactionStorm) enabled() bool { return c.At > 0 }

func (c ReactionStorm) validate() error {
	switch {
	case !c.enabled():
		return nil
	case c.At < reactionWindow+2*time.Second:
		return fmt.Errorf("reaction storm: --reactions-at must leave %v of steady traffic before it", reactionWindow+2*time.Second)
	case c.Spread < 0 || c.Spread > time.Minute:
		return fmt.Errorf("reaction storm: spread must be 0 to 1m, got %v", c.Spread)
	}
	return nil
}

// ReactionResult is what a reaction storm measured.
type ReactionResult struct {
	Room     int64  `json:"room"`
	Seq      int64  `json:"seq"`
	Emoji    string `json:"emoji"`
	Reactors int    `json:"reactors"`
	// Answered counts 204s; Failed every other outcome.
	Answered int `json:"answered"`
	Failed   int `json:"failed"`
	// BurstSeconds runs from the first reaction sent to the last answer.
	BurstSeconds float64        `json:"burst_seconds"`
	React        LatencySummary `json:"react_latency"`
	// Delivery and Ack of messages in the window before the burst and
	// during it (until reactionSettle after its last answer).
	DeliveryBefore LatencySummary `json:"delivery_before"`
	DeliveryDuring LatencySummary `json:"delivery_during"`
	AckBefore      LatencySummary `json:"ack_before"`
	AckDuring      LatencySummary `json:"ack_during"`
	// StagesBefore and StagesDuring are the server's own send-path
	// stages in the same windows (from its metrics), to tell the server
	// being slower from the load generator reading later.
	StagesBefore []StageLatency `json:"stages_before,omitempty"`
	StagesDuring []StageLatency `json:"stages_during,omitempty"`
	// Counts is how many readers got each count from the API (the
	// reactors, each reading the message's reactions as themselves);
	// MeWrong how many of them were not told they reacted.
	Counts  map[int64]int `json:"api_counts"`
	MeWrong int           `json:"api_me_wrong"`
	// Sockets checked (connected through the whole burst), and how many
	// of them heard a net count other than Answered, or did not hear
	// their own reaction; Frames the reaction frames they got in all.
	Sockets      int   `json:"sockets_checked"`
	SocketsWrong int   `json:"sockets_wrong"`
	Frames       int64 `json:"reaction_frames"`
	// SocketCounts is how many sockets heard each net count.
	SocketCounts map[int]int `json:"socket_counts"`
	Error        string      `json:"error,omitempty"`
}

func (r *ReactionResult) failures() []string {
	var f []string
	if r.Error != "" {
		return []string{"reaction storm: " + r.Error}
	}
	if r.Failed > 0 {
		f = append(f, fmt.Sprintf("reaction storm: %d of %d reactions failed", r.Failed, r.Reactors))
	}
	if len(r.Counts) != 1 || r.Counts[int64(r.Answered)] != r.Reactors {
		f = append(f, fmt.Sprintf("reaction storm: readers got counts %v, want %d from all %d", r.Counts, r.Answered, r.Reactors))
	}
	if r.MeWrong > 0 {
		f = append(f, fmt.Sprintf("reaction storm: %d reactors were not shown their own reaction", r.MeWrong))
	}
	if r.SocketsWrong > 0 {
		f = append(f, fmt.Sprintf("reaction storm: %d of %d sockets heard a wrong count", r.SocketsWrong, r.Sockets))
	}
	return f
}

// reactionTally adds up the reaction changes one socket hears for one
// message: the net count of the storm's emoji and its own user's latest.
type reactionTally struct {
	mu     sync.Mutex
	room   int64
	seq    int64
	net    int
	mine   bool
	frames int64
}

func (t *reactionTally) hear(self int64, ev event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seq == 0 || ev.RoomID != t.room {
		return
	}
	t.frames++
	switch ev.Type {
	case "reaction":
		if ev.Seq != t.seq || ev.Emoji != stormEmoji {
			return
		}
		if ev.Added {
			t.net++
		} else {
			t.net--
		}
		if ev.User != nil && ev.User.ID == self {
			t.mine = ev.Added
		}
	case "reaction_batch":
		for _, g := range ev.Reactions {
			if g.Seq != t.seq || g.Emoji != stormEmoji {
				continue
			}
			t.net += len(g.Added) - len(g.Removed)
			t.mine = (t.mine || slices.Contains(g.Added, self)) && !slices.Contains(g.Removed, self)
		}
	}
}

func (t *reactionTally) watch(room, seq int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.room, t.seq, t.net, t.mine, t.frames = room, seq, 0, false, 0
}

func (t *reactionTally) read() (net int, mine bool, frames int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.net, t.mine, t.frames
}

// reactionGroup is one (message, emoji) of a reaction_batch event.
type reactionGroup struct {
	Seq     int64   `json:"seq"`
	Emoji   string  `json:"emoji"`
	Added   []int64 `json:"added"`
	Removed []int64 `json:"removed"`
}

// chatRoom is where a chatty user posts: any of its rooms, but only its
// first one during a reaction storm, so that the storm's big room carries
// reactions and not a thousand-fold fan-out of every message.
func (u *user) chatRoom() int64 {
	if u.r.cfg.Reactions.enabled() {
		return u.rooms[0]
	}
	return u.rooms[rand.IntN(len(u.rooms))]
}

// reactionStorm runs one storm beside the steady phase.
type reactionStorm struct {
	r    *runner
	done chan struct{}
	res  *ReactionResult
}

// startReactionStorm starts the storm's clock at the start of the steady
// phase; nil when the run has none.
func (r *runner) startReactionStorm(ctx context.Context) *reactionStorm {
	if !r.cfg.Reactions.enabled() {
		return nil
	}
	s := &reactionStorm{r: r, done: make(chan struct{}), res: &ReactionResult{Emoji: stormEmoji}}
	go func() {
		defer close(s.done)
		if err := s.run(ctx); err != nil {
			s.res.Error = err.Error()
		}
	}()
	return s
}

// result waits for the storm to end and returns what it measured.
func (s *reactionStorm) result() *ReactionResult {
	if s == nil {
		return nil
	}
	<-s.done
	return s.res
}

func (s *reactionStorm) run(ctx context.Context) error {
	r, cfg := s.r, s.r.cfg.Reactions
	start := time.Now()
	if !sleepCtx(ctx, cfg.At-reactionWindow-2*time.Second) {
		return ctx.Err()
	}
	reactors, room := s.reactors()
	if len(reactors) == 0 {
		return fmt.Errorf("no ready user in the largest room")
	}
	s.res.Room, s.res.Reactors = room, len(reactors)
	author := reactors[0]
	var posted struct {
		Message wireMessage `json:"message"`
	}
	if _, err := author.api.do(ctx, call{action: "post", method: http.MethodPost, path: roomPath(room) + "/messages",
		body:   map[string]string{"body": messageBody(time.Now(), author.idx, r.cfg.BodySize), "client_id": "rx-" + r.tag},
		accept: []int{201, 200}, out: &posted}); err != nil {
		return fmt.Errorf("post the message to react to: %w", err)
	}
	s.res.Seq = posted.Message.Seq
	gens := make([]int64, len(reactors))
	for i, u := range reactors {
		u.reactions.watch(room, s.res.Seq)
		gens[i] = u.sock.gen.Load()
	}
	if !sleepCtx(ctx, time.Until(start.Add(cfg.At-reactionWindow))) {
		return ctx.Err()
	}
	snap0 := [2]*Snapshot{r.ledger.Delivery.Snapshot(), r.ledger.Ack.Snapshot()}
	server0 := r.sampler.sample(ctx)
	if !sleepCtx(ctx, time.Until(start.Add(cfg.At))) {
		return ctx.Err()
	}
	snap1 := [2]*Snapshot{r.ledger.Delivery.Snapshot(), r.ledger.Ack.Snapshot()}
	server1 := r.sampler.sample(ctx)
	fmt.Fprintf(r.cfg.Log, "reaction storm: %d users react to %d/%d within %v\n", len(reactors), room, s.res.Seq, cfg.Spread)

	lat := NewHistogram()
	var answered, failed atomic.Int64
	var wg sync.WaitGroup
	burst := time.Now()
	path := roomPath(room) + "/messages/" + strconv.FormatInt(s.res.Seq, 10) + "/reactions/" + url.PathEscape(stormEmoji)
	for i, u := range reactors {
		at := burst.Add(time.Duration(int64(cfg.Spread) * int64(i) / int64(len(reactors))))
		wg.Go(func() {
			if !sleepCtx(ctx, time.Until(at)) {
				return
			}
			t := time.Now()
			if _, err := u.api.do(ctx, call{action: "react", method: http.MethodPut, path: path, accept: []int{204}}); err != nil {
				failed.Add(1)
				r.actionError("react", err)
				return
			}
			lat.Record(time.Since(t))
			answered.Add(1)
		})
	}
	wg.Wait()
	s.res.BurstSeconds = round3(time.Since(burst).Seconds())
	s.res.Answered, s.res.Failed = int(answered.Load()), int(failed.Load())
	s.res.React = lat.Snapshot().Summary()
	if !sleepCtx(ctx, reactionSettle) {
		return ctx.Err()
	}
	snap2 := [2]*Snapshot{r.ledger.Delivery.Snapshot(), r.ledger.Ack.Snapshot()}
	server2 := r.sampler.sample(ctx)
	s.res.StagesBefore, s.res.StagesDuring = stageLatencies(server0.Stages, server1.Stages), stageLatencies(server1.Stages, server2.Stages)
	s.res.DeliveryBefore, s.res.AckBefore = snap1[0].Sub(snap0[0]).Summary(), snap1[1].Sub(snap0[1]).Summary()
	s.res.DeliveryDuring, s.res.AckDuring = snap2[0].Sub(snap1[0]).Summary(), snap2[1].Sub(snap1[1]).Summary()
	fmt.Fprintf(r.cfg.Log, "reaction storm: %d answered, %d failed in %.1fs; delivery p99 %.1f ms before, %.1f ms during\n",
		s.res.Answered, s.res.Failed, s.res.BurstSeconds, s.res.DeliveryBefore.P99, s.res.DeliveryDuring.P99)
	s.checkSockets(ctx, reactors, gens)
	return s.checkReads(ctx, reactors)
}

// reactors are the ready users of the run's largest room.
func (s *reactionStorm) reactors() ([]*user, int64) {
	sizes := s.r.cfg.RoomSizes
	big := 0
	for i, n := range sizes {
		if n > sizes[big] {
			big = i
		}
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	byRoom := map[int64][]*user{}
	var room int64
	for _, u := range s.r.users {
		if u.sock == nil || !u.sock.isReady() || len(u.rooms) <= big {
			continue
		}
		id := u.rooms[big]
		byRoom[id] = append(byRoom[id], u)
		if len(byRoom[id]) > len(byRoom[room]) {
			room = id
		}
	}
	return byRoom[room], room
}

// checkSockets waits until every socket that stayed connected through the
// burst has heard the whole count, up to ten seconds.
func (s *reactionStorm) checkSockets(ctx context.Context, reactors []*user, gens []int64) {
	want := s.res.Answered
	deadline := time.Now().Add(10 * time.Second)
	for {
		wrong, checked := 0, 0
		var frames int64
		nets := map[int]int{}
		for i, u := range reactors {
			if u.sock.gen.Load() != gens[i] {
				continue // it reconnected: a client reads the counts again
			}
			checked++
			net, mine, n := u.reactions.read()
			frames += n
			nets[net]++
			if net != want || !mine {
				wrong++
			}
		}
		s.res.Sockets, s.res.SocketsWrong, s.res.Frames, s.res.SocketCounts = checked, wrong, frames, nets
		if wrong == 0 || time.Now().After(deadline) || !sleepCtx(ctx, 100*time.Millisecond) {
			return
		}
	}
}

// checkReads has every reactor read the message as itself, 32 at a time.
func (s *reactionStorm) checkReads(ctx context.Context, reactors []*user) error {
	path := roomPath(s.res.Room) + "/messages?limit=1&after_seq=" + strconv.FormatInt(s.res.Seq-1, 10)
	var mu sync.Mutex
	counts := map[int64]int{}
	var meWrong int
	var firstErr error
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for _, u := range reactors {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var ans struct {
				Messages []struct {
					Seq       int64 `json:"seq"`
					Reactions []struct {
						Emoji string `json:"emoji"`
						Count int64  `json:"count"`
						Me    bool   `json:"me"`
					} `json:"reactions"`
				} `json:"messages"`
			}
			_, err := u.api.do(ctx, call{action: "check_reactions", method: http.MethodGet, path: path, accept: []int{200}, out: &ans})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			var count int64
			me := false
			for _, m := range ans.Messages {
				for _, x := range m.Reactions {
					if m.Seq == s.res.Seq && x.Emoji == stormEmoji {
						count, me = x.Count, x.Me
					}
				}
			}
			counts[count]++
			if !me {
				meWrong++
			}
		})
	}
	wg.Wait()
	s.res.Counts, s.res.MeWrong = counts, meWrong
	if firstErr != nil {
		return fmt.Errorf("read the counts back: %w", firstErr)
	}
	fmt.Fprintf(s.r.cfg.Log, "reaction storm: API counts %v (want %d), me wrong for %d; %d of %d sockets heard a wrong count\n",
		counts, s.res.Answered, meWrong, s.res.SocketsWrong, s.res.Sockets)
	return nil
}

// ReactionSummary renders the storm for summary.md.
func (r *ReactionResult) ReactionSummary() string {
	return r.summaryLines() + stagesLine("server stages p99 ms before", r.StagesBefore) + stagesLine("server stages p99 ms during", r.StagesDuring)
}

// stagesLine lists the p99 of each send-path stage.
func stagesLine(title string, st []StageLatency) string {
	if len(st) == 0 {
		return ""
	}
	out := title + ":"
	for _, s := range st {
		out += fmt.Sprintf(" %s %.1f", s.Stage, s.P99MS)
	}
	return out + "\n"
}

func (r *ReactionResult) summaryLines() string {
	return fmt.Sprintf(`message %d/%d, %d reactors: %d answered, %d failed, burst %.2f s, PUT p50 %.1f ms / p99 %.1f ms
delivery p50 / p99 / max ms: before %.1f / %.1f / %.1f (%d deliveries), during %.1f / %.1f / %.1f (%d deliveries)
ack p99 ms: before %.1f, during %.1f
API counts %v, me wrong %d; sockets checked %d, wrong %d (counts heard %v), reaction frames %d (%.1f per socket)
`,
		r.Room, r.Seq, r.Reactors, r.Answered, r.Failed, r.BurstSeconds, r.React.P50, r.React.P99,
		r.DeliveryBefore.P50, r.DeliveryBefore.P99, r.DeliveryBefore.Max, r.DeliveryBefore.Count,
		r.DeliveryDuring.P50, r.DeliveryDuring.P99, r.DeliveryDuring.Max, r.DeliveryDuring.Count,
		r.AckBefore.P99, r.AckDuring.P99, r.Counts, r.MeWrong, r.Sockets, r.SocketsWrong, r.SocketCounts, r.Frames,
		float64(r.Frames)/float64(max(r.Sockets, 1)))
}
