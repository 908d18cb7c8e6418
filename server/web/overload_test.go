package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

// overloadEnv is a server whose app hashes with one worker and no queue,
// and whose requests get a short deadline, over its own database.
type overloadEnv struct {
	*testEnv
	app *app.App
	db  *postgres.DB
}

func newOverloadEnv(t *testing.T, timeout time.Duration) *overloadEnv {
	t.Helper()
	db, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords,
		Hashing: app.HashAdmission{Workers: 1, Queue: 0}})
	srv, err := web.New(web.Options{App: a, Instance: "test", RequestTimeout: timeout,
		Gates: []*admission.Gate{a.PasswordGate()}})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return &overloadEnv{testEnv: &testEnv{t: t, srv: srv}, app: a, db: db}
}

// wantUnavailable checks a 503 in the contract's shape with Retry-After,
// answered well within limit.
func wantUnavailable(t *testing.T, res *response, took, limit time.Duration) {
	t.Helper()
	if res.status != 503 {
		t.Fatalf("status %d, want 503; body %s", res.status, res.body)
	}
	if code := res.errorCode(t); code != "unavailable" {
		t.Fatalf("code %q, want unavailable", code)
	}
	if res.header.Get("Retry-After") == "" {
		t.Fatal("a 503 without Retry-After")
	}
	if took > limit {
		t.Fatalf("answered after %v; want within %v", took, limit)
	}
}

// metric reads one line of /metrics, e.g. `parley_overload_refused_total{gate="password",reason="queue_full"}`.
func (e *overloadEnv) metric(t *testing.T, series string) string {
	t.Helper()
	body := string(e.expect(req{method: "GET", path: "/metrics"}, 200).body)
	for line := range strings.SplitSeq(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	t.Fatalf("/metrics lacks %s", series)
	return ""
}

// slowRooms is the real store, but listing a user's rooms fails as a
// query that ran into a timeout of the store's own does.
type slowRooms struct{ fullStore }

func (slowRooms) UserRooms(context.Context, int64) ([]chat.Room, error) {
	return nil, fmt.Errorf("postgres: list user rooms: %w", context.DeadlineExceeded)
}

func TestOverload(t *testing.T) {
	t.Run("ErrInnerTimeout", func(t *testing.T) {
		// The request's own deadline has not passed, but a dependency timed
		// out: still 503 unavailable, not 500.
		_, store := testenv.Open(t)
		e := newEnvOn(t, slowRooms{store})
		a := e.signUp("inner")
		start := time.Now()
		res := e.do(req{method: "GET", path: "/api/v1/rooms", token: a.token})
		wantUnavailable(t, res, time.Since(start), 2*time.Second)
	})
	t.Run("ErrHashingSaturated", func(t *testing.T) {
		e := newOverloadEnv(t, 0)
		a := e.signUp("known")
		gate := e.app.PasswordGate()
		if err := gate.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer gate.Release()
		for _, r := range []req{
			{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": "storm1", "password": "correct horse"}},
			{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": a.user.Username, "password": "correct horse"}},
		} {
			start := time.Now()
			res := e.do(r)
			wantUnavailable(t, res, time.Since(start), 500*time.Millisecond)
			if got := res.header.Get("Retry-After"); got != "1" {
				t.Fatalf("%s: Retry-After %q, want 1", r.path, got)
			}
		}
		if got := e.metric(t, `parley_overload_refused_total{gate="password",reason="queue_full"}`); got != "2" {
			t.Fatalf("password refusals = %s, want 2", got)
		}
		// Signed-in work needs no hashing and goes on.
		e.expect(req{method: "GET", path: "/api/v1/me", token: a.token}, 200)
	})
	t.Run("ErrPoolWaitPastDeadline", func(t *testing.T) {
		const timeout = 200 * time.Millisecond
		e := newOverloadEnv(t, timeout)
		a := e.signUp("pooled")
		// Take every connection of the pool (testenv's pools hold 5), so
		// the next query waits for one that never frees.
		ctx := context.Background()
		pool := e.db.Primary()
		var held []*sql.Conn
		for pool.Stats().InUse < pool.Stats().MaxOpenConnections {
			conn, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, conn)
		}
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		start := time.Now()
		res := e.do(req{method: "GET", path: "/api/v1/rooms", token: a.token})
		wantUnavailable(t, res, time.Since(start), timeout+2*time.Second)
		if got := res.header.Get("Retry-After"); got != "2" {
			t.Fatalf("Retry-After %q, want 2", got)
		}
		if pool.Stats().WaitCount == 0 {
			t.Fatal("the request never waited for the pool")
		}
		if got := e.metric(t, `parley_overload_refused_total{gate="request",reason="deadline"}`); got != "1" {
			t.Fatalf("deadline refusals = %s, want 1", got)
		}
		for _, c := range held {
			_ = c.Close()
		}
		held = nil
		e.expect(req{method: "GET", path: "/api/v1/rooms", token: a.token}, 200)
	})
}
