// Package searchbench seeds a database with a large, realistic chat
// history and measures message search over it through a running Parley's
// HTTP API (see docs/perf/search.md). It is a measuring tool: nothing in
// the server imports it.
package searchbench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Config says how much history to make.
type Config struct {
	Messages    int     // messages in all
	Rooms       int     // rooms in all
	Authors     int     // users who write them
	MemberRooms int     // rooms the searcher belongs to
	Members     int     // other members per room, besides the owner
	Vocabulary  int     // distinct words
	MeanWords   float64 // a message's mean length in words, past the first
	MaxWords    int     // and its longest
	Seed        uint64  // the same seed makes the same history
	// Log hears progress; nil is quiet.
	Log io.Writer
}

// DefaultConfig is the benchmark's size: 5,000,000 messages in 10,000
// rooms, a searcher in 50 of them.
func DefaultConfig() Config {
	return Config{Messages: 5_000_000, Rooms: 10_000, Authors: 5_000, MemberRooms: 50, Members: 20,
		Vocabulary: 30_000, MeanWords: 8, MaxWords: 60, Seed: 1}
}

// Seeded is what Seed made.
type Seeded struct {
	Rooms      []int64 // every room, by rank (the first is the busiest)
	Authors    []string
	Vocabulary *Vocabulary
	Took       map[string]time.Duration
}

// JoinRooms makes userID a member of n rooms spread evenly over the
// rooms' ranks (by id, as Seed made them: the first is the busiest), so
// that they hold about their share of the messages, and returns them.
func JoinRooms(ctx context.Context, db *sql.DB, userID int64, n int) ([]int64, error) {
	var all pq.Int64Array
	if err := db.QueryRowContext(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM rooms`).Scan(&all); err != nil {
		return nil, fmt.Errorf("searchbench: list rooms: %w", err)
	}
	var rooms []int64
	stride := max(1, len(all)/max(1, n))
	for i := 0; i < len(all) && len(rooms) < n; i += stride {
		rooms = append(rooms, all[i])
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO room_users (room_id, user_id, role) SELECT unnest($1::bigint[]), $2, 'member'
		ON CONFLICT DO NOTHING`, pq.Array(rooms), userID)
	if err != nil {
		return nil, fmt.Errorf("searchbench: join rooms: %w", err)
	}
	return rooms, nil
}

// dropIndexes drops every index of messages but its primary key (the
// search index, the unique constraints and the plain indexes alike) and
// returns the statements that build them again: building an index once
// over loaded rows is far cheaper than keeping it up to date row by row.
func dropIndexes(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT c.relname, pg_get_indexdef(i.indexrelid), coalesce(con.conname, ''), coalesce(pg_get_constraintdef(con.oid), '')
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
		WHERE i.indrelid = 'messages'::regclass AND NOT i.indisprimary
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	// Foreign keys of other tables that lean on a unique constraint of
	// messages (mentions on (room_id, seq)) go first and come back last.
	fks, err := db.QueryContext(ctx, `
		SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid)
		FROM pg_constraint con
		WHERE con.confrelid = 'messages'::regclass AND con.contype = 'f'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	var drop, build, fkBuild []string
	for fks.Next() {
		var table, con, conDef string
		if err := fks.Scan(&table, &con, &conDef); err != nil {
			fks.Close()
			rows.Close()
			return nil, err
		}
		drop = append(drop, `ALTER TABLE `+table+` DROP CONSTRAINT `+pq.QuoteIdentifier(con))
		fkBuild = append(fkBuild, `ALTER TABLE `+table+` ADD CONSTRAINT `+pq.QuoteIdentifier(con)+` `+conDef)
	}
	if err := fks.Close(); err != nil {
		rows.Close()
		return nil, err
	}
	for rows.Next() {
		var name, def, con, conDef string
		if err := rows.Scan(&name, &def, &con, &conDef); err != nil {
			rows.Close()
			return nil, err
		}
		if con != "" {
			drop = append(drop, `ALTER TABLE messages DROP CONSTRAINT `+pq.QuoteIdentifier(con))
			build = append(build, `ALTER TABLE messages ADD CONSTRAINT `+pq.QuoteIdentifier(con)+` `+conDef)
		} else {
			drop = append(drop, `DROP INDEX `+pq.QuoteIdentifier(name))
			build = append(build, def)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	build = append(build, fkBuild...)
	for _, stmt := range drop {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return build, nil
}

// Seed fills an empty, migrated database: authors and rooms with
// generate_series, messages through COPY in id (time) order, each in a
// room drawn with a skew (a few busy rooms, many quiet ones), numbered
// per room; then the search index and fresh statistics.
func Seed(ctx context.Context, db *sql.DB, c Config) (*Seeded, error) {
	s := &Seeded{Vocabulary: NewVocabulary(c.Vocabulary), Took: map[string]time.Duration{}}
	logf := func(format string, args ...any) {
		if c.Log != nil {
			fmt.Fprintf(c.Log, format+"\n", args...)
		}
	}
	step := func(name string, f func() error) error {
		start := time.Now()
		logf("seed: %s…", name)
		if err := f(); err != nil {
			return fmt.Errorf("searchbench: seed %s: %w", name, err)
		}
		s.Took[name] = time.Since(start)
		logf("seed: %s took %s", name, s.Took[name].Round(time.Millisecond))
		return nil
	}
	var authorIDs []int64
	err := step("authors and rooms", func() error {
		rows, err := db.QueryContext(ctx, `
			INSERT INTO users (username, display_name, password_hash)
			SELECT 'seed' || i, 'Seed ' || i, '!' FROM generate_series(1, $1) i
			RETURNING id, username`, c.Authors)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			authorIDs = append(authorIDs, id)
			s.Authors = append(s.Authors, name)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		rows, err = db.QueryContext(ctx, `
			INSERT INTO rooms (name, kind, owner_id)
			SELECT 'room-' || i, CASE WHEN i % 10 = 0 THEN 'private' ELSE 'public' END, ($2::bigint[])[1 + i % $3]
			FROM generate_series(1, $1) i ORDER BY i
			RETURNING id`, c.Rooms, pq.Array(authorIDs), len(authorIDs))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			s.Rooms = append(s.Rooms, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		_, err = db.ExecContext(ctx, `INSERT INTO room_users (room_id, user_id, role) SELECT id, owner_id, 'owner' FROM rooms`)
		if err != nil {
			return err
		}
		_, err = db.ExecContext(ctx, `
			INSERT INTO room_users (room_id, user_id, role)
			SELECT r.id, ($1::bigint[])[1 + (hashint8(r.id * 1000 + k) & 2147483647) % $2], 'member'
			FROM rooms r, generate_series(1, $3) k
			ON CONFLICT DO NOTHING`, pq.Array(authorIDs), len(authorIDs), c.Members)
		return err
	})
	if err != nil {
		return nil, err
	}
	var rebuild []string
	err = step("drop the indexes", func() error {
		var err error
		rebuild, err = dropIndexes(ctx, db)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := step("messages", func() error { return copyMessages(ctx, db, c, s, authorIDs, logf) }); err != nil {
		return nil, err
	}
	err = step("room seqs", func() error {
		_, err := db.ExecContext(ctx, `
			UPDATE rooms r SET last_seq = m.last FROM (SELECT room_id, max(seq) AS last FROM messages GROUP BY room_id) m
			WHERE r.id = m.room_id`)
		if err != nil {
			return err
		}
		_, err = db.ExecContext(ctx, `SELECT setval('messages_id_seq', (SELECT max(id) FROM messages))`)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = step("build the indexes", func() error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
			return err
		}
		for _, stmt := range rebuild {
			start := time.Now()
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
			logf("seed: %s took %s", stmt, time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = step("vacuum analyze", func() error {
		_, err := db.ExecContext(ctx, `VACUUM (ANALYZE) messages, rooms, room_users, users`)
		return err
	})
	return s, err
}

// copyChunk is how many messages one COPY (and transaction) carries.
const copyChunk = 500_000

func copyMessages(ctx context.Context, db *sql.DB, c Config, s *Seeded, authors []int64, logf func(string, ...any)) error {
	r := rand.New(rand.NewPCG(c.Seed, 0x5ea4c4))
	seqs := make([]int64, len(s.Rooms))
	// Messages are six seconds apart, the newest now.
	end := time.Now().UTC().Truncate(time.Second)
	var body strings.Builder
	for first := 1; first <= c.Messages; first += copyChunk {
		last := min(c.Messages, first+copyChunk-1)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// The rows refer to rooms and authors made above: checking each
		// reference would double the load's time.
		if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			_ = tx.Rollback()
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `COPY messages (id, room_id, seq, user_id, body, client_id, created_at) FROM STDIN`)
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		for id := first; id <= last; id++ {
			// u^1.5 crowds the draws towards the first ranks: the busiest
			// room holds about 20 times a median one's messages.
			room := min(len(s.Rooms)-1, int(float64(len(s.Rooms))*math.Pow(r.Float64(), 1.5)))
			seqs[room]++
			body.Reset()
			s.Vocabulary.Body(r, &body, c.MeanWords, c.MaxWords)
			at := end.Add(-time.Duration(c.Messages-id) * 6 * time.Second)
			_, err = stmt.ExecContext(ctx, id, s.Rooms[room], seqs[room], authors[r.IntN(len(authors))],
				body.String(), "seed-"+strconv.Itoa(id), at)
			if err != nil {
				_ = stmt.Close()
				_ = tx.Rollback()
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			_ = stmt.Close()
			_ = tx.Rollback()
			return err
		}
		if err := stmt.Close(); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		logf("seed: %d of %d messages", last, c.Messages)
	}
	return nil
}
