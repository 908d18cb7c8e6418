package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

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
