package postgres_test

import (
	"context"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
	migrations "github.com/parleychat/parley/sql"
)

// openDB opens dsn with small pools and closes it when the test ends.
func openDB(tb testing.TB, o postgres.Options) *postgres.DB {
	tb.Helper()
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = 2
	}
	db, err := postgres.Open(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: dsn})
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Replica() != db.Primary() {
			t.Fatal("without ReadURL the replica must be the primary")
		}
		if got := db.Primary().Stats().MaxOpenConnections; got != 2 {
			t.Fatalf("max open = %d, want 2", got)
		}
	})
	t.Run("OKReplica", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: dsn, ReadURL: dsn})
		if db.Replica() == db.Primary() {
			t.Fatal("with ReadURL the replica must be its own pool")
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKQueryCount", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: dsn, ReadURL: dsn})
		before := db.QueryCount()
		var n int
		if err := db.Primary().GetContext(ctx, &n, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		if err := db.Replica().GetContext(ctx, &n, `SELECT $1::int`, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Primary().ExecContext(ctx, `SELECT 3`); err != nil {
			t.Fatal(err)
		}
		st, err := db.Primary().PreparexContext(ctx, `SELECT $1::int`)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.GetContext(ctx, &n, 4); err != nil {
			t.Fatal(err)
		}
		if got := db.QueryCount() - before; got != 4 {
			t.Fatalf("query count grew by %d, want 4", got)
		}
	})
	t.Run("OKTextParameters", func(t *testing.T) {
		// The URL may turn off the single round trip mode; bytea still works.
		db := openDB(t, postgres.Options{URL: dsn + "&binary_parameters=no"})
		var got []byte
		if err := db.Primary().GetContext(ctx, &got, `SELECT $1::bytea`, []byte{0, 1, 2}); err != nil || len(got) != 3 || got[2] != 2 {
			t.Fatalf("got %v, %v; want [0 1 2]", got, err)
		}
	})
	t.Run("ErrEmptyURL", func(t *testing.T) {
		if _, err := postgres.Open(ctx, postgres.Options{}); err == nil {
			t.Fatal("want an error for an empty URL")
		}
	})
	t.Run("ErrNegativePool", func(t *testing.T) {
		if _, err := postgres.Open(ctx, postgres.Options{URL: dsn, MaxOpenConns: -1}); err == nil {
			t.Fatal("want an error for a negative pool size")
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := postgres.Open(cctx, postgres.Options{URL: "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"})
		if err == nil || !strings.Contains(err.Error(), "postgres: open primary") {
			t.Fatalf("err = %v, want a wrapped open error", err)
		}
	})
	t.Run("ErrMissingDatabase", func(t *testing.T) {
		_, err := postgres.Open(ctx, postgres.Options{URL: dsn + "_missing"})
		if err == nil {
			t.Fatal("want an error for a missing database")
		}
	})
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) < 4 {
		t.Fatalf("embedded migrations %v, %v; want at least 4", files, err)
	}
	// want is every embedded version once, in order: the number each
	// file's name starts with (numbers are reserved ahead, so some may be
	// missing).
	var want []int
	for _, f := range files {
		n, err := strconv.Atoi(strings.SplitN(f, "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %q: %v", f, err)
		}
		want = append(want, n)
	}
	wantVersions := func(t *testing.T, got []int) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("versions %v, want %v each once", got, want)
		}
	}
	versions := func(t *testing.T, db *postgres.DB) []int {
		t.Helper()
		var v []int
		if err := db.Primary().SelectContext(ctx, &v, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
			t.Fatal(err)
		}
		return v
	}
	t.Run("OKTwice", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: testenv.NewDatabase(t)})
		for range 2 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		wantVersions(t, versions(t, db))
	})
	t.Run("OKConcurrent", func(t *testing.T) {
		dsn := testenv.NewDatabase(t)
		dbs := make([]*postgres.DB, 5)
		for i := range dbs {
			dbs[i] = openDB(t, postgres.Options{URL: dsn})
		}
		var wg sync.WaitGroup
		for _, db := range dbs {
			wg.Go(func() {
				if err := db.Migrate(ctx); err != nil {
					t.Errorf("migrate: %v", err)
				}
			})
		}
		wg.Wait()
		wantVersions(t, versions(t, dbs[0]))
	})
	t.Run("OKIndexes", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: testenv.NewDatabase(t)})
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"idx_messages_room_created", "idx_room_users_user", "idx_messages_user", "messages_room_seq_key", "messages_room_user_client_key"} {
			var n int
			if err := db.Primary().GetContext(ctx, &n, `SELECT count(*) FROM pg_indexes WHERE indexname = $1`, name); err != nil || n != 1 {
				t.Fatalf("index %s: count %d, %v; want 1", name, n, err)
			}
		}
	})
	t.Run("OKReleasesLock", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: testenv.NewDatabase(t), MaxOpenConns: 1})
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Primary().GetContext(ctx, &n, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil || n != 0 {
			t.Fatalf("advisory locks held after migrate: %d, %v; want 0", n, err)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		db := openDB(t, postgres.Options{URL: testenv.NewDatabase(t)})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.Migrate(cctx); err == nil {
			t.Fatal("want an error from a cancelled migrate")
		}
	})
}
