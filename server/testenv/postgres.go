package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	_ "github.com/lib/pq" // registers the "postgres" driver for the admin connection

	"github.com/parleychat/parley/server/postgres"
)

// EnvURL names the variable holding the test server's admin DSN.
const EnvURL = "PARLEY_TEST_DATABASE_URL"

// DefaultURL is the admin DSN used when EnvURL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// adminTimeout bounds every administrative step so a stuck server fails
// the caller instead of hanging it.
const adminTimeout = 30 * time.Second

// purposeRE keeps database names valid unquoted identifiers.
var purposeRE = regexp.MustCompile(`^[a-z0-9]+$`)

// AdminURL returns the test server's admin DSN.
func AdminURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// CreateDatabase creates an empty database named parley_<purpose>_<random>
// on the server at admin and returns its name and DSN.
func CreateDatabase(ctx context.Context, admin, purpose string) (name, dsn string, err error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("testenv: admin DSN must be a postgres:// URL, got %q", admin)
	}
	if !purposeRE.MatchString(purpose) {
		return "", "", fmt.Errorf("testenv: database purpose %q is not [a-z0-9]+", purpose)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name = "parley_" + purpose + "_" + hex.EncodeToString(b[:])
	if err := adminExec(ctx, admin, `CREATE DATABASE `+name); err != nil {
		return "", "", fmt.Errorf("testenv: create a database on %s: %w", redact(u), err)
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// DropDatabase drops the database name on the server at admin, closing any
// connection left to it.
func DropDatabase(ctx context.Context, admin, name string) error {
	if err := adminExec(ctx, admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("testenv: drop %s: %w", name, err)
	}
	return nil
}

func adminExec(ctx context.Context, admin, stmt string) error {
	db, err := sql.Open("postgres", admin)
	if err != nil {
		return fmt.Errorf("open admin connection: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return err
	}
	return nil
}

// NewDatabase creates an empty database of the test's own on the test
// server, returns its DSN, and drops it (closing any connection left to
// it) when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin := AdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	name, dsn, err := CreateDatabase(ctx, admin, "test")
	if err != nil {
		tb.Fatalf("%v (is PostgreSQL running? set %s)", err, EnvURL)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
		defer cancel()
		if err := DropDatabase(ctx, admin, name); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return dsn
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
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	db, err := postgres.Open(ctx, postgres.Options{URL: dsn, MaxOpenConns: 5, MaxIdleConns: 5})
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("testenv: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("testenv: %v", err)
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
	return c.String()
}
