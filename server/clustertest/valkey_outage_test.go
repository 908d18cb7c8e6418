package clustertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// TestValkeyOutage stops the Valkey two replicas share while members on
// both send, and starts it again: fan-out between the replicas comes back
// by itself, every acked message reaches every member once and in order,
// and someone who left a private room while Valkey was down neither gets
// its later messages nor sees it once Valkey is back.
func TestValkeyOutage(t *testing.T) {
	redis := testenv.StartRedis(t)
	// The senders outpace the per-user send limit on purpose: the outage,
	// not the limit, is what this test is about.
	c := startClusterWith(t, clusterOptions{replicas: 2, valkey: redis.Addr, env: []string{"PARLEY_SEND_RATE=0"}})
	a, b := c.replicaURL(1), c.replicaURL(2)
	run := time.Now().UnixNano() % 1_000_000_000

	user := func(base, name string) *apiClient {
		u := newAPIClient(t, base, "127.0.0.1", name)
		u.register(t, fmt.Sprintf("%s%d", name, run))
		return u
	}
	alice, bob, carol := user(a, "alice"), user(b, "bob"), user(b, "carol")
	public := alice.createRoom(t, fmt.Sprintf("outage %d", run)).ID
	bob.join(t, public)
	var created struct {
		Room apiRoom `json:"room"`
	}
	alice.call(t, http.MethodPost, "/api/v1/rooms", map[string]string{"name": "outage secret", "kind": "private"}, &created)
	private := created.Room.ID
	for _, u := range []*apiClient{bob, carol} {
		alice.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/members", private), map[string]int64{"user_id": u.user.ID}, nil)
	}
	carolSock := carol.connect(t) // on replica B, a member when it opens
	carolSock.ready(t)

	var acks atomic.Int64
	ca, cb := newResumingClient(alice, []int64{public, private}, &acks), newResumingClient(bob, []int64{public, private}, &acks)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, w := range []*resumingClient{ca, cb} {
		if err := w.dial(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.drop)
	}

	const perSide = 60
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, w := range []*resumingClient{ca, cb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perSide {
				if errs[i] = w.send(ctx, public, fmt.Sprintf("%s-%d", w.api.name, j)); errs[i] != nil {
					return
				}
				time.Sleep(40 * time.Millisecond) // a person's pace, not a wait
			}
		}()
	}
	readiness := func(base string) string {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		var out struct{ Status string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out.Status
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				t.Fatalf("gave up waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	waitFor("traffic", func() bool { return acks.Load() >= 20 })
	redis.Stop()
	waitFor("both replicas to notice", func() bool { return readiness(a) != "ok" && readiness(b) != "ok" })
	// While Valkey is down carol leaves through replica A (her socket is
	// on B) and alice posts in the private room.
	carol.base = a
	carol.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/leave", private), nil, nil)
	alice.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/messages", private),
		map[string]string{"body": "during the outage", "client_id": "during"}, nil)
	waitFor("traffic during the outage", func() bool { return acks.Load() >= 60 })
	redis.Start()
	waitFor("both replicas to recover", func() bool { return readiness(a) == "ok" && readiness(b) == "ok" })
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%v (and %v)", err, []*resumingClient{ca, cb}[i].problems)
		}
	}
	alice.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/messages", private),
		map[string]string{"body": "after the outage", "client_id": "after"}, nil)

	want := map[int64]int64{public: 2 * perSide, private: 2}
	for _, w := range []*resumingClient{ca, cb} {
		if err := w.drain(ctx, want); err != nil {
			t.Fatal(err)
		}
		for r, n := range want {
			if w.got[r] != int(n) {
				w.problem("room %d: %d messages for seqs 1..%d", r, w.got[r], n)
			}
		}
		for _, p := range w.problems {
			t.Errorf("%s: %s", w.api.name, p)
		}
		if w.reconnects != 0 {
			t.Errorf("%s reconnected %d times; fan-out should come back on the same connection", w.api.name, w.reconnects)
		}
	}

	t.Run("OKNoLeakToWhoLeft", func(t *testing.T) {
		// bob, on carol's replica, has the last message; anything queued
		// to carol before it comes before the answer to a bad frame.
		carolSock.send(t, map[string]any{"type": "no-such-type"})
		for {
			e := carolSock.next(t, 10*time.Second)
			if e.Message != nil && e.Message.RoomID == private {
				t.Fatalf("carol, who left during the outage, got %q", e.Message.Body)
			}
			if e.Type == "error" && e.Code == "bad_request" {
				break
			}
		}
		me := &person{name: "carol", token: carol.token}
		for _, base := range []string{a, b} {
			for _, path := range []string{"", "/messages", "/members"} {
				if got := request(t, base, http.MethodGet, fmt.Sprintf("/api/v1/rooms/%d%s", private, path), me, nil, false, nil); got.status != http.StatusNotFound {
					t.Errorf("carol GET room%s on %s: %d, want 404: %s", path, base, got.status, got.body)
				}
			}
			var list struct {
				Rooms []apiRoom `json:"rooms"`
			}
			got := must(t, request(t, base, http.MethodGet, "/api/v1/rooms", me, nil, false, nil), http.StatusOK, "carol's rooms")
			if err := json.Unmarshal(got.body, &list); err != nil {
				t.Fatal(err)
			}
			for _, r := range list.Rooms {
				if r.ID == private {
					t.Errorf("carol's room list on %s still has the private room", base)
				}
			}
		}
	})
}
