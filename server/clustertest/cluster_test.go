package clustertest_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestClusterThroughNginx runs three replicas and nginx with scripts/cluster
// and talks to them only through nginx, from source addresses in different
// /24s so that ip_hash spreads the clients.
func TestClusterThroughNginx(t *testing.T) {
	const replicas = 3
	c := startCluster(t, replicas)
	run := time.Now().UnixNano() % 1_000_000_000

	// One client per replica: probe /24s until every replica has one.
	var clients []*apiClient
	instanceOf := map[*apiClient]string{}
	if !t.Run("OKClientsSpreadOverReplicas", func(t *testing.T) {
		seen := map[string]bool{}
		for k := 1; k <= 64 && len(seen) < replicas; k++ {
			resp := mustGet(t, boundClient(t, sourceIP(k)), c.url+"/readyz")
			inst := resp.Header.Get("X-Parley-Instance")
			if resp.StatusCode != http.StatusOK || inst == "" {
				t.Fatalf("GET /readyz from %s = %d, instance %q", sourceIP(k), resp.StatusCode, inst)
			}
			if seen[inst] {
				continue
			}
			seen[inst] = true
			a := newAPIClient(t, c.url, sourceIP(k), fmt.Sprintf("client-%d", len(clients)))
			clients = append(clients, a)
			instanceOf[a] = inst
			t.Logf("%s from %s lands on %s", a.name, a.ip, inst)
		}
		if len(seen) != replicas {
			t.Fatalf("64 /24s reached %d replicas (%v), want %d", len(seen), seen, replicas)
		}
	}) {
		t.FailNow()
	}

	var room apiRoom
	if !t.Run("OKStickyAcrossRequests", func(t *testing.T) {
		for i, a := range clients {
			if got, want := a.register(t, fmt.Sprintf("ct%d_%d", run, i)), instanceOf[a]; got != want {
				t.Errorf("%s: register served by %q, want %q", a.name, got, want)
			}
		}
		room = clients[0].createRoom(t, fmt.Sprintf("cluster %d", run))
		for _, a := range clients[1:] {
			a.join(t, room.ID)
		}
		for _, a := range clients {
			resp := a.call(t, http.MethodGet, "/api/v1/rooms", nil, nil)
			if got, want := resp.Header.Get("X-Parley-Instance"), instanceOf[a]; got != want {
				t.Errorf("%s: GET /api/v1/rooms served by %q, want %q", a.name, got, want)
			}
		}
	}) {
		t.FailNow()
	}

	if !t.Run("OKStickyAcrossReconnects", func(t *testing.T) {
		for _, a := range clients {
			for attempt := range 3 {
				s := a.connect(t)
				if got, want := s.instance, instanceOf[a]; got != want {
					t.Errorf("%s: connection %d served by %q, want %q", a.name, attempt, got, want)
				}
				e := s.ready(t)
				if _, ok := e.Rooms[strconv.FormatInt(room.ID, 10)]; !ok {
					t.Errorf("%s: ready lists rooms %v, not %d", a.name, e.Rooms, room.ID)
				}
				s.close()
			}
		}
	}) {
		t.FailNow()
	}

	// Every client keeps one connection from here on.
	sockets := make([]*socket, len(clients))
	inboxes := make([]*inbox, len(clients))
	for i, a := range clients {
		sockets[i] = a.connect(t)
		sockets[i].ready(t)
		inboxes[i] = newInbox(room.ID)
	}
	// sendAll writes perClient sends on each listed socket; it may run on
	// another goroutine, so it reports instead of failing the test.
	sendAll := func(from []int, round, perClient int) error {
		for _, i := range from {
			for j := range perClient {
				_ = sockets[i].conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
				err := sockets[i].conn.WriteJSON(map[string]any{
					"type": "send", "room_id": room.ID,
					"body":      fmt.Sprintf("%s says %d.%d", clients[i].name, round, j),
					"client_id": fmt.Sprintf("%s-%d-%d", clients[i].name, round, j),
				})
				if err != nil {
					return fmt.Errorf("%s: send: %w", clients[i].name, err)
				}
			}
		}
		return nil
	}
	const perClient = 5
	total := int64(0)

	if !t.Run("OKEveryoneReceivesEveryone", func(t *testing.T) {
		if err := sendAll([]int{0, 1, 2}, 1, perClient); err != nil {
			t.Fatal(err)
		}
		total += int64(len(clients) * perClient)
		for i := range clients {
			inboxes[i].collect(t, sockets[i], total, 20*time.Second)
			if d := inboxes[i].duplicates(); len(d) > 0 {
				t.Errorf("%s received seqs %v twice", clients[i].name, d)
			}
		}
	}) {
		t.FailNow()
	}

	t.Run("OKDrainedReplicaClientsResumeElsewhere", func(t *testing.T) {
		victim, old := clients[0], instanceOf[clients[0]]
		seenBefore := total
		// The others keep talking while the victim's replica drains and
		// while the victim is away. Only this goroutine writes to their
		// sockets until it is done.
		sent := make(chan error, 1)
		go func() { sent <- sendAll([]int{1, 2}, 2, perClient) }()
		c.drain(t, old, 30*time.Second)
		if code := sockets[0].closed(t, 10*time.Second); code != 1001 {
			t.Errorf("drained replica closed the socket with %d, want 1001 (going away)", code)
		}
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
		total += int64(2 * perClient)
		for i := 1; i < len(clients); i++ {
			inboxes[i].collect(t, sockets[i], total, 20*time.Second)
		}

		// Same source address, so the same hash: nginx now sends it to a
		// surviving replica, and keeps doing so.
		s := victim.connect(t)
		sockets[0] = s
		if s.instance == old || s.instance == "" {
			t.Fatalf("reconnected to %q, want a replica other than %q", s.instance, old)
		}
		resp := victim.call(t, http.MethodGet, "/api/v1/me", nil, nil)
		if got := resp.Header.Get("X-Parley-Instance"); got != s.instance {
			t.Errorf("HTTP from the same address served by %q, socket by %q", got, s.instance)
		}
		ready := s.ready(t)
		if got := ready.Rooms[strconv.FormatInt(room.ID, 10)]; got != total {
			t.Errorf("ready says last_seq %d, want %d", got, total)
		}

		s.send(t, map[string]any{"type": "resume", "rooms": map[string]int64{strconv.FormatInt(room.ID, 10): seenBefore}})
		replay := newInbox(room.ID)
		deadline := time.Now().Add(20 * time.Second)
		for {
			if time.Now().After(deadline) {
				t.Fatalf("no resumed event; replayed %v", replay.order)
			}
			if replay.take(t, s.next(t, time.Until(deadline))) {
				break
			}
		}
		var want []int64
		for seq := seenBefore + 1; seq <= total; seq++ {
			want = append(want, seq)
		}
		t.Logf("%s moved from %s to %s; resume replayed seqs %v", victim.name, old, s.instance, replay.order)
		if !slices.Equal(replay.order, want) {
			t.Errorf("resume replayed seqs %v, want %v in order", replay.order, want)
		}
		for seq, n := range replay.seqs {
			inboxes[0].seqs[seq] += n
		}

		// Live delivery reaches the resumed client on its new replica too.
		if err := sendAll([]int{1}, 3, 1); err != nil {
			t.Fatal(err)
		}
		total++
		for i := range clients {
			inboxes[i].collect(t, sockets[i], total, 20*time.Second)
			if !inboxes[i].upTo(total) {
				t.Errorf("%s is missing messages", clients[i].name)
			}
			if d := inboxes[i].duplicates(); len(d) > 0 {
				t.Errorf("%s received seqs %v twice", clients[i].name, d)
			}
		}
	})
}
