package hub_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// TestPresenceCrowd connects a crowd at once to one room on two replicas,
// more people than a connection's queue holds: every newcomer gets ready
// (nobody is closed for the presence of the others), and a member who
// was there already learns that each of them came online from a handful
// of coalesced frames, not one frame per arrival.
func TestPresenceCrowd(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		const crowd, queue = 60, 16
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{QueueSize: queue})
		owner, ownerToken := newUser(t, rs[0].App)
		members := make([]*chat.User, crowd)
		tokens := make([]string, crowd)
		for i := range members {
			members[i], tokens[i] = newUser(t, rs[0].App)
		}
		room := newRoom(t, rs[0].App, owner, chat.RoomPublic, members...)
		watcher := dial(t, rs[0].URL, ownerToken)
		watcher.next(wait, "ready")

		var wg sync.WaitGroup
		errs := make(chan string, crowd)
		for i := range members {
			wg.Add(1)
			ws := dialRaw(t, rs[i%2].URL, tokens[i])
			go func() {
				defer wg.Done()
				var e struct {
					Type string `json:"type"`
				}
				_ = ws.SetReadDeadline(time.Now().Add(wait))
				if err := ws.ReadJSON(&e); err != nil || e.Type != "ready" {
					errs <- fmt.Sprintf("member %d: first event %q, %v; want ready", i, e.Type, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}

		isMember := map[int64]bool{}
		for _, m := range members {
			isMember[m.ID] = true
		}
		online := map[int64]bool{}
		seen := func() int {
			n := 0
			for id, on := range online {
				if on && isMember[id] {
					n++
				}
			}
			return n
		}
		frames := 0
		deadline := time.After(wait)
		for seen() < crowd {
			select {
			case e, ok := <-watcher.events:
				if !ok {
					t.Fatal("the watcher's connection closed")
				}
				switch e.Type {
				case "presence":
					frames++
					online[e.UserID] = e.Online
				case "presence_batch":
					frames++
					if e.RoomID != room.ID {
						t.Fatalf("presence_batch for room %d, want %d", e.RoomID, room.ID)
					}
					for _, id := range e.OnlineUsers {
						online[id] = true
					}
				}
			case <-deadline:
				t.Fatalf("watcher learned of %d of %d arrivals", seen(), crowd)
			}
		}
		for _, m := range members {
			if !online[m.ID] {
				t.Errorf("watcher never saw %s come online", m.Username)
			}
		}
		if frames >= crowd/2 {
			t.Errorf("watcher got %d presence frames for %d arrivals; want them coalesced", frames, crowd)
		}
	})
}

// TestMembersCrowd has a crowd join a public room at once: a member who
// was there already learns of every newcomer from a few coalesced frames.
func TestMembersCrowd(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		const crowd = 40
		r := single(t, hub.Options{})
		owner, ownerToken := newUser(t, r.App)
		room := newRoom(t, r.App, owner, chat.RoomPublic)
		watcher := dial(t, r.URL, ownerToken)
		watcher.next(wait, "ready")
		want := map[int64]bool{}
		var wg sync.WaitGroup
		for range crowd {
			u, _ := newUser(t, r.App)
			want[u.ID] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.App.JoinRoom(context.Background(), u, room.ID); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, frames := map[int64]bool{}, 0
		seenAll := func() bool {
			for id := range want {
				if !got[id] {
					return false
				}
			}
			return true
		}
		// Counted by who joined, not by how many: the owner's own join
		// (the room's creation) may come through too.
		for !seenAll() {
			e := watcher.next(wait, "member_joined", "members_changed")
			frames++
			if e.RoomID != room.ID {
				t.Fatalf("%s for room %d, want %d", e.Type, e.RoomID, room.ID)
			}
			if e.User != nil {
				got[e.User.ID] = true
			}
			for _, u := range e.Joined {
				got[u.ID] = true
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("watcher never saw user %d join", id)
			}
		}
		if frames >= crowd/2 {
			t.Errorf("watcher got %d membership frames for %d joins; want them coalesced", frames, crowd)
		}
	})
}
