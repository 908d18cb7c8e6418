package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// benchRoom makes a public room of members users (the owner included) and
// returns it with the members.
func benchRoom(b *testing.B, s *postgres.Store, members int) (*chat.Room, []*chat.User) {
	b.Helper()
	ctx := context.Background()
	users := []*chat.User{newUser(b, s)}
	r := newRoom(b, s, users[0])
	for range members - 1 {
		u := newUser(b, s)
		if _, err := s.AddMember(ctx, r.ID, u.ID, chat.RoleMember); err != nil {
			b.Fatal(err)
		}
		users = append(users, u)
	}
	return r, users
}

// BenchmarkSendMentions measures what mentions add to a send: a lone send
// (commit latency) without '@', naming three members, and with @room in a
// room of 1,000; then 64 senders over 16 rooms of 50 where one message in
// ten names a member, against none.
func BenchmarkSendMentions(b *testing.B) {
	body := strings.Repeat("x", 150)
	lone := []struct{ name, body string }{
		{"lone/plain", body},
		{"lone/names=3", "@%s @%s @%s " + body},
		{"lone/room", "@room " + body},
	}
	for _, c := range lone {
		b.Run(c.name, func(b *testing.B) {
			_, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{})
			r, users := benchRoom(b, s, 1000)
			text := c.body
			if strings.Contains(text, "%s") {
				text = fmt.Sprintf(text, users[1].Username, users[2].Username, users[3].Username)
			}
			var n int
			for b.Loop() {
				n++
				if _, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: users[0].ID, Body: text, ClientID: fmt.Sprintf("c%d", n)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, every := range []int{0, 10} {
		b.Run(fmt.Sprintf("senders=64/mention-every=%d", every), func(b *testing.B) {
			_, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{})
			rooms := make([]*chat.Room, 16)
			members := make([][]*chat.User, 16)
			for i := range rooms {
				rooms[i], members[i] = benchRoom(b, s, 50)
			}
			var next atomic.Int64
			lat := make([][]time.Duration, 64)
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range lat {
				wg.Go(func() {
					for {
						n := next.Add(1)
						if n > int64(b.N) {
							return
						}
						k := n % 16
						text := body
						if every > 0 && n%int64(every) == 0 {
							text = "@" + members[k][1+n%49].Username + " " + body
						}
						start := time.Now()
						_, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: rooms[k].ID, UserID: members[k][0].ID, Body: text, ClientID: fmt.Sprintf("c%d", n)})
						if err != nil {
							b.Error(err)
							return
						}
						lat[w] = append(lat[w], time.Since(start))
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			if len(all) > 0 {
				b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}

// BenchmarkUserRoomsMentions measures the room list of a user in 50 rooms
// (the query behind a cache miss) with everything read, and with every
// room unread and holding a mention of them.
func BenchmarkUserRoomsMentions(b *testing.B) {
	for _, unread := range []bool{false, true} {
		b.Run(fmt.Sprintf("unread=%v", unread), func(b *testing.B) {
			ctx := context.Background()
			_, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{})
			me, other := newUser(b, s), newUser(b, s)
			for i := range 50 {
				r := newRoom(b, s, other)
				if _, err := s.AddMember(ctx, r.ID, me.ID, chat.RoleMember); err != nil {
					b.Fatal(err)
				}
				for j := range 20 {
					text := "hello"
					if j%5 == 0 {
						text = "@" + me.Username + " hello"
					}
					if _, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: other.ID, Body: text, ClientID: fmt.Sprintf("r%d-%d", i, j)}); err != nil {
						b.Fatal(err)
					}
				}
				if !unread {
					if _, err := s.MarkRead(ctx, r.ID, me.ID, 1<<40); err != nil {
						b.Fatal(err)
					}
				}
			}
			for b.Loop() {
				rooms, err := s.UserRooms(ctx, me.ID)
				if err != nil || len(rooms) != 50 {
					b.Fatalf("%d rooms, %v", len(rooms), err)
				}
			}
		})
	}
}
