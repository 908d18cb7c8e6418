// Package postgres stores Parley's users, sessions, rooms and messages in
// PostgreSQL through sqlx and lib/pq. It applies the embedded migrations of
// the sql folder and commits concurrent sends in groups.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Options configures the connection pools. Only URL is required.
type Options struct {
	// URL is the primary's DSN (postgres://… or key=value).
	URL string
	// ReadURL is an optional read replica for reads that tolerate lag;
	// empty sends every read to the primary.
	ReadURL string
	// MaxOpenConns caps each pool; replicas × MaxOpenConns must stay under
	// the server's max_connections. Zero means 20.
	MaxOpenConns int
	// MaxIdleConns is kept near MaxOpenConns so bursts reuse connections.
	// Zero means MaxOpenConns.
	MaxIdleConns int
	// ConnMaxLifetime recycles connections. Zero means 30 minutes.
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes connections idle that long. Zero means 5 minutes.
	ConnMaxIdleTime time.Duration
	// ReplicaPoll is how often the replica's replay position is sampled
	// (with the primary's WAL position). Zero means DefaultReplicaPoll.
	ReplicaPoll time.Duration
	// ReplicaMaxLag: a replica whose newest replayed sample is older than
	// this serves no reads until it catches up. Zero means
	// DefaultReplicaMaxLag.
	ReplicaMaxLag time.Duration
	// Logger hears the replica going away and coming back.
	Logger *slog.Logger
}

// Defaults of Options.
const (
	DefaultMaxOpenConns    = 20
	DefaultConnMaxLifetime = 30 * time.Minute
	DefaultConnMaxIdleTime = 5 * time.Minute
)

// DB holds the primary pool, the primary's small pool of the group
// committer, and the optional replica pool.
type DB struct {
	primary *sqlx.DB
	commit  *sqlx.DB
	replica *sqlx.DB
	queries atomic.Uint64
	// lag tracks the replica; nil without one.
	lag *lagTracker
}

// commitConns is the committer pool's size: the one committer's batch
// statement, and the careful transaction that a batch meeting a retried
// send falls back to.
const commitConns = 2

// Open connects to the primary (and the replica if ReadURL is set), applies
// the pool settings and pings every pool.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.URL == "" {
		return nil, errors.New("postgres: open: empty database URL")
	}
	if o.MaxOpenConns < 0 || o.MaxIdleConns < 0 || o.ConnMaxLifetime < 0 || o.ConnMaxIdleTime < 0 ||
		o.ReplicaPoll < 0 || o.ReplicaMaxLag < 0 {
		return nil, errors.New("postgres: open: pool settings must not be negative")
	}
	db := &DB{}
	primary, err := db.openPool(ctx, o.URL, o)
	if err != nil {
		return nil, fmt.Errorf("postgres: open primary: %w", err)
	}
	db.primary, db.replica = primary, primary
	// Sends commit through a pool of their own, so that a storm of other
	// requests queueing for the primary's connections never holds up the
	// conversation of the people already connected.
	co := o
	co.MaxOpenConns, co.MaxIdleConns = commitConns, commitConns
	commit, err := db.openPool(ctx, o.URL, co)
	if err != nil {
		_ = primary.Close()
		return nil, fmt.Errorf("postgres: open commit pool: %w", err)
	}
	db.commit = commit
	if o.ReadURL != "" {
		replica, err := db.openPool(ctx, o.ReadURL, o)
		if err != nil {
			_ = primary.Close()
			_ = commit.Close()
			return nil, fmt.Errorf("postgres: open replica: %w", err)
		}
		db.replica = replica
		db.lag = newLagTracker(primary, replica, o.ReplicaPoll, o.ReplicaMaxLag, o.Logger)
	}
	return db, nil
}

func (db *DB) openPool(ctx context.Context, url string, o Options) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	// Without binary_parameters lib/pq spends two round trips on every query
	// with arguments (prepare, then execute); with it, one. It only changes
	// how []byte arguments travel (as binary bytea). The URL can still turn
	// it off.
	if !strings.Contains(url, "binary_parameters") {
		cfg.BinaryParameters = true
	}
	connector, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("configure connection: %w", err)
	}
	pool := sql.OpenDB(&countingConnector{next: connector, count: &db.queries})
	maxOpen := o.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = DefaultMaxOpenConns
	}
	maxIdle := o.MaxIdleConns
	if maxIdle == 0 || maxIdle > maxOpen {
		maxIdle = maxOpen
	}
	lifetime, idleTime := o.ConnMaxLifetime, o.ConnMaxIdleTime
	if lifetime == 0 {
		lifetime = DefaultConnMaxLifetime
	}
	if idleTime == 0 {
		idleTime = DefaultConnMaxIdleTime
	}
	pool.SetMaxOpenConns(maxOpen)
	pool.SetMaxIdleConns(maxIdle)
	pool.SetConnMaxLifetime(lifetime)
	pool.SetConnMaxIdleTime(idleTime)
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("ping: %w", err)
	}
	return sqlx.NewDb(pool, "postgres"), nil
}

// Primary is the pool of the primary: every write and every read that must
// see the caller's own writes.
func (db *DB) Primary() *sqlx.DB { return db.primary }

// Commit is the primary's pool reserved for the group committer.
func (db *DB) Commit() *sqlx.DB { return db.commit }

// Replica is the pool for reads that tolerate lag; the primary when no
// replica is configured.
func (db *DB) Replica() *sqlx.DB { return db.replica }

// QueryCount is how many statements have reached PostgreSQL through any
// pool since Open, the read replica's lag samples included.
func (db *DB) QueryCount() uint64 { return db.queries.Load() }

// Ping checks that the primary answers. A replica that does not is not a
// failure: its reads go to the primary until it is back.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.primary.PingContext(ctx); err != nil {
		return fmt.Errorf("postgres: ping primary: %w", err)
	}
	return nil
}

// PingReplica checks that the read replica answers (nil without one).
func (db *DB) PingReplica(ctx context.Context) error {
	if db.replica != db.primary {
		if err := db.replica.PingContext(ctx); err != nil {
			return fmt.Errorf("postgres: ping replica: %w", err)
		}
	}
	return nil
}

// Close stops the replica's sampling and closes the pools.
func (db *DB) Close() error {
	if db.lag != nil {
		db.lag.stop()
	}
	err := errors.Join(db.primary.Close(), db.commit.Close())
	if db.replica != db.primary {
		err = errors.Join(err, db.replica.Close())
	}
	if err != nil {
		return fmt.Errorf("postgres: close: %w", err)
	}
	return nil
}
