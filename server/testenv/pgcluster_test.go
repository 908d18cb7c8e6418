package testenv_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

func TestPGCluster(t *testing.T) {
	primary := testenv.StartPGPrimary(t)
	replica := testenv.StartPGReplica(t, primary)
	dsn := primary.CreateDatabase(t)
	db := openDB(t, dsn)
	if _, err := db.Exec(`CREATE TABLE t (n int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}

	t.Run("Streams", func(t *testing.T) {
		// The database's own DSN on the replica: same name, other port.
		rdb := openDB(t, replica.On(dsn))
		waitFor(t, 30*time.Second, func() bool {
			var n int
			return rdb.QueryRow(`SELECT count(*) FROM t`).Scan(&n) == nil && n == 1
		})
		var standby bool
		if err := rdb.QueryRow(`SELECT pg_is_in_recovery()`).Scan(&standby); err != nil || !standby {
			t.Fatalf("replica in recovery = %v, %v; want true", standby, err)
		}
	})

	t.Run("Restart", func(t *testing.T) {
		primary.Stop(t, true)
		if err := db.Ping(); err == nil {
			t.Fatal("ping answered with the primary stopped")
		}
		primary.Start(t)
		waitFor(t, 30*time.Second, func() bool {
			var n int
			return db.QueryRow(`SELECT count(*) FROM t`).Scan(&n) == nil && n == 1
		})
	})
}

func openDB(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func waitFor(tb testing.TB, within time.Duration, ok func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			tb.Fatalf("condition not met within %v", within)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
