package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestSessions(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	live := []byte("live-token-hash")
	expires := time.Now().Add(time.Hour)
	if err := s.CreateSession(ctx, u.ID, live, expires); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := s.FindSession(ctx, live)
		if err != nil {
			t.Fatal(err)
		}
		if got.User != *u {
			t.Fatalf("got %+v, want %+v", got.User, u)
		}
		// PostgreSQL keeps microseconds.
		if got.ExpiresAt.Sub(expires).Abs() > time.Microsecond {
			t.Fatalf("expires at %v, want %v", got.ExpiresAt, expires)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		old := []byte("old-token-hash")
		if err := s.CreateSession(ctx, u.ID, old, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindSession(ctx, old)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		_, err := s.FindSession(ctx, []byte("nope"))
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		err := s.CreateSession(ctx, u.ID+1000, []byte("x"), time.Now().Add(time.Hour))
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		err := s.CreateSession(ctx, u.ID, live, time.Now().Add(time.Hour))
		wantCode(t, err, chat.ECONFLICT)
	})
	t.Run("OKDeleteExpired", func(t *testing.T) {
		n, err := s.DeleteExpiredSessions(ctx)
		if err != nil || n != 1 {
			t.Fatalf("deleted %d, %v; want the 1 expired session", n, err)
		}
		if _, err := s.FindSession(ctx, live); err != nil {
			t.Fatalf("live session gone: %v", err)
		}
	})
	t.Run("OKDelete", func(t *testing.T) {
		userID, err := s.DeleteSession(ctx, live)
		if err != nil || userID != u.ID {
			t.Fatalf("DeleteSession = %d, %v; want %d", userID, err, u.ID)
		}
		_, err = s.FindSession(ctx, live)
		wantCode(t, err, chat.ENOTFOUND)
		if userID, err := s.DeleteSession(ctx, live); err != nil || userID != 0 {
			t.Fatalf("deleting a missing session: %d, %v, want 0, nil", userID, err)
		}
	})
}
