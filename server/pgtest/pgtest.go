// Package pgtest gives tests a fresh PostgreSQL database of their own, so
// that tests and packages run in parallel without seeing each other's rows.
// The server comes from PARLEY_TEST_DATABASE_URL; a server that does not
// answer fails the test, it never skips it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq" // registers the "postgres" driver for the admin connection
	"github.com/parleychat/parley/server/postgres"
)

// EnvURL names the variable holding the test server's admin DSN.
const EnvURL = "PARLEY_TEST_DATABASE_URL"

// DefaultURL is the admin DSN used when EnvURL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// timeout bounds every administrative step so a stuck server fails the
// test instead of hanging it.
const timeout = 30 * time.Second

// AdminURL returns the test server's admin DSN.
func AdminURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// NewDatabase creates an empty database with a unique name on the test
// server, returns its DSN, and drops it (closing any connection left to it)
// when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin := AdminURL()
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("pgtest: %s must be a postgres:// URL, got %q", EnvURL, admin)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "parley_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := sql.Open("postgres", admin)
	if err != nil {
		tb.Fatalf("pgtest: open %s: %v", redact(u), err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("pgtest: cannot create a test database on %s (is PostgreSQL running? set %s): %v", redact(u), EnvURL, err)
	}
	tb.Cleanup(func() { dropDatabase(tb, admin, name) })

	u.Path = "/" + name
	return u.String()
}

func dropDatabase(tb testing.TB, admin, name string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := sql.Open("postgres", admin)
	if err != nil {
		tb.Errorf("pgtest: drop %s: %v", name, err)
		return
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		tb.Errorf("pgtest: drop %s: %v", name, err)
	}
}

// Open creates a fresh database, migrates it, and returns a DB with small
// pools (5 connections) and a Store with default options; both are closed,
// and the database dropped, when the test ends.
func Open(tb testing.TB) (*postgres.DB, *postgres.Store) {
	tb.Helper()
	return OpenURL(tb, NewDatabase(tb), postgres.StoreOptions{})
}

// OpenURL opens (and migrates) the database at dsn with small pools and a
// Store with options o, closed when the test ends. Opening the same dsn
// twice gives two independent pairs, like two replicas of the server.
func OpenURL(tb testing.TB, dsn string, o postgres.StoreOptions) (*postgres.DB, *postgres.Store) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := postgres.Open(ctx, postgres.Options{URL: dsn, MaxOpenConns: 5, MaxIdleConns: 5})
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	store := postgres.NewStore(db, o)
	tb.Cleanup(func() { _ = store.Close() })
	return db, store
}

// redact hides a password in a DSN shown in a failure message.
func redact(u *url.URL) string {
	c := *u
	if _, ok := c.User.Password(); ok {
		c.User = url.UserPassword(c.User.Username(), "xxxxx")
	}
	return strings.TrimSpace(c.String())
}
