package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

func TestSendMessage(t *testing.T) {
	db, s := testenv.Open(t)
	ctx := context.Background()
	owner, other := newUser(t, s), newUser(t, s)
	r := newRoom(t, s, owner)
	if _, err := s.AddMember(ctx, r.ID, other.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		body := "héllo <b>&</b> \"world\"\n"
		m, created, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: body, ClientID: "c-1"})
		if err != nil || !created {
			t.Fatalf("created = %v, %v; want true", created, err)
		}
		if m.Seq != 1 || m.RoomID != r.ID || m.User != *owner || m.Body != body || m.ClientID != "c-1" || m.ID == 0 || m.CreatedAt.IsZero() || m.Deleted || m.EditedAt != nil {
			t.Fatalf("got %+v, want seq 1 by %+v with the body as sent", m, owner)
		}
		own, err := s.FindMembership(ctx, r.ID, owner.ID)
		if err != nil || own.ReadSeq != 1 {
			t.Fatalf("sender membership %+v %v, want read_seq 1 (own message read)", own, err)
		}
		theirs, err := s.FindMembership(ctx, r.ID, other.ID)
		if err != nil || theirs.ReadSeq != 0 {
			t.Fatalf("other membership %+v %v, want read_seq 0", theirs, err)
		}
	})
	t.Run("OKRetryReturnsFirstWithoutTakingASeq", func(t *testing.T) {
		first := send(t, s, r.ID, other.ID, "retry-me")
		again, created, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: other.ID, Body: "different body", ClientID: "retry-me"})
		if err != nil || created {
			t.Fatalf("created = %v, %v; want false", created, err)
		}
		if again.ID != first.ID || again.Seq != first.Seq || again.Body != first.Body {
			t.Fatalf("retry got %+v, want the first %+v", again, first)
		}
		next := send(t, s, r.ID, other.ID, "after-retry")
		if next.Seq != first.Seq+1 {
			t.Fatalf("next seq = %d, want %d (a retry must not take a seq)", next.Seq, first.Seq+1)
		}
	})
	t.Run("OKSameClientIDOtherUser", func(t *testing.T) {
		a := send(t, s, r.ID, owner.ID, "shared")
		b := send(t, s, r.ID, other.ID, "shared")
		if a.ID == b.ID {
			t.Fatalf("two users' sends with one client_id share message %d, want two", a.ID)
		}
	})
	t.Run("OKQueryCount", func(t *testing.T) {
		before := db.QueryCount()
		send(t, s, r.ID, owner.ID, "counted")
		// BEGIN and COMMIT aside, the common path is one statement.
		if got := db.QueryCount() - before; got != 1 {
			t.Fatalf("a lone send took %d statements, want 1", got)
		}
	})
	t.Run("ErrUnknownRoom", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID + 1000, UserID: owner.ID, Body: "x", ClientID: "c"})
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID + 1000, Body: "x", ClientID: "c"})
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrEmptyBody", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "", ClientID: "c"})
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrNULInBody", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "a\x00b", ClientID: "c"})
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrTooLongBody", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: strings.Repeat("é", chat.BodyMaxLen+1), ClientID: "c"})
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrBadClientID", func(t *testing.T) {
		_, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "x", ClientID: "has space"})
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := s.SendMessage(cctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "x", ClientID: "cancelled"})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		closed := postgres.NewStore(db, postgres.StoreOptions{})
		if err := closed.Close(); err != nil {
			t.Fatal(err)
		}
		_, _, err := closed.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "x", ClientID: "late"})
		wantCode(t, err, chat.EUNAVAILABLE)
	})
}

// TestSendCancelledWhileCommitting cancels a send while its batch waits
// for the room's row: it answers only once the commit is done, with the
// stored message. Answering "cancelled" at once would let a cache retire
// the room's versions before the message is visible, and a reader then
// cache a page without it under the new versions.
func TestSendCancelledWhileCommitting(t *testing.T) {
	db, s := testenv.Open(t)
	bg := context.Background()
	owner := newUser(t, s)
	r := newRoom(t, s, owner)

	// Another transaction holds the room's row, as a concurrent commit in
	// the same room would.
	hold, err := db.Primary().BeginTxx(bg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.ExecContext(bg, `SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE`, r.ID); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(bg)
	type result struct {
		m   *chat.Message
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, _, err := s.SendMessage(ctx, chat.NewMessage{RoomID: r.ID, UserID: owner.ID, Body: "in flight", ClientID: "in-flight"})
		done <- result{m, err}
	}()
	// The committer is inside the commit once its statement waits on the
	// row lock.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := db.Primary().GetContext(bg, &waiting, `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the send's commit never waited on the held row")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case got := <-done:
		t.Fatalf("send answered %v, %v while its commit was still waiting", got.m, got.err)
	default:
	}
	if err := hold.Commit(); err != nil {
		t.Fatal(err)
	}
	got := <-done
	if got.err != nil || got.m == nil || got.m.Seq != 1 {
		t.Fatalf("send answered %+v, %v; want the stored message, seq 1", got.m, got.err)
	}
	var stored int
	if err := db.Primary().GetContext(bg, &stored, `SELECT count(*) FROM messages WHERE room_id = $1`, r.ID); err != nil || stored != 1 {
		t.Fatalf("%d messages stored (%v), want 1", stored, err)
	}
}
