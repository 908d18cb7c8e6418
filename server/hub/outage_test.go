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

// contiguous returns the highest n such that 1..n are all in got.
func contiguous(got []int64) int64 {
	seen := make(map[int64]bool, len(got))
	for _, s := range got {
		seen[s] = true
	}
	var n int64
	for seen[n+1] {
		n++
	}
	return n
}

func TestRedisOutage(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		redis := testenv.StartRedis(t)
		rs := cluster(t, 2, redis.Addr, hub.Options{ReorderWait: 50 * time.Millisecond})
		ctx := context.Background()
		alice, ta := newUser(t, rs[0].App)
		bob, tb := newUser(t, rs[0].App)
		room := newRoom(t, rs[0].App, alice, chat.RoomPublic, bob)
		ca, cb := dial(t, rs[0].URL, ta), dial(t, rs[1].URL, tb)
		ca.next(wait, "ready")
		cb.next(wait, "ready")

		// Each replica's app sends, so both directions cross the outage.
		const perSide = 150
		var wg sync.WaitGroup
		for side, r := range rs {
			u := []*chat.User{alice, bob}[side]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perSide {
					if _, _, err := r.App.SendMessage(ctx, u, room.ID, "m", fmt.Sprint(side, "-", i)); err != nil {
						t.Errorf("send: %v", err)
						return
					}
					time.Sleep(4 * time.Millisecond)
				}
			}()
		}
		time.Sleep(150 * time.Millisecond)
		redis.Stop()
		deadline := time.Now().Add(5 * time.Second)
		for rs[0].Hub.Check(ctx) == nil {
			if time.Now().After(deadline) {
				t.Fatal("Check healthy 5s after Redis stopped")
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		redis.Start()
		waitReady(t, rs[0].Hub)
		waitReady(t, rs[1].Hub)
		wg.Wait()
		const total = 2 * perSide

		for name, c := range map[string]*client{"alice": ca, "bob": cb} {
			t.Run(name, func(t *testing.T) {
				got := collect(c, room.ID, 500*time.Millisecond)
				have := contiguous(got)
				t.Logf("%s got %d live messages, contiguous to %d of %d", name, len(got), have, total)
				c.send(resumeFrame{Type: "resume", Rooms: map[string]int64{strconv.FormatInt(room.ID, 10): have}})
				replayed := seqs(t, c, room.ID, 0, true)
				for i := 1; i < len(replayed); i++ {
					if replayed[i] <= replayed[i-1] {
						t.Fatalf("replay out of order: %v", brief(replayed))
					}
				}
				// Exactly once per connection: the replay fills the holes and
				// repeats nothing that arrived live.
				all := append(got, replayed...)
				slices.Sort(all)
				checkRun(t, all, 1, total)
			})
		}
	})
}

// collect gathers message seqs of a room until none arrive for quiet.
func collect(c *client, room int64, quiet time.Duration) []int64 {
	var got []int64
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				return got
			}
			if e.Type == "message" && e.Msg.RoomID == room {
				got = append(got, e.Msg.Seq)
			}
		case <-time.After(quiet):
			return got
		}
	}
}
