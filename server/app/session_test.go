package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
)

func TestSessions(t *testing.T) {
	const ttl = time.Hour
	e := newEnv(t, func(o *app.Options) { o.SessionTTL = ttl })
	ctx := context.Background()
	t.Run("OKExpiresAt", func(t *testing.T) {
		before := time.Now()
		u, token := e.user(t)
		got, s, err := e.app.AuthenticateSession(ctx, token)
		if err != nil || got.ID != u.ID {
			t.Fatalf("AuthenticateSession = %v, %v; want user %d", got, err, u.ID)
		}
		if s.ID != app.SessionID(token) || s.UserID != u.ID {
			t.Fatalf("session = %+v; want id %s of user %d", s, app.SessionID(token), u.ID)
		}
		if s.ExpiresAt.Before(before.Add(ttl-time.Minute)) || s.ExpiresAt.After(time.Now().Add(ttl+time.Minute)) {
			t.Fatalf("expires at %v; want about %v from now", s.ExpiresAt, ttl)
		}
	})
	t.Run("OKNewTokenEverySignIn", func(t *testing.T) {
		u, first := e.user(t)
		_, second, err := e.app.Login(ctx, u.Username, "password123")
		if err != nil {
			t.Fatal(err)
		}
		_, third, err := e.app.Login(ctx, u.Username, "password123")
		if err != nil {
			t.Fatal(err)
		}
		if first == second || second == third || first == third {
			t.Fatal("a sign-in reused a token")
		}
	})
	t.Run("OKLogoutEndsSession", func(t *testing.T) {
		u, token := e.user(t)
		other, err := loginAgain(e, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.app.SessionAlive(ctx, app.SessionID(token)), chat.EUNAUTHENTICATED)
		_, err = e.app.Authenticate(ctx, token)
		wantCode(t, err, chat.EUNAUTHENTICATED)
		if err := e.app.SessionAlive(ctx, app.SessionID(other)); err != nil {
			t.Fatalf("the user's other session ended too: %v", err)
		}
		found := false
		for _, s := range e.notes.sessionsEnded() {
			if s == (sessionEnded{u.ID, app.SessionID(token)}) {
				found = true
			}
			if s.sessionID == app.SessionID(other) {
				t.Fatal("told that the other session ended")
			}
		}
		if !found {
			t.Fatalf("sessions ended = %v; want %d's session %s", e.notes.sessionsEnded(), u.ID, app.SessionID(token))
		}
	})
	t.Run("OKLogoutUnknownTellsNobody", func(t *testing.T) {
		n := len(e.notes.sessionsEnded())
		if err := e.app.Logout(ctx, "no-such-token"); err != nil {
			t.Fatal(err)
		}
		if got := len(e.notes.sessionsEnded()); got != n {
			t.Fatalf("%d sessions ended, want %d", got, n)
		}
	})
	t.Run("OKPrune", func(t *testing.T) {
		u, token := e.user(t)
		for _, h := range []string{"expired-1", "expired-2"} {
			if err := e.store.CreateSession(ctx, u.ID, []byte(h), time.Now().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := e.app.PruneSessions(ctx)
		if err != nil || n != 2 {
			t.Fatalf("PruneSessions = %d, %v; want 2", n, err)
		}
		if _, err := e.app.Authenticate(ctx, token); err != nil {
			t.Fatalf("a live session was pruned: %v", err)
		}
		if n, err := e.app.PruneSessions(ctx); err != nil || n != 0 {
			t.Fatalf("PruneSessions again = %d, %v; want 0", n, err)
		}
	})
}

func loginAgain(e *env, u *chat.User) (string, error) {
	_, token, err := e.app.Login(context.Background(), u.Username, "password123")
	return token, err
}
