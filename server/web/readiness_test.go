package web_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

// The readiness gauge is what the "dependency unavailable" alerts read:
// it must say 1 for a reachable PostgreSQL and 0 for a dependency that
// refuses connections, at every scrape.
func TestReadinessGauge(t *testing.T) {
	db, store := testenv.Open(t)
	// A port that was just free: connecting to it is refused, as when
	// Valkey is down.
	gone := testenv.FreeAddr(t)
	dial := func(ctx context.Context) error {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", gone)
		if err == nil {
			c.Close()
		}
		return err
	}
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	srv, err := web.New(web.Options{App: a, Instance: "test", Checks: []web.Check{
		{Name: "postgres", Critical: true, Probe: db.Ping},
		{Name: "broker", Critical: false, Probe: dial},
	}})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e := &testEnv{t: t, srv: srv}
	body := string(e.expect(req{method: "GET", path: "/metrics"}, 200).body)
	for _, want := range []string{
		`parley_dependency_up{check="postgres",critical="true"} 1`,
		`parley_dependency_up{check="broker",critical="false"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
