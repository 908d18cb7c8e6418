package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	migrations "github.com/parleychat/parley/sql"
)

// migrationLockKey is the pg_advisory_lock key that serializes migrations
// of replicas starting at once ("parley" in ASCII).
const migrationLockKey int64 = 0x7061726c6579

type migration struct {
	version int
	name    string
	sql     string
}

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, in order, each in its own transaction. An advisory lock
// held on one connection for the whole run makes replicas that start at once
// migrate exactly once; running it again is a no-op.
func (db *DB) Migrate(ctx context.Context) error {
	list, err := loadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	conn, err := db.primary.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: get connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("postgres: migrate: take lock: %w", err)
	}
	err = applyMigrations(ctx, conn, list)
	// Unlock even when ctx is done: the connection goes back to the pool and
	// must not keep the lock. If unlocking fails, the connection is dropped,
	// which releases the lock on the server.
	if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey); uerr != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		err = errors.Join(err, fmt.Errorf("postgres: migrate: release lock: %w", uerr))
	}
	return err
}

func applyMigrations(ctx context.Context, conn *sql.Conn, list []migration) error {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrate: create schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("postgres: migrate: read versions: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: migrate: scan version: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("postgres: migrate: read versions: %w", err)
	}
	for _, m := range list {
		if applied[m.version] {
			continue
		}
		if err := applyOne(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func applyOne(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: begin: %w", m.name, err)
	}
	defer tx.Rollback()
	// Without arguments lib/pq uses the simple query protocol, which runs a
	// file of several statements in one round trip.
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return fmt.Errorf("postgres: migrate %s: record version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: migrate %s: commit: %w", m.name, err)
	}
	return nil
}

// loadMigrations reads NNN_name.sql files sorted by their number and rejects
// a malformed name or a number used twice.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("postgres: list migrations: %w", err)
	}
	var list []migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration %q: name must be NNN_name.sql", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("postgres: migrations %q and %q share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("postgres: read migration %q: %w", name, err)
		}
		list = append(list, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	return list, nil
}
