package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/searchbench"
	"github.com/parleychat/parley/server/testenv"
)

// BenchmarkSendSearchCost measures what keeping messages searchable costs
// the send path: 64 senders over 16 rooms (as BenchmarkSendLatency's
// group/senders=64), bodies of real-looking words, without the search
// column and index ("none", the schema before search), with the column
// alone ("column"), as migrated ("gin": GIN's pending list of 256 kB),
// with the default 4 MB pending list ("gin-pending-4MB") and with the
// index updated in place on every insert ("gin-in-place"). Run with a
// -benchtime of tens of thousands of sends so that the pending list fills
// and is merged many times during the run:
//
//	go test ./server/postgres -run '^$' -bench SendSearchCost -benchtime 60000x -count 3
func BenchmarkSendSearchCost(b *testing.B) {
	for _, mode := range []struct {
		name  string
		setup string
	}{
		{"none", `DROP INDEX idx_messages_search; ALTER TABLE messages DROP COLUMN search`},
		{"column", `DROP INDEX idx_messages_search`},
		{"gin", ``},
		{"gin-pending-4MB", `ALTER INDEX idx_messages_search RESET (gin_pending_list_limit)`},
		{"gin-in-place", `ALTER INDEX idx_messages_search SET (fastupdate = off)`},
	} {
		b.Run(mode.name, func(b *testing.B) {
			db, s := testenv.OpenURL(b, testenv.NewDatabase(b), postgres.StoreOptions{})
			if mode.setup != "" {
				for stmt := range strings.SplitSeq(mode.setup, ";") {
					if _, err := db.Primary().ExecContext(context.Background(), stmt); err != nil {
						b.Fatal(err)
					}
				}
			}
			u := newUser(b, s)
			ids := make([]int64, 16)
			for i := range ids {
				ids[i] = newRoom(b, s, u).ID
			}
			// The bodies are made before the clock starts.
			vocab := searchbench.NewVocabulary(30_000)
			r := rand.New(rand.NewPCG(1, 2))
			bodies := make([]string, 4096)
			for i := range bodies {
				var sb strings.Builder
				vocab.Body(r, &sb, 8, 60)
				bodies[i] = sb.String()
			}
			const senders = 64
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
						_, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: ids[n%16], UserID: u.ID,
							Body: bodies[n%int64(len(bodies))], ClientID: fmt.Sprintf("c%d", n)})
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
				b.ReportMetric(float64(all[len(all)-1].Microseconds()), "max-µs")
			}
			if st := s.Stats(); st.Batches > 0 {
				b.ReportMetric(float64(st.Sends)/float64(st.Batches), "msgs/tx")
			}
		})
	}
}
