package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
)

// TestHashAdmission saturates password hashing by holding its only
// worker: sign-ups and sign-ins are then refused at once with unavailable
// and a retry hint, nothing is stored, and they succeed once it is free.
func TestHashAdmission(t *testing.T) {
	ctx := context.Background()
	hold := func(t *testing.T, e *env) {
		t.Helper()
		gate := e.app.PasswordGate()
		if err := gate.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(gate.Release)
	}
	wantRefused := func(t *testing.T, err error, took time.Duration) {
		t.Helper()
		wantCode(t, err, chat.EUNAVAILABLE)
		if retry := chat.ErrorRetryAfter(err); retry < time.Second {
			t.Fatalf("retry after %v; want at least 1s", retry)
		}
		if took > 500*time.Millisecond {
			t.Fatalf("refusal took %v; want it at once", took)
		}
	}
	t.Run("ErrQueueFull", func(t *testing.T) {
		e := newEnv(t, func(o *app.Options) { o.Hashing = app.HashAdmission{Workers: 1, Queue: 0} })
		known, _ := e.user(t)
		hold(t, e)

		start := time.Now()
		_, _, err := e.app.Register(ctx, "stormy", "password123", "")
		wantRefused(t, err, time.Since(start))
		if _, err := e.store.FindCredentials(ctx, "stormy"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("refused sign-up was stored: %v", err)
		}
		start = time.Now()
		_, _, err = e.app.Login(ctx, known.Username, "password123")
		wantRefused(t, err, time.Since(start))
		if s := e.app.PasswordGate().Stats(); s.QueueFull != 2 {
			t.Fatalf("stats = %+v; want 2 queue_full refusals", s)
		}
	})
	t.Run("ErrQueueWait", func(t *testing.T) {
		e := newEnv(t, func(o *app.Options) {
			o.Hashing = app.HashAdmission{Workers: 1, Queue: 8, Wait: 20 * time.Millisecond, RetryAfter: 2 * time.Second}
		})
		hold(t, e)
		_, _, err := e.app.Register(ctx, "patient", "password123", "")
		wantCode(t, err, chat.EUNAVAILABLE)
		if retry := chat.ErrorRetryAfter(err); retry != 2*time.Second {
			t.Fatalf("retry after %v, want the configured 2s", retry)
		}
		if s := e.app.PasswordGate().Stats(); s.Late != 1 || s.QueueFull != 0 {
			t.Fatalf("stats = %+v; want one queue_wait refusal", s)
		}
	})
	t.Run("OKAfterRelease", func(t *testing.T) {
		e := newEnv(t, func(o *app.Options) { o.Hashing = app.HashAdmission{Workers: 1, Queue: 0} })
		gate := e.app.PasswordGate()
		if err := gate.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.app.Register(ctx, "later", "password123", "")
		wantCode(t, err, chat.EUNAVAILABLE)
		gate.Release()
		if _, _, err := e.app.Register(ctx, "later", "password123", ""); err != nil {
			t.Fatalf("register once the worker is free: %v", err)
		}
	})
}
