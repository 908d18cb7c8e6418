package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// TestSendQueueFull holds the only committer on a row lock, so that its
// queue fills: the sends past the queue are refused at once with
// rate_limited and leave nothing behind, and every send that was not
// refused is committed once the lock goes.
func TestSendQueueFull(t *testing.T) {
	db, s := testenv.OpenURL(t, testenv.NewDatabase(t), postgres.StoreOptions{Committers: 1, QueueSize: 2})
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)

	// The committer's statement locks the room's row, so a transaction
	// holding that lock stalls it.
	tx, err := db.Primary().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE`, r.ID); err != nil {
		t.Fatal(err)
	}

	type outcome struct {
		client string
		msg    *chat.Message
		err    error
	}
	results := make(chan outcome, 64)
	var wg sync.WaitGroup
	sendAsync := func(client string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "b", ClientID: client})
			results <- outcome{client, m, err}
		}()
	}
	// The first send is taken by the committer, which then waits on the lock.
	sendAsync("first")
	waitFor(t, "the committer to wait on the room's lock", func() bool {
		var n int
		err := db.Primary().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return err == nil && n > 0
	})
	// Two more fit in the queue; the rest must be refused without waiting.
	const more = 12
	for i := range more {
		sendAsync(fmt.Sprintf("more-%d", i))
	}
	var refused []outcome
	waitFor(t, "the sends past the queue to be refused", func() bool {
		for {
			select {
			case o := <-results:
				if chat.ErrorCode(o.err) != chat.ERATELIMITED {
					t.Fatalf("send %s answered %v before the lock went, want rate_limited or a wait", o.client, o.err)
				}
				if chat.ErrorRetryAfter(o.err) <= 0 {
					t.Fatalf("send %s refused without a retry hint", o.client)
				}
				refused = append(refused, o)
			default:
				return len(refused) == more-2
			}
		}
	})

	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(results)
	acked := map[string]*chat.Message{}
	for o := range results {
		if o.err != nil {
			t.Fatalf("send %s after the lock went: %v, want committed", o.client, o.err)
		}
		acked[o.client] = o.msg
	}
	if len(acked) != 3 {
		t.Fatalf("%d sends committed, want 3 (one in flight, two queued)", len(acked))
	}
	msgs, _, err := s.ListMessages(ctx, r.ID, chat.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int64{}
	for _, m := range msgs {
		stored[m.ClientID] = m.Seq
	}
	for client, m := range acked {
		if stored[client] != m.Seq {
			t.Errorf("acked send %s (seq %d) stored as seq %d", client, m.Seq, stored[client])
		}
	}
	for _, o := range refused {
		if _, ok := stored[o.client]; ok {
			t.Errorf("refused send %s was stored", o.client)
		}
	}
	if got := s.Stats().Refused; got != more-2 {
		t.Errorf("Stats().Refused = %d, want %d", got, more-2)
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSendPoolOfItsOwn takes every connection of the primary's request
// pool, as a storm of waiting requests would: sends still commit, through
// the committer's own connections.
func TestSendPoolOfItsOwn(t *testing.T) {
	db, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	for {
		conn, err := db.Primary().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if st := db.Primary().Stats(); st.InUse == st.MaxOpenConnections {
			break
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, created, err := s.SendMessage(sendCtx, chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "still here", ClientID: "pool"})
	if err != nil || !created || m.Seq != 1 {
		t.Fatalf("send with the request pool exhausted = %+v, %v, %v; want seq 1 committed", m, created, err)
	}
}
