package failovertest_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// pair is a private primary with a streaming replica and a database on it.
type pair struct {
	primary, replica *testenv.PGCluster
	dsn, readDSN     string
}

func startPair(tb testing.TB) pair {
	tb.Helper()
	p := testenv.StartPGPrimary(tb)
	r := testenv.StartPGReplica(tb, p)
	dsn := p.CreateDatabase(tb)
	pr := pair{primary: p, replica: r, dsn: dsn, readDSN: r.On(dsn)}
	// The new database reaches the replica a moment later.
	db := openSQL(tb, pr.readDSN)
	eventually(tb, 30*time.Second, "the database on the replica", func() bool { return db.Ping() == nil })
	return pr
}

// openStore opens the pair (migrated) with the replica's lag bound maxLag.
func openStore(tb testing.TB, pr pair, maxLag time.Duration) (*postgres.DB, *postgres.Store) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, postgres.Options{URL: pr.dsn, ReadURL: pr.readDSN,
		MaxOpenConns: 4, MaxIdleConns: 4, ReplicaMaxLag: maxLag})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	s := postgres.NewStore(db, postgres.StoreOptions{})
	tb.Cleanup(func() { _ = s.Close() })
	return db, s
}

// eventually polls ok every 20 ms until it holds, failing after within.
func eventually(tb testing.TB, within time.Duration, what string, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openSQL opens a plain pool, closed when the test ends.
func openSQL(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
