package cache_test

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

// BenchmarkHotReads compares the reads users repeat most, straight from
// PostgreSQL and through each cache: the room list (/rooms), the newest
// page of a room, and what a conditional GET answered 304 asks (session,
// membership, room). "queries/op" counts statements that reached PostgreSQL.
//
//	go test -run '^$' -bench HotReads -benchtime 2s ./server/cache/
func BenchmarkHotReads(b *testing.B) {
	e := newEnv(b, "memory", testenv.RedisAddr)
	user := e.user(b)
	var rooms []*chat.Room
	for i := range 10 {
		owner := e.user(b)
		r := e.room(b, owner, chat.RoomPublic)
		e.join(b, r, user)
		for j := range 60 {
			e.send(b, r, owner, fmt.Sprintf("message %d of room %d, about as long as a chat line", j, i))
		}
		rooms = append(rooms, r)
	}
	token := e.session(b, user)
	room := rooms[0]

	stores := []struct {
		name string
		s    cache.Store
	}{{"postgres", e.inner}}
	for _, impl := range caches {
		ve := newEnvOnDB(b, e, impl)
		stores = append(stores, struct {
			name string
			s    cache.Store
		}{impl, ve})
	}
	reads := []struct {
		name string
		read func(s cache.Store) error
	}{
		{"UserRooms", func(s cache.Store) error { _, err := s.UserRooms(bg(), user.ID); return err }},
		{"NewestPage", func(s cache.Store) error { _, _, err := s.ListMessages(bg(), room.ID, chat.Page{}); return err }},
		{"NotModified", func(s cache.Store) error {
			if _, err := s.FindSession(bg(), token); err != nil {
				return err
			}
			if _, err := s.FindMembership(bg(), room.ID, user.ID); err != nil {
				return err
			}
			_, err := s.FindRoom(bg(), room.ID)
			return err
		}},
	}
	for _, rd := range reads {
		for _, st := range stores {
			b.Run(rd.name+"/"+st.name, func(b *testing.B) {
				warm(b, rd.read, st.s)
				before := e.db.QueryCount()
				for b.Loop() {
					if err := rd.read(st.s); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(e.db.QueryCount()-before)/float64(b.N), "queries/op")
			})
			// Many requests at once, as a server sees them: valkey-go
			// pipelines concurrent round trips on one connection.
			b.Run(rd.name+"Parallel/"+st.name, func(b *testing.B) {
				warm(b, rd.read, st.s)
				b.SetParallelism(16)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := rd.read(st.s); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
	// The newest page while the room is busy: one send per 20 reads, so
	// every 20th read misses and reloads.
	for _, st := range stores[1:] {
		b.Run("NewestPageBusy/"+st.name, func(b *testing.B) {
			sender := st.s
			var reads, queries uint64
			i := 0
			for b.Loop() {
				if i%20 == 0 {
					b.StopTimer()
					if _, _, err := sender.SendMessage(bg(), chat.NewMessage{RoomID: room.ID, UserID: user.ID,
						Body: "busy", ClientID: fmt.Sprintf("busy-%s-%d-%d", st.name, b.N, i)}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				i++
				q := e.db.QueryCount()
				if _, _, err := st.s.ListMessages(bg(), room.ID, chat.Page{}); err != nil {
					b.Fatal(err)
				}
				reads++
				queries += e.db.QueryCount() - q
			}
			b.ReportMetric(1-float64(queries)/float64(reads), "hit-rate")
		})
	}
}

func warm(b *testing.B, read func(cache.Store) error, s cache.Store) {
	b.Helper()
	for range 3 {
		if err := read(s); err != nil {
			b.Fatal(err)
		}
	}
}

// newEnvOnDB returns Stores over e's store with a fresh cache of impl.
func newEnvOnDB(tb testing.TB, e *env, impl string) *cache.Stores {
	tb.Helper()
	other := newEnvWithInner(tb, e, impl)
	return other.a
}
