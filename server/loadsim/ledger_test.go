package loadsim_test

import (
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

// stream replays hand-made events against a ledger: two users in room 7,
// whose first ready reported last_seq 10.
type stream struct {
	l    *loadsim.Ledger
	a, b *loadsim.Receiver
	t0   time.Time
}

func newStream(tb testing.TB) *stream {
	tb.Helper()
	l := loadsim.NewLedger()
	s := &stream{l: l, a: l.NewReceiver(), b: l.NewReceiver(), t0: time.Unix(1000, 0)}
	s.a.Ready(map[int64]int64{7: 10})
	s.b.Ready(map[int64]int64{7: 10})
	return s
}

// send sends and acks seq 10+n in room 7 at t0+n ms.
func (s *stream) send(n int) time.Time {
	at := s.t0.Add(time.Duration(n) * time.Millisecond)
	id := "c" + string(rune('a'+n))
	s.l.Sent(id, 7, at)
	s.l.Acked(id, 7, int64(10+n), at.Add(2*time.Millisecond))
	return at
}

func (s *stream) deliver(r *loadsim.Receiver, n int, sent time.Time, after time.Duration) {
	r.Deliver(7, int64(10+n), sent, sent.Add(after), false)
}

func (s *stream) verify() loadsim.Loss {
	s.a.Verify()
	s.b.Verify()
	return s.l.Loss()
}

func TestLedger(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := newStream(t)
		for n := 1; n <= 3; n++ {
			at := s.send(n)
			s.deliver(s.a, n, at, 5*time.Millisecond)
			s.deliver(s.b, n, at, 7*time.Millisecond)
		}
		loss := s.verify()
		c := s.l.Counts()
		if loss.Lost != 0 || loss.Expected != 6 || c.Duplicated != 0 || c.OutOfOrder != 0 {
			t.Fatalf("loss %+v counts %+v, want 6 expected and nothing wrong", loss, c)
		}
		if got, want := c.Delivered, int64(6); got != want {
			t.Fatalf("delivered %d, want %d", got, want)
		}
		d := s.l.Delivery.Snapshot()
		assertNear(t, 0, d.Quantile(0), 5, 0.002)
		assertNear(t, 1, d.Quantile(1), 7, 0)
		assertNear(t, 0.5, s.l.Ack.Snapshot().Quantile(0.5), 2, 0.002)
	})
	t.Run("OKSurvivorsApart", func(t *testing.T) {
		// b's socket dropped after the first message: from then on only a
		// counts as a survivor.
		s := newStream(t)
		at := s.send(1)
		s.deliver(s.a, 1, at, 5*time.Millisecond)
		s.deliver(s.b, 1, at, 5*time.Millisecond)
		s.b.Dropped()
		at = s.send(2)
		s.deliver(s.a, 2, at, 6*time.Millisecond)
		s.deliver(s.b, 2, at, 900*time.Millisecond)
		all, surv := s.l.Delivery.Snapshot(), s.l.Survivors.Snapshot()
		if all.N != 4 || surv.N != 3 {
			t.Fatalf("deliveries %d, survivors' %d; want 4 and 3", all.N, surv.N)
		}
		assertNear(t, 1, surv.Quantile(1), 6, 0.002)
	})
	t.Run("ErrLost", func(t *testing.T) {
		s := newStream(t)
		at1, at2 := s.send(1), s.send(2)
		s.deliver(s.a, 1, at1, time.Millisecond)
		s.deliver(s.a, 2, at2, time.Millisecond)
		s.deliver(s.b, 2, at2, time.Millisecond) // b never gets seq 11
		loss := s.verify()
		if got, want := loss.Lost, int64(1); got != want {
			t.Fatalf("lost %d, want %d (%+v)", got, want, loss)
		}
		if len(loss.Examples) != 1 || loss.Examples[0] != "7/11" {
			t.Fatalf("examples %v, want [7/11]", loss.Examples)
		}
	})
	t.Run("OKRecoveredByResume", func(t *testing.T) {
		s := newStream(t)
		at1, at2 := s.send(1), s.send(2)
		s.deliver(s.a, 1, at1, time.Millisecond)
		s.deliver(s.a, 2, at2, time.Millisecond)
		s.deliver(s.b, 2, at2, time.Millisecond)
		if got, want := s.b.Watermarks()[7], int64(10); got != want {
			t.Fatalf("b resumes from %d, want %d", got, want)
		}
		s.b.Finalize()
		s.b.Deliver(7, 11, at1, at1.Add(time.Second), true) // the final resume's replay
		s.b.Deliver(7, 12, at2, at2.Add(time.Second), true) // replayed again: not a duplicate
		loss := s.verify()
		c := s.l.Counts()
		if loss.Lost != 0 || c.Duplicated != 0 || c.Recovered != 1 {
			t.Fatalf("loss %+v counts %+v, want nothing lost, 1 recovered", loss, c)
		}
		if got, want := s.l.Delivery.Snapshot().N, uint64(3); got != want {
			t.Fatalf("latency samples %d, want %d: final replays carry no delivery latency", got, want)
		}
	})
	t.Run("OKGapResumed", func(t *testing.T) {
		s := newStream(t)
		at1, at2 := s.send(1), s.send(2)
		if gap := s.b.Deliver(7, 12, at2, at2.Add(time.Millisecond), false); !gap {
			t.Fatal("seq 12 after 10 not reported as a gap")
		}
		if gap := s.b.Deliver(7, 11, at1, at1.Add(50*time.Millisecond), true); gap {
			t.Fatal("a replay reported as a gap")
		}
		d := s.l.Delivery.Snapshot()
		if got, want := d.N, uint64(2); got != want {
			t.Fatalf("latency samples %d, want %d: a replay after a gap is a delivery", got, want)
		}
		assertNear(t, 1, d.Quantile(1), 50, 0)
		if c := s.l.Counts(); c.Recovered != 1 || c.OutOfOrder != 1 {
			t.Fatalf("counts %+v, want 1 recovered, 1 out of order", c)
		}
	})
	t.Run("ErrDuplicated", func(t *testing.T) {
		s := newStream(t)
		at := s.send(1)
		s.deliver(s.a, 1, at, time.Millisecond)
		s.deliver(s.a, 1, at, time.Millisecond)
		if got, want := s.l.Counts().Duplicated, int64(1); got != want {
			t.Fatalf("duplicated %d, want %d", got, want)
		}
	})
	t.Run("ErrDuplicatedAcrossReconnect", func(t *testing.T) {
		s := newStream(t)
		at := s.send(1)
		s.deliver(s.a, 1, at, time.Millisecond)
		s.a.Ready(map[int64]int64{7: 11}) // a new connection
		s.deliver(s.a, 1, at, time.Millisecond)
		if got, want := s.l.Counts().Duplicated, int64(1); got != want {
			t.Fatalf("duplicated %d, want %d", got, want)
		}
	})
	t.Run("ErrOutOfOrder", func(t *testing.T) {
		s := newStream(t)
		at1, at2, at3 := s.send(1), s.send(2), s.send(3)
		s.deliver(s.a, 1, at1, time.Millisecond)
		s.deliver(s.a, 3, at3, time.Millisecond)
		s.deliver(s.a, 2, at2, time.Millisecond)
		c := s.l.Counts()
		if c.OutOfOrder != 1 || c.Duplicated != 0 {
			t.Fatalf("counts %+v, want 1 out of order, no duplicate", c)
		}
		s.deliver(s.b, 1, at1, time.Millisecond)
		s.deliver(s.b, 2, at2, time.Millisecond)
		s.deliver(s.b, 3, at3, time.Millisecond)
		if loss := s.verify(); loss.Lost != 0 {
			t.Fatalf("lost %d, want 0: late is not lost", loss.Lost)
		}
	})
	t.Run("OKOrderPerConnection", func(t *testing.T) {
		s := newStream(t)
		at1, at2 := s.send(1), s.send(2)
		s.deliver(s.a, 2, at2, time.Millisecond)
		s.a.Ready(map[int64]int64{7: 12}) // reconnect: order restarts
		s.a.Deliver(7, 11, at1, at1.Add(time.Second), true)
		if got := s.l.Counts().OutOfOrder; got != 0 {
			t.Fatalf("out of order %d, want 0 on a fresh connection", got)
		}
	})
	t.Run("OKUnverifiedNotLost", func(t *testing.T) {
		s := newStream(t)
		at := s.send(1)
		s.deliver(s.a, 1, at, time.Millisecond)
		s.a.Verify() // b's final resume never completed
		loss := s.l.Loss()
		if loss.Lost != 0 || loss.Unverified != 1 {
			t.Fatalf("loss %+v, want 0 lost and 1 unverified", loss)
		}
	})
	t.Run("OKHistoryNotExpected", func(t *testing.T) {
		s := newStream(t)
		late := s.l.NewReceiver()
		at := s.send(1)
		late.Ready(map[int64]int64{7: 11}) // joined after seq 11 was committed
		s.deliver(s.a, 1, at, time.Millisecond)
		s.deliver(s.b, 1, at, time.Millisecond)
		late.Verify()
		if loss := s.verify(); loss.Lost != 0 {
			t.Fatalf("lost %d, want 0", loss.Lost)
		}
		late.Deliver(7, 11, at, at, false)
		if c := s.l.Counts(); c.PreReady != 1 || c.Duplicated != 0 {
			t.Fatalf("counts %+v, want 1 pre-ready and no duplicate", c)
		}
	})
	t.Run("ErrRefusedSendNotExpected", func(t *testing.T) {
		s := newStream(t)
		s.l.Sent("x", 7, s.t0)
		s.l.SendFailed("x")
		loss := s.verify()
		if c := s.l.Counts(); c.SendErrors != 1 || loss.Expected != 0 || loss.Unacked != 0 {
			t.Fatalf("counts %+v loss %+v, want 1 send error and nothing expected", c, loss)
		}
	})
	t.Run("OKRetriedAckCountedOnce", func(t *testing.T) {
		s := newStream(t)
		s.send(1)
		s.l.Acked("cb", 7, 11, s.t0.Add(time.Second)) // the retry's ack
		if got, want := s.l.Counts().Acked, int64(1); got != want {
			t.Fatalf("acked %d, want %d", got, want)
		}
	})
}
