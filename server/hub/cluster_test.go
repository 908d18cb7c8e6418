package hub_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

func TestReplicas(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{})
		alice, ta := newUser(t, rs[0].App)
		bob, tb := newUser(t, rs[0].App)
		room := newRoom(t, rs[0].App, alice, chat.RoomPrivate, bob)
		ca, cb := dial(t, rs[0].URL, ta), dial(t, rs[1].URL, tb)
		ca.next(wait, "ready")
		cb.next(wait, "ready")
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "from replica 0", ClientID: "a1"})
		if e := cb.next(wait, "message"); e.Msg.Body != "from replica 0" || e.Msg.Seq != 1 {
			t.Fatalf("bob got %+v", e.Msg)
		}
		cb.send(sendFrame{Type: "send", RoomID: room.ID, Body: "from replica 1", ClientID: "b1"})
		for {
			e := ca.next(wait, "message")
			if e.Msg.Seq == 2 {
				if e.Msg.Body != "from replica 1" {
					t.Fatalf("alice got %+v", e.Msg)
				}
				break
			}
		}
	})
}

// member is one test client of the many-clients test, with the rooms it
// belongs to and every seq it received per room.
type member struct {
	c     *client
	rooms []int64
	mu    sync.Mutex
	got   map[int64][]int64
	acks  int
}

// drain records events until stop, in the client's own goroutine.
func (m *member) drain(tb testing.TB, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-stop:
			return
		case e, ok := <-m.c.events:
			if !ok {
				return
			}
			m.mu.Lock()
			switch e.Type {
			case "message":
				m.got[e.Msg.RoomID] = append(m.got[e.Msg.RoomID], e.Msg.Seq)
			case "ack":
				m.acks++
			case "error":
				tb.Errorf("error event %+v", e)
			}
			m.mu.Unlock()
		}
	}
}

func (m *member) count(room int64) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.got[room])
}

func TestManyClients(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		const replicas, clients, rooms, perClient = 3, 20, 4, 100
		// Under the race detector on a busy box a commit's notify can trail
		// the next one by seconds; waiting that long keeps live delivery in
		// order without resumes (the check below holds either way).
		rs := cluster(t, replicas, testenv.RedisAddr, hub.Options{SendRate: 1000, SendBurst: 1000, QueueSize: 1024, ReorderWait: 3 * time.Second})
		a := rs[0].App
		users := make([]*chat.User, clients)
		tokens := make([]string, clients)
		for i := range users {
			users[i], tokens[i] = newUser(t, a)
		}
		roomIDs := make([]int64, rooms)
		for i := range roomIDs {
			roomIDs[i] = newRoom(t, a, users[i], chat.RoomPublic).ID
		}
		ctx := context.Background()
		ms := make([]*member, clients)
		for i := range ms {
			m := &member{got: make(map[int64][]int64)}
			for _, k := range []int{i % rooms, (i + 1) % rooms} {
				if _, err := a.JoinRoom(ctx, users[i], roomIDs[k]); err != nil {
					t.Fatal(err)
				}
				m.rooms = append(m.rooms, roomIDs[k])
			}
			m.c = dial(t, rs[i%replicas].URL, tokens[i])
			m.c.next(wait, "ready")
			ms[i] = m
		}
		stop := make(chan struct{})
		var drains sync.WaitGroup
		for _, m := range ms {
			drains.Add(1)
			go m.drain(t, stop, &drains)
		}

		start := time.Now()
		var senders sync.WaitGroup
		for i, m := range ms {
			senders.Add(1)
			go func() {
				defer senders.Done()
				for k := range perClient {
					m.c.send(sendFrame{Type: "send", RoomID: m.rooms[k%2], Body: "hello", ClientID: fmt.Sprintf("c%d-%d", i, k)})
				}
			}()
		}
		senders.Wait()
		deadline := time.Now().Add(30 * time.Second)
		for _, m := range ms {
			for {
				m.mu.Lock()
				n := m.acks
				m.mu.Unlock()
				if n == perClient {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d of %d acks", n, perClient)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		total := map[int64]int{}
		for _, id := range roomIDs {
			r, err := a.Room(ctx, users[0], id)
			if err != nil {
				t.Fatal(err)
			}
			total[id] = int(r.LastSeq)
		}
		for _, m := range ms {
			for _, id := range m.rooms {
				for m.count(id) < total[id] && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}
		t.Logf("%d messages committed and delivered to %d clients on %d replicas in %v",
			clients*perClient, clients, replicas, time.Since(start))
		close(stop)
		drains.Wait()

		filled := 0
		for i, m := range ms {
			// As a client does: resume each room from the last seq it has
			// with nothing missing before it.
			resume := map[string]int64{}
			for _, id := range m.rooms {
				got := m.got[id]
				for k := 1; k < len(got); k++ {
					if got[k] <= got[k-1] {
						t.Fatalf("client %d room %d: live seqs out of order: %v", i, id, brief(got))
					}
				}
				resume[strconv.FormatInt(id, 10)] = contiguous(got)
			}
			m.c.send(resumeFrame{Type: "resume", Rooms: resume})
			for {
				e := m.c.next(wait, "message", "resumed")
				if e.Type == "resumed" {
					break
				}
				m.got[e.Msg.RoomID] = append(m.got[e.Msg.RoomID], e.Msg.Seq)
				filled++
			}
			for _, id := range m.rooms {
				t.Run(fmt.Sprintf("client%d/room%d", i, id), func(t *testing.T) {
					all := slices.Clone(m.got[id])
					slices.Sort(all)
					checkRun(t, all, 1, int64(total[id]))
				})
			}
		}
		var timeouts, pubErrs float64
		for _, r := range rs {
			timeouts += metric(t, r, "parley_ws_reorder_timeouts_total")
			pubErrs += metric(t, r, "parley_broker_publish_errors_total")
		}
		t.Logf("resume filled %d live gaps; reorder timeouts %v, publish errors %v", filled, timeouts, pubErrs)
	})
}
