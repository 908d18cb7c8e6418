package postgres_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
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

// BenchmarkSendMessage compares group commit with one transaction per
// message (MaxBatch 1), with 64 concurrent senders spread over 1 or 16 rooms.
func BenchmarkSendMessage(b *testing.B) {
	for _, mode := range []struct {
		name     string
		maxBatch int
	}{{"group", 0}, {"single", 1}} {
		for _, rooms := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/rooms=%d", mode.name, rooms), func(b *testing.B) {
				_, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{MaxBatch: mode.maxBatch})
				u := newUser(b, s)
				ids := make([]int64, rooms)
				for i := range ids {
					ids[i] = newRoom(b, s, u).ID
				}
				var next atomic.Int64
				body := strings.Repeat("x", 150)
				// RunParallel starts parallelism × GOMAXPROCS goroutines.
				b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						n := next.Add(1)
						_, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: ids[n%int64(rooms)], UserID: u.ID, Body: body, ClientID: fmt.Sprintf("c%d", n)})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				st := s.Stats()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
				if st.Batches > 0 {
					b.ReportMetric(float64(st.Sends)/float64(st.Batches), "msgs/tx")
				}
			})
		}
	}
}

// BenchmarkSendLatency measures throughput and each send's latency from
// the call to its commit (what the sender's ack waits for) against the
// number of concurrent senders, with group commit on (one committer, the
// default, or four) and off, senders spread over 16 rooms as in a busy
// replica.
func BenchmarkSendLatency(b *testing.B) {
	for _, mode := range []struct {
		name       string
		maxBatch   int
		committers int
	}{{"group", 0, 0}, {"group4", 0, 4}, {"single", 1, 0}} {
		for _, senders := range []int{1, 8, 64, 256} {
			b.Run(fmt.Sprintf("%s/senders=%d", mode.name, senders), func(b *testing.B) {
				_, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{MaxBatch: mode.maxBatch, Committers: mode.committers})
				u := newUser(b, s)
				ids := make([]int64, 16)
				for i := range ids {
					ids[i] = newRoom(b, s, u).ID
				}
				body := strings.Repeat("x", 150)
				var next atomic.Int64
				lat := make([][]time.Duration, senders)
				var wg sync.WaitGroup
				b.ResetTimer()
				for w := range senders {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							n := next.Add(1)
							if n > int64(b.N) {
								return
							}
							start := time.Now()
							_, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: ids[n%16], UserID: u.ID, Body: body, ClientID: fmt.Sprintf("c%d", n)})
							if err != nil {
								b.Error(err)
								return
							}
							lat[w] = append(lat[w], time.Since(start))
						}
					}()
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
				if st := s.Stats(); st.Batches > 0 {
					b.ReportMetric(float64(st.Sends)/float64(st.Batches), "msgs/tx")
				}
			})
		}
	}
}

// BenchmarkSendMessageLone measures the commit latency of a send that has
// nobody to share its transaction with.
func BenchmarkSendMessageLone(b *testing.B) {
	_, s := testenv.Open(b)
	u := newUser(b, s)
	r := newRoom(b, s, u)
	body := strings.Repeat("x", 150)
	var n int
	for b.Loop() {
		n++
		if _, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: body, ClientID: fmt.Sprintf("c%d", n)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListMessages compares the newest page of a big room with a page
// in the middle of its history, and logs the plan of the deep page and the
// time OFFSET (which keyset replaces) takes for it.
// The room holds 20,000 messages by default; PARLEY_BENCH_DEEP=1 makes it
// 2,000,000 with the page 1,000,000 deep.
func BenchmarkListMessages(b *testing.B) {
	total := int64(20_000)
	if os.Getenv("PARLEY_BENCH_DEEP") == "1" {
		total = 2_000_000
	}
	db, s := testenv.Open(b)
	ctx := context.Background()
	u := newUser(b, s)
	r := newRoom(b, s, u)
	fillRoom(b, db, r.ID, u.ID, total)
	deep := total/2 + 1
	b.Logf("room of %d messages; deep page ends just below seq %d", total, deep)
	keysetQuery := `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT ` + listColumns + `
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT 51`
	explain(b, "newest page", db, keysetQuery, r.ID, int64(1<<63-1))
	explain(b, "deep page", db, keysetQuery, r.ID, deep)

	// OFFSET, for contrast: timed a few times rather than benchmarked, since
	// one page 1,000,000 deep takes about half a second.
	offsetQuery := `SELECT ` + listColumns + `
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 ORDER BY m.seq DESC OFFSET $2 LIMIT 50`
	var best time.Duration
	for range 3 {
		var ms []chat.Message
		start := time.Now()
		if err := db.Primary().SelectContext(ctx, &ms, offsetQuery, r.ID, total-deep+1); err != nil || len(ms) != chat.PageDefaultLimit {
			b.Fatalf("offset page of %d, %v", len(ms), err)
		}
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	b.Logf("the same page by OFFSET: best of 3 took %v", best)
	explain(b, "deep page by OFFSET", db, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) `+offsetQuery, r.ID, total-deep+1)

	b.Run("newest", func(b *testing.B) {
		for b.Loop() {
			if ms, _, err := s.ListMessages(ctx, r.ID, chat.Page{}); err != nil || len(ms) != chat.PageDefaultLimit {
				b.Fatalf("page of %d, %v", len(ms), err)
			}
		}
	})
	b.Run("deep", func(b *testing.B) {
		for b.Loop() {
			ms, _, err := s.ListMessages(ctx, r.ID, chat.Page{BeforeSeq: deep})
			if err != nil || len(ms) != chat.PageDefaultLimit || ms[len(ms)-1].Seq != deep-1 {
				b.Fatalf("page of %d, %v", len(ms), err)
			}
		}
	})
}

const listColumns = `m.id, m.room_id, m.seq, m.body, m.client_id, m.created_at, m.edited_at, m.deleted,
	u.id AS "user.id", u.username AS "user.username", u.display_name AS "user.display_name"`

// fillRoom inserts n messages in one statement, a second apart, and sets
// the room's last_seq, then refreshes the planner's statistics.
func fillRoom(tb testing.TB, db *postgres.DB, roomID, userID, n int64) {
	tb.Helper()
	ctx := context.Background()
	_, err := db.Primary().ExecContext(ctx, `
		INSERT INTO messages (room_id, seq, user_id, body, client_id, created_at)
		SELECT $1, g, $2, 'message number ' || g, 'fill-' || g, now() - ($3 - g) * interval '1 second'
		FROM generate_series(1, $3::bigint) AS g`, roomID, userID, n)
	if err != nil {
		tb.Fatalf("fill room: %v", err)
	}
	if _, err := db.Primary().ExecContext(ctx, `UPDATE rooms SET last_seq = $2 WHERE id = $1`, roomID, n); err != nil {
		tb.Fatalf("fill room: %v", err)
	}
	if _, err := db.Primary().ExecContext(ctx, `VACUUM ANALYZE messages`); err != nil {
		tb.Fatalf("fill room: %v", err)
	}
}

// explain logs the plan of a query as PostgreSQL ran it.
func explain(tb testing.TB, what string, db *postgres.DB, query string, args ...any) {
	tb.Helper()
	var lines []string
	if err := db.Primary().SelectContext(context.Background(), &lines, query, args...); err != nil {
		tb.Fatalf("explain: %v", err)
	}
	tb.Logf("plan of the %s:\n%s", what, strings.Join(lines, "\n"))
}
