package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// reply commits a reply and fails the test on error.
func reply(tb testing.TB, s *postgres.Store, roomID, userID, replyTo int64, clientID string) *chat.Message {
	tb.Helper()
	m, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: roomID, UserID: userID, Body: "re " + clientID, ClientID: clientID, ReplyTo: replyTo})
	if err != nil {
		tb.Fatalf("reply %s to %d: %v", clientID, replyTo, err)
	}
	return m
}

// find reads one message back from the store.
func find(tb testing.TB, s *postgres.Store, roomID, seq int64) *chat.Message {
	tb.Helper()
	m, err := s.FindMessage(context.Background(), roomID, seq)
	if err != nil {
		tb.Fatalf("find %d: %v", seq, err)
	}
	return m
}

func TestSendReply(t *testing.T) {
	db, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	other := newRoom(t, s, u)

	t.Run("OK", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "parent")
		first := reply(t, s, r.ID, u.ID, parent.Seq, "r1")
		if first.Seq != parent.Seq+1 || first.ReplyTo != parent.Seq || first.ReplyNumber != 1 || first.RoomID != r.ID {
			t.Fatalf("reply %+v, want the room's next seq, reply_to %d, reply_number 1", first, parent.Seq)
		}
		if first.ReplyCount != 0 || first.LastReplyAt != nil {
			t.Fatalf("reply %+v carries a thread of its own", first)
		}
		got := find(t, s, r.ID, parent.Seq)
		if got.ReplyCount != 1 || got.LastReplyAt == nil || !got.LastReplyAt.Equal(first.CreatedAt) || got.ReplyTo != 0 {
			t.Fatalf("parent %+v, want reply_count 1 and last_reply_at %v", got, first.CreatedAt)
		}
		second := reply(t, s, r.ID, u.ID, parent.Seq, "r2")
		got = find(t, s, r.ID, parent.Seq)
		if second.ReplyNumber != 2 || got.ReplyCount != 2 || !got.LastReplyAt.Equal(second.CreatedAt) {
			t.Fatalf("second reply %+v, parent %+v: want number 2, count 2", second, got)
		}
		// History keeps every seq, replies included.
		checkGapless(t, s, r.ID, int(second.Seq))
	})

	t.Run("OKReplyToReplyJoinsItsThread", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "root")
		first := reply(t, s, r.ID, u.ID, parent.Seq, "root-r1")
		nested := reply(t, s, r.ID, u.ID, first.Seq, "root-r2")
		if nested.ReplyTo != parent.Seq || nested.ReplyNumber != 2 {
			t.Fatalf("reply to a reply %+v, want reply_to %d (the thread's first message), number 2", nested, parent.Seq)
		}
		if got := find(t, s, r.ID, first.Seq); got.ReplyCount != 0 {
			t.Fatalf("the reply replied to counts %d replies, want 0 (threads are flat)", got.ReplyCount)
		}
		if got := find(t, s, r.ID, parent.Seq); got.ReplyCount != 2 {
			t.Fatalf("thread root counts %d replies, want 2", got.ReplyCount)
		}
	})

	t.Run("OKRetryReturnsFirst", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "retry-parent")
		first := reply(t, s, r.ID, u.ID, parent.Seq, "retry-reply")
		again, created, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "again", ClientID: "retry-reply", ReplyTo: parent.Seq})
		if err != nil || created || again.ID != first.ID || again.ReplyNumber != 1 {
			t.Fatalf("retry: %+v created %v, %v; want the first reply", again, created, err)
		}
		if _, err := s.DeleteMessage(ctx, r.ID, parent.Seq); err != nil {
			t.Fatal(err)
		}
		// Even once the parent is gone, a retry is answered, not refused.
		again, created, err = s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "again", ClientID: "retry-reply", ReplyTo: parent.Seq})
		if err != nil || created || again.ID != first.ID {
			t.Fatalf("retry after the parent's deletion: %+v created %v, %v; want the first reply", again, created, err)
		}
		if got := find(t, s, r.ID, parent.Seq); got.ReplyCount != 1 {
			t.Fatalf("parent counts %d replies after retries, want 1", got.ReplyCount)
		}
	})

	t.Run("OKDeletedReplyStaysCounted", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "del-parent")
		rep := reply(t, s, r.ID, u.ID, parent.Seq, "del-reply")
		if _, err := s.DeleteMessage(ctx, r.ID, rep.Seq); err != nil {
			t.Fatal(err)
		}
		if got := find(t, s, r.ID, parent.Seq); got.ReplyCount != 1 {
			t.Fatalf("parent counts %d replies after one was deleted, want 1 (it stays as a placeholder)", got.ReplyCount)
		}
		next := reply(t, s, r.ID, u.ID, parent.Seq, "del-reply-2")
		if next.ReplyNumber != 2 {
			t.Fatalf("next reply number %d, want 2", next.ReplyNumber)
		}
	})

	refused := func(t *testing.T, replyTo int64, clientID string) {
		t.Helper()
		before, err := s.FindRoom(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "x", ClientID: clientID, ReplyTo: replyTo})
		wantCode(t, err, chat.EINVALID)
		if f := chat.ErrorField(err); f != "reply_to" {
			t.Fatalf("field %q, want reply_to", f)
		}
		after, err := s.FindRoom(ctx, r.ID)
		if err != nil || after.LastSeq != before.LastSeq {
			t.Fatalf("last_seq %d → %d after a refused reply, want unchanged", before.LastSeq, after.LastSeq)
		}
		if _, err := s.FindSent(ctx, r.ID, u.ID, clientID); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("a refused reply was stored: %v", err)
		}
	}
	t.Run("ErrNoSuchParent", func(t *testing.T) {
		room, _ := s.FindRoom(ctx, r.ID)
		refused(t, room.LastSeq+1, "no-parent")
	})
	t.Run("ErrParentInAnotherRoom", func(t *testing.T) {
		room, _ := s.FindRoom(ctx, r.ID)
		for i := int64(0); i <= room.LastSeq+1; i++ {
			send(t, s, other.ID, u.ID, fmt.Sprintf("elsewhere-%d", i))
		}
		// That seq is a message of the other room only.
		refused(t, room.LastSeq+1, "cross-room")
	})
	t.Run("ErrDeletedParent", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "gone")
		if _, err := s.DeleteMessage(ctx, r.ID, parent.Seq); err != nil {
			t.Fatal(err)
		}
		refused(t, parent.Seq, "to-deleted")
	})
	t.Run("ErrDeletedThreadRoot", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "gone-root")
		rep := reply(t, s, r.ID, u.ID, parent.Seq, "gone-root-r1")
		if _, err := s.DeleteMessage(ctx, r.ID, parent.Seq); err != nil {
			t.Fatal(err)
		}
		refused(t, rep.Seq, "into-deleted-thread")
	})
	t.Run("ErrNotPositive", func(t *testing.T) {
		refused(t, -3, "negative")
	})

	t.Run("OKQueryCount", func(t *testing.T) {
		parent := send(t, s, r.ID, u.ID, "counted-parent")
		before := db.QueryCount()
		reply(t, s, r.ID, u.ID, parent.Seq, "counted-reply")
		// A reply costs what any send does: one statement.
		if got := db.QueryCount() - before; got != 1 {
			t.Fatalf("a lone reply took %d statements, want 1", got)
		}
	})
}

// TestSendReplyBatch commits several replies in one batch: all good in the
// single statement, and with one bad reply among them, which must fail
// alone, through the careful attempt (after the single statement refused
// the batch, and straight).
func TestSendReplyBatch(t *testing.T) {
	db, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	for _, c := range []struct {
		name      string
		fast, bad bool
		queries   uint64
	}{
		{"OKFast", true, false, 1},
		{"OKFallback", true, true, 0},
		{"OKCareful", false, true, 0},
	} {
		name, fast := c.name, c.fast
		t.Run(name, func(t *testing.T) {
			a := send(t, s, r.ID, u.ID, name+"-a")
			b := send(t, s, r.ID, u.ID, name+"-b")
			gone := send(t, s, r.ID, u.ID, name+"-gone")
			if _, err := s.DeleteMessage(context.Background(), r.ID, gone.Seq); err != nil {
				t.Fatal(err)
			}
			batch := []chat.NewMessage{
				{RoomID: r.ID, UserID: u.ID, Body: "1", ClientID: name + "-1", ReplyTo: a.Seq},
				{RoomID: r.ID, UserID: u.ID, Body: "2", ClientID: name + "-2"},
				{RoomID: r.ID, UserID: u.ID, Body: "3", ClientID: name + "-3", ReplyTo: b.Seq},
				{RoomID: r.ID, UserID: u.ID, Body: "4", ClientID: name + "-4", ReplyTo: a.Seq},
				{RoomID: r.ID, UserID: u.ID, Body: "5", ClientID: name + "-5", ReplyTo: gone.Seq},
				{RoomID: r.ID, UserID: u.ID, Body: "6", ClientID: name + "-6", ReplyTo: a.Seq},
			}
			if !c.bad {
				batch[4].ReplyTo = 0
			}
			before := db.QueryCount()
			msgs, errs, err := s.CommitBatch(batch, fast)
			if err != nil {
				t.Fatal(err)
			}
			if got := db.QueryCount() - before; c.queries > 0 && got != c.queries {
				t.Fatalf("the batch took %d statements, want %d", got, c.queries)
			}
			if c.bad && chat.ErrorField(errs[4]) != "reply_to" {
				t.Fatalf("reply to a deleted message: %v, want invalid reply_to", errs[4])
			}
			want := []struct {
				replyTo int64
				number  int
			}{{a.Seq, 1}, {0, 0}, {b.Seq, 1}, {a.Seq, 2}, {}, {a.Seq, 3}}
			next := gone.Seq + 1
			for i, w := range want {
				if i == 4 && c.bad {
					continue
				}
				if errs[i] != nil {
					t.Fatalf("send %d: %v", i, errs[i])
				}
				if m := msgs[i]; m.Seq != next || m.ReplyTo != w.replyTo || m.ReplyNumber != w.number {
					t.Fatalf("send %d: seq %d reply_to %d number %d; want %d, %d, %d", i, m.Seq, m.ReplyTo, m.ReplyNumber, next, w.replyTo, w.number)
				}
				next++
			}
			if pa, pb := find(t, s, r.ID, a.Seq), find(t, s, r.ID, b.Seq); pa.ReplyCount != 3 || pb.ReplyCount != 1 {
				t.Fatalf("reply counts %d and %d, want 3 and 1", pa.ReplyCount, pb.ReplyCount)
			}
			checkGapless(t, s, r.ID, int(next-1))
		})
	}
}

// TestSendReplyConcurrentTwoReplicas replies to one message from many
// goroutines on two stores at once: the count must be exact and every
// reply must have its own number, in seq order.
func TestSendReplyConcurrentTwoReplicas(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	_, s1 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	_, s2 := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	u := newUser(t, s1)
	r := newRoom(t, s1, u)
	parent := send(t, s1, r.ID, u.ID, "busy-thread")
	const senders, each = 20, 10
	t.Run("OK", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := range senders {
			s := s1
			if g%2 == 1 {
				s = s2
			}
			wg.Go(func() {
				for i := range each {
					// Every third send is a plain message, so batches mix both.
					m := chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: "x", ClientID: fmt.Sprintf("g%d-%d", g, i)}
					if i%3 != 2 {
						m.ReplyTo = parent.Seq
					}
					if _, _, err := s.SendMessage(context.Background(), m); err != nil {
						t.Errorf("send %s: %v", m.ClientID, err)
					}
				}
			})
		}
		wg.Wait()
		total := senders * each
		checkGapless(t, s1, r.ID, total+1)
		var replies []chat.Message
		page, more, err := s1.ListReplies(context.Background(), r.ID, parent.Seq, chat.Page{Forward: true, Limit: chat.PageMaxLimit})
		for ; err == nil; page, more, err = s1.ListReplies(context.Background(), r.ID, parent.Seq, chat.Page{AfterSeq: replies[len(replies)-1].Seq, Limit: chat.PageMaxLimit}) {
			replies = append(replies, page...)
			if !more {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		wantReplies := senders * (each - each/3)
		got := find(t, s1, r.ID, parent.Seq)
		if len(replies) != wantReplies || got.ReplyCount != wantReplies {
			t.Fatalf("%d replies listed, reply_count %d; want %d", len(replies), got.ReplyCount, wantReplies)
		}
		newest := replies[0].CreatedAt
		for i, m := range replies {
			if m.ReplyNumber != i+1 {
				t.Fatalf("reply %d (seq %d) has number %d, want %d", i, m.Seq, m.ReplyNumber, i+1)
			}
			if m.CreatedAt.After(newest) {
				newest = m.CreatedAt
			}
		}
		if !got.LastReplyAt.Equal(newest) {
			t.Fatalf("last_reply_at %v, want the newest reply's %v", got.LastReplyAt, newest)
		}
	})
}

func TestListReplies(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	parent := send(t, s, r.ID, u.ID, "paged")
	var seqs []int64
	for i := range 7 {
		// Messages in between: a thread's seqs are not contiguous.
		send(t, s, r.ID, u.ID, fmt.Sprintf("between-%d", i))
		seqs = append(seqs, reply(t, s, r.ID, u.ID, parent.Seq, fmt.Sprintf("p%d", i)).Seq)
	}
	seqsOf := func(msgs []chat.Message) []int64 {
		out := []int64{}
		for _, m := range msgs {
			out = append(out, m.Seq)
		}
		return out
	}
	cases := []struct {
		name     string
		page     chat.Page
		want     []int64
		wantMore bool
	}{
		{"OKNewest", chat.Page{Limit: 3}, seqs[4:], true},
		{"OKAll", chat.Page{}, seqs, false},
		{"OKBefore", chat.Page{BeforeSeq: seqs[4], Limit: 3}, seqs[1:4], true},
		{"OKBeforeReachesStart", chat.Page{BeforeSeq: seqs[2], Limit: 3}, seqs[:2], false},
		{"OKAfter", chat.Page{AfterSeq: seqs[2], Limit: 3}, seqs[3:6], true},
		{"OKAfterReachesEnd", chat.Page{AfterSeq: seqs[4], Limit: 3}, seqs[5:], false},
		{"OKFromStart", chat.Page{Forward: true, Limit: 2}, seqs[:2], true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msgs, more, err := s.ListReplies(ctx, r.ID, parent.Seq, c.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqsOf(msgs); !slices.Equal(got, c.want) || more != c.wantMore {
				t.Fatalf("page %+v: seqs %v more %v; want %v more %v", c.page, got, more, c.want, c.wantMore)
			}
		})
	}
	t.Run("OKNoReplies", func(t *testing.T) {
		msgs, more, err := s.ListReplies(ctx, r.ID, seqs[0], chat.Page{})
		if err != nil || len(msgs) != 0 || more || msgs == nil {
			t.Fatalf("replies of a reply: %v %v %v; want an empty page", msgs, more, err)
		}
	})
	t.Run("ErrBothCursors", func(t *testing.T) {
		_, _, err := s.ListReplies(ctx, r.ID, parent.Seq, chat.Page{BeforeSeq: 5, AfterSeq: 2})
		wantCode(t, err, chat.EINVALID)
	})
}

// BenchmarkSendReply compares replies with messages in a room of 20,000
// analyzed messages, one sender and many; replies go to the newest 500
// messages in turn. PARLEY_BENCH_NOSYNC=1 turns synchronous_commit off, leaving the
// statements' own cost without the WAL flush.
func BenchmarkSendReply(b *testing.B) {
	dsn := testenv.NewDatabase(b)
	if os.Getenv("PARLEY_BENCH_NOSYNC") == "1" {
		dsn += "&options=-c%20synchronous_commit%3Doff"
	}
	db, s := testenv.OpenURL(b, dsn, postgres.StoreOptions{})
	u := newUser(b, s)
	r := newRoom(b, s, u)
	const total = 20_000
	fillRoom(b, db, r.ID, u.ID, total)
	body := strings.Repeat("x", 150)
	var n int64
	for _, replies := range []bool{false, true} {
		name := "message"
		if replies {
			name = "reply"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				n++
				m := chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: body, ClientID: fmt.Sprintf("b%d", n)}
				if replies {
					m.ReplyTo = total - n%500
				}
				if _, _, err := s.SendMessage(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// 64 senders at once, so that sends share batches: with one send in
	// ten a reply, nearly every batch holds one and runs the reply
	// statement.
	for _, every := range []int64{0, 10} {
		b.Run(fmt.Sprintf("senders=64/reply-every=%d", every), func(b *testing.B) {
			var next atomic.Int64
			next.Store(n)
			b.SetParallelism(32) // 64 goroutines on two cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					m := chat.NewMessage{RoomID: r.ID, UserID: u.ID, Body: body, ClientID: fmt.Sprintf("b%d", i)}
					if every > 0 && i%every == 0 {
						m.ReplyTo = total - i%500
					}
					if _, _, err := s.SendMessage(context.Background(), m); err != nil {
						b.Error(err)
						return
					}
				}
			})
			n = next.Load()
		})
	}
}
