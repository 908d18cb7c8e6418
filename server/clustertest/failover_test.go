package clustertest_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFailoverUnderTraffic hits a cluster of three replicas while members
// of a few rooms, spread over them by ip_hash, send and wait for acks:
// SIGKILL of the replica holding the most sockets (then a restart), a
// rolling restart, and a drain and restart of the busiest replica. Clients
// reconnect with their resume point and send again what was not acked.
// Every acked message must reach every member exactly once and in seq
// order, and no retry may commit a message twice.
func TestFailoverUnderTraffic(t *testing.T) {
	for _, f := range []struct {
		name  string
		fault func(t *testing.T, c *cluster, victim string, waitAcks func(int64))
	}{
		{"OKKill9", func(t *testing.T, c *cluster, victim string, waitAcks func(int64)) {
			c.mustControl(t, "kill", victim)
			waitAcks(40)
			c.mustControl(t, "restart", victim)
		}},
		{"OKRollingRestart", func(t *testing.T, c *cluster, _ string, _ func(int64)) {
			c.mustControl(t, "rolling-restart")
		}},
		{"OKRestartBusiest", func(t *testing.T, c *cluster, victim string, _ func(int64)) {
			c.mustControl(t, "restart", victim)
		}},
	} {
		t.Run(f.name, func(t *testing.T) {
			failoverUnderTraffic(t, f.fault)
		})
	}
}

func failoverUnderTraffic(t *testing.T, fault func(t *testing.T, c *cluster, victim string, waitAcks func(int64))) {
	const (
		replicas = 3
		users    = 24
		rooms    = 3
		// Each user sends at least minSends, alternating over its rooms,
		// and goes on until the fault is over.
		minSends = 4
	)
	c := startClusterWith(t, clusterOptions{replicas: replicas, env: []string{"NGINX_FAIL_TIMEOUT=1s", "PARLEY_SEND_RATE=0"}})
	run := time.Now().UnixNano() % 1_000_000_000

	apis := make([]*apiClient, users)
	for i := range apis {
		apis[i] = newAPIClient(t, c.url, sourceIP(i+1), fmt.Sprintf("u%d", i))
		apis[i].register(t, fmt.Sprintf("ko%d_%d", run, i))
	}
	roomIDs := make([]int64, rooms)
	for r := range roomIDs {
		roomIDs[r] = apis[0].createRoom(t, fmt.Sprintf("failover %d %d", run, r)).ID
	}
	var acks atomic.Int64
	clients := make([]*resumingClient, users)
	perReplica := map[string]int{}
	for i, a := range apis {
		mine := []int64{roomIDs[i%rooms], roomIDs[(i+1)%rooms]}
		if i == 0 {
			mine = roomIDs // the creator belongs to every room and resumes each
		}
		for _, r := range mine {
			if i != 0 {
				a.join(t, r)
			}
		}
		clients[i] = newResumingClient(a, mine, &acks)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err := clients[i].dial(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		perReplica[clients[i].instance]++
	}
	t.Cleanup(func() {
		for _, w := range clients {
			w.drop()
		}
	})
	victim, most := "", 0
	for inst, n := range perReplica {
		if n > most {
			victim, most = inst, n
		}
	}
	if len(perReplica) != replicas {
		t.Fatalf("sockets per replica %v: ip_hash did not spread %d /24s over %d replicas", perReplica, users, replicas)
	}
	index := victim[len("replica-"):]
	t.Logf("sockets per replica %v; the busiest is %s", perReplica, victim)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	faultDone := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, users)
	sent := make([]int, users)
	for i, w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				if j >= minSends {
					select {
					case <-faultDone:
						return
					default:
					}
				}
				if errs[i] = w.send(ctx, w.rooms[j%len(w.rooms)], fmt.Sprintf("%s-%d", w.api.name, j)); errs[i] != nil {
					return
				}
				sent[i] = j + 1
				time.Sleep(50 * time.Millisecond) // a person's pace, not a wait
			}
		}()
	}
	// waitAcks waits on the traffic, not the clock, to place each blow.
	waitAcks := func(n int64) {
		t.Helper()
		for start := acks.Load(); acks.Load() < start+n; {
			if ctx.Err() != nil {
				t.Fatalf("only %d acks of %d", acks.Load()-start, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitAcks(users)
	fault(t, c, index, waitAcks)
	waitAcks(users) // traffic goes on after the fault
	close(faultDone)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, n := range sent {
		total += n
	}

	// What was acked is the truth: per room, distinct client_ids and seqs.
	want := map[int64]int64{}
	seqOf := map[int64]map[int64]string{}
	for i, w := range clients {
		for j := range sent[i] {
			room := w.rooms[j%len(w.rooms)]
			id := fmt.Sprintf("%s-%d", w.api.name, j)
			seq := w.acked[id]
			if seqOf[room] == nil {
				seqOf[room] = map[int64]string{}
			}
			if prev, dup := seqOf[room][seq]; dup {
				t.Errorf("room %d seq %d acked for both %s and %s", room, seq, prev, id)
			}
			seqOf[room][seq] = id
			want[room] = max(want[room], seq)
		}
	}
	for _, r := range roomIDs {
		if int(want[r]) != len(seqOf[r]) {
			t.Errorf("room %d: %d sends acked up to seq %d: a retry committed twice or a seq is missing", r, len(seqOf[r]), want[r])
		}
	}

	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer dcancel()
	reconnected, resent := 0, 0
	for _, w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.drain(dctx, want); err != nil {
				w.problem("%v", err)
			}
		}()
	}
	wg.Wait()
	for _, w := range clients {
		for _, r := range w.rooms {
			if w.got[r] != int(want[r]) {
				w.problem("room %d: %d messages for seqs 1..%d", r, w.got[r], want[r])
			}
		}
		for _, p := range w.problems {
			t.Errorf("%s (first on %s): %s", w.api.name, w.first, p)
		}
		if w.first == victim && w.reconnects == 0 {
			t.Errorf("%s was on %s yet never reconnected", w.api.name, victim)
		}
		if w.reconnects > 0 {
			reconnected++
		}
		resent += w.resent
	}
	t.Logf("%d messages in %d rooms; %d clients reconnected, %d sends resent", total, rooms, reconnected, resent)

	t.Run("OKHistoryHasEachSendOnce", func(t *testing.T) {
		for _, r := range roomIDs {
			var all []apiMessage
			for {
				var out struct {
					Messages []apiMessage `json:"messages"`
					HasMore  bool         `json:"has_more"`
				}
				apis[0].call(t, http.MethodGet, fmt.Sprintf("/api/v1/rooms/%d/messages?after_seq=%d&limit=100", r, len(all)), nil, &out)
				all = append(all, out.Messages...)
				if !out.HasMore || len(out.Messages) == 0 {
					break
				}
			}
			ids := map[string]bool{}
			for i, m := range all {
				if m.Seq != int64(i+1) || ids[m.ClientID] {
					t.Fatalf("room %d history #%d: seq %d client_id %q (repeated: %v)", r, i, m.Seq, m.ClientID, ids[m.ClientID])
				}
				ids[m.ClientID] = true
			}
			if int64(len(all)) != want[r] {
				t.Errorf("room %d holds %d messages, want %d", r, len(all), want[r])
			}
		}
	})

	t.Run("OKRetriedSendDedupes", func(t *testing.T) {
		w := clients[1]
		id := w.api.name + "-0"
		first := w.acked[id]
		delete(w.acked, id)
		if err := w.send(dctx, w.rooms[0], id); err != nil {
			t.Fatal(err)
		}
		if got := w.acked[id]; got != first {
			t.Errorf("a send again with client_id %s acked seq %d, want the first, %d", id, got, first)
		}
		var out struct {
			Room apiRoom `json:"room"`
		}
		apis[1].call(t, http.MethodGet, "/api/v1/rooms/"+strconv.FormatInt(w.rooms[0], 10), nil, &out)
		if out.Room.LastSeq != want[w.rooms[0]] {
			t.Errorf("room last_seq %d after a repeated client_id, want %d", out.Room.LastSeq, want[w.rooms[0]])
		}
	})
}
