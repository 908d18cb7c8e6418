package testenv_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/testenv"
)

// databaseExists asks the admin server whether a database exists.
func databaseExists(tb testing.TB, name string) bool {
	tb.Helper()
	db, err := sql.Open("postgres", testenv.AdminURL())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n == 1
}

func dbName(tb testing.TB, dsn string) string {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func TestNewDatabase(t *testing.T) {
	t.Run("OKCreatedThenDropped", func(t *testing.T) {
		var name string
		t.Run("inner", func(t *testing.T) {
			var left *sql.DB
			// Registered first, so it runs after the drop.
			t.Cleanup(func() {
				if left != nil {
					_ = left.Close()
				}
			})
			dsn := testenv.NewDatabase(t)
			name = dbName(t, dsn)
			if !strings.HasPrefix(name, "parley_test_") || !databaseExists(t, name) {
				t.Fatalf("database %q missing, want parley_test_*", name)
			}
			// A connection left open must not stop the drop.
			var err error
			if left, err = sql.Open("postgres", dsn); err != nil {
				t.Fatal(err)
			}
			if err := left.PingContext(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
		if databaseExists(t, name) {
			t.Fatalf("database %s still exists after the test ended", name)
		}
	})
	t.Run("OKUnique", func(t *testing.T) {
		if a, b := testenv.NewDatabase(t), testenv.NewDatabase(t); a == b {
			t.Fatalf("two databases share the DSN %s", a)
		}
	})
	t.Run("ErrNoServer", func(t *testing.T) {
		t.Setenv(testenv.EnvURL, "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
		tb := runFake(func(tb testing.TB) { testenv.NewDatabase(tb) })
		if !tb.failed || !strings.Contains(tb.msg, testenv.EnvURL) {
			t.Fatalf("failed=%v message %q, want a failure naming %s", tb.failed, tb.msg, testenv.EnvURL)
		}
	})
	t.Run("ErrNotAURL", func(t *testing.T) {
		t.Setenv(testenv.EnvURL, "host=127.0.0.1")
		tb := runFake(func(tb testing.TB) { testenv.NewDatabase(tb) })
		if !tb.failed {
			t.Fatal("want a failure for a DSN that is not a URL")
		}
	})
}

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db, store := testenv.Open(t)
		u, err := store.CreateUser(context.Background(), "pat", "", "h")
		if err != nil || u.ID == 0 {
			t.Fatalf("create user on a migrated database: %v", err)
		}
		if got := db.Primary().Stats().MaxOpenConnections; got != 5 {
			t.Fatalf("max open = %d, want 5", got)
		}
	})
	t.Run("OKIsolated", func(t *testing.T) {
		_, a := testenv.Open(t)
		_, b := testenv.Open(t)
		if _, err := a.CreateUser(context.Background(), "same", "", "h"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.CreateUser(context.Background(), "same", "", "h"); err != nil {
			t.Fatalf("second database sees the first one's user: %v", err)
		}
	})
}

// fakeTB records a fatal failure instead of ending the real test.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	failed   bool
	msg      string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	f.mu.Unlock()
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// runFake runs fn against a fakeTB on its own goroutine (Fatalf ends it),
// then runs the registered cleanups.
func runFake(fn func(testing.TB)) *fakeTB {
	tb := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
	return tb
}
