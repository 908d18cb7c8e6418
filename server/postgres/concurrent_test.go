package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// checkGapless fails unless the room holds exactly seq 1..n, and its
// last_seq is n.
func checkGapless(tb testing.TB, s *postgres.Store, roomID int64, n int) {
	tb.Helper()
	ctx := context.Background()
	// Walk back from the newest page, as a client scrolling up would.
	all, more, err := s.ListMessages(ctx, roomID, chat.Page{Limit: chat.PageMaxLimit})
	for err == nil && more {
		var older []chat.Message
		older, more, err = s.ListMessages(ctx, roomID, chat.Page{BeforeSeq: all[0].Seq, Limit: chat.PageMaxLimit})
		all = append(older, all...)
	}
	if err != nil {
		tb.Fatal(err)
	}
	for i, m := range all {
		if m.Seq != int64(i+1) {
			tb.Fatalf("message %d has seq %d, want %d (gap or repeat)", i, m.Seq, i+1)
		}
	}
	if len(all) != n {
		tb.Fatalf("room holds %d messages, want %d", len(all), n)
	}
	room, err := s.FindRoom(ctx, roomID)
	if err != nil || room.LastSeq != int64(n) {
		tb.Fatalf("room %+v %v, want last_seq %d", room, err, n)
	}
}

func TestSendMessageConcurrentTwoReplicas(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	_, s1 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	_, s2 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	u := newUser(t, s1)
	r := newRoom(t, s1, u)
	const senders, each = 50, 10
	t.Run("OK", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := range senders {
			s := s1
			if g%2 == 1 {
				s = s2
			}
			wg.Go(func() {
				for i := range each {
					_, created, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "x", ClientID: fmt.Sprintf("g%d-%d", g, i)})
					if err != nil || !created {
						t.Errorf("send g%d-%d: created %v, %v", g, i, created, err)
					}
				}
			})
		}
		wg.Wait()
		checkGapless(t, s1, r.ID, senders*each)
		st1, st2 := s1.Stats(), s2.Stats()
		if st1.Sends+st2.Sends != senders*each || st1.Batches+st2.Batches >= senders*each {
			t.Fatalf("stats %+v %+v: want %d sends in fewer transactions", st1, st2, senders*each)
		}
		t.Logf("%d sends in %d transactions", st1.Sends+st2.Sends, st1.Batches+st2.Batches)
	})
}

func TestSendMessageConcurrentRetries(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	_, s1 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	_, s2 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	u := newUser(t, s1)
	r := newRoom(t, s1, u)
	t.Run("OKOneClientID", func(t *testing.T) {
		const n = 20
		ids := make([]int64, n)
		created := make([]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			s := s1
			if i%2 == 1 {
				s = s2
			}
			wg.Go(func() {
				m, c, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "once", ClientID: "same"})
				if err != nil {
					t.Errorf("send: %v", err)
					return
				}
				ids[i], created[i] = m.ID, c
			})
		}
		wg.Wait()
		nCreated := 0
		for i := range n {
			if ids[i] != ids[0] {
				t.Fatalf("ids %v, want one message", ids)
			}
			if created[i] {
				nCreated++
			}
		}
		if nCreated != 1 {
			t.Fatalf("created %d times, want once", nCreated)
		}
		checkGapless(t, s1, r.ID, 1)
	})
	t.Run("OKManyRetriedClientIDs", func(t *testing.T) {
		const keys, tries = 40, 3
		var wg sync.WaitGroup
		for k := range keys {
			for try := range tries {
				s := s1
				if (k+try)%2 == 1 {
					s = s2
				}
				wg.Go(func() {
					_, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "x", ClientID: fmt.Sprintf("k%d", k)})
					if err != nil {
						t.Errorf("send k%d: %v", k, err)
					}
				})
			}
		}
		wg.Wait()
		checkGapless(t, s1, r.ID, 1+keys)
	})
}

func TestSendMessageBadSendFailsAlone(t *testing.T) {
	_, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	t.Run("OK", func(t *testing.T) {
		const n = 60
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				userID := u.ID
				if i%10 == 5 {
					userID = u.ID + 1000 // no such user: breaks the batch it lands in
				}
				_, _, errs[i] = s.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: userID, Body: "x", ClientID: fmt.Sprintf("c%d", i)})
			})
		}
		wg.Wait()
		good := 0
		for i, err := range errs {
			switch {
			case i%10 == 5 && chat.ErrorCode(err) != chat.ENOTFOUND:
				t.Fatalf("bad send %d: %v, want not_found", i, err)
			case i%10 != 5 && err != nil:
				t.Fatalf("good send %d failed: %v", i, err)
			case i%10 != 5:
				good++
			}
		}
		checkGapless(t, s, r.ID, good)
	})
}

func TestSendMessageManyRoomsOneCommitter(t *testing.T) {
	// Two replicas each with one committer: every batch spans several
	// rooms, locked in opposite arrival orders by the two replicas.
	dsn := testenv.NewDatabase(t)
	_, s1 := testenv.OpenURL(t, dsn, postgres.StoreOptions{Committers: 1})
	_, s2 := testenv.OpenURL(t, dsn, postgres.StoreOptions{Committers: 1})
	u := newUser(t, s1)
	const rooms, each = 8, 25
	var ids []int64
	for range rooms {
		ids = append(ids, newRoom(t, s1, u).ID)
	}
	t.Run("OK", func(t *testing.T) {
		var wg sync.WaitGroup
		for _, id := range ids {
			for g := range 2 {
				s := s1
				if g == 1 {
					s = s2
				}
				wg.Go(func() {
					for i := range each {
						if _, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: id, UserID: u.ID, Body: "x", ClientID: fmt.Sprintf("g%d-%d", g, i)}); err != nil {
							t.Errorf("send: %v", err)
						}
					}
				})
			}
		}
		wg.Wait()
		for _, id := range ids {
			checkGapless(t, s1, id, 2*each)
		}
	})
}

func TestStoreClose(t *testing.T) {
	db, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	t.Run("OKDrainsQueuedSends", func(t *testing.T) {
		closing := postgres.NewStore(db, postgres.StoreOptions{})
		const n = 100
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = closing.SendMessage(context.Background(), chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "x", ClientID: fmt.Sprintf("c%d", i)})
			})
		}
		if err := closing.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch chat.ErrorCode(err) {
			case "":
				ok++
			case chat.EUNAVAILABLE:
			default:
				t.Fatalf("send during close: %v, want success or unavailable", err)
			}
		}
		checkGapless(t, s, r.ID, ok)
		if err := closing.Close(); err != nil {
			t.Fatalf("second close: %v", err)
		}
	})
}
