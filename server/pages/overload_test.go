package pages_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// TestSignUpOverloaded holds every password-hashing worker: the sign-up
// form answers the error page with 503 and Retry-After, not a hang or a
// 500, and nothing is stored.
func TestSignUpOverloaded(t *testing.T) {
	e := newEnv(t, nil)
	gate := e.app.PasswordGate()
	slots := gate.Stats().Slots
	for range slots {
		if err := gate.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	p := e.browser().post("/register", url.Values{"username": {"stormy"}, "password": {"correct horse"}})
	for range slots {
		gate.Release()
	}
	if p.status != 503 || p.header.Get("Retry-After") != "1" || !strings.Contains(p.body, "Too many people are signing in") {
		t.Fatalf("got %d, Retry-After %q: %.300s; want 503 with Retry-After 1 and the reason", p.status, p.header.Get("Retry-After"), p.body)
	}
	_, _, err := e.app.Login(context.Background(), "stormy", "correct horse")
	if chat.ErrorCode(err) != chat.EUNAUTHENTICATED {
		t.Fatalf("sign-in as the refused user: %v; want unauthenticated (no account)", err)
	}
}
