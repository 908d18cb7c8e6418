package searchbench_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"strings"
	"testing"

	_ "github.com/lib/pq" // the "postgres" driver

	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/searchbench"
	"github.com/parleychat/parley/server/testenv"
)

func TestVocabulary(t *testing.T) {
	v := searchbench.NewVocabulary(5000)
	seen := map[string]bool{}
	for _, w := range v.Words {
		if seen[w] || w == "" || strings.ContainsAny(w, " \t") {
			t.Fatalf("word %q is empty, spaced or repeated", w)
		}
		seen[w] = true
	}
	if len(v.Words) != 5000 || v.Words[0] != "the" {
		t.Fatalf("%d words, first %q", len(v.Words), v.Words[0])
	}
	// Zipf: the first word is drawn far more often than the hundredth.
	r := rand.New(rand.NewPCG(1, 1))
	count := map[string]int{}
	for range 100_000 {
		count[v.Draw(r)]++
	}
	if first, hundredth := count[v.Words[0]], count[v.Words[99]]; first < 20*hundredth || hundredth == 0 {
		t.Fatalf("draws of rank 1: %d, of rank 100: %d", first, hundredth)
	}
}

func TestQueries(t *testing.T) {
	qs := searchbench.Queries(searchbench.NewVocabulary(30_000), rand.New(rand.NewPCG(1, 2)), 40)
	per := map[string]int{}
	for _, q := range qs {
		per[q.Class]++
		if strings.TrimSpace(q.Q) == "" {
			t.Fatalf("empty query of %s", q.Class)
		}
	}
	for _, c := range searchbench.Classes {
		if per[c] != 40 {
			t.Errorf("%s: %d queries, want 40", c, per[c])
		}
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewDatabase(t)
	testenv.OpenURL(t, dsn, postgres.StoreOptions{}) // migrates
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	indexes := func() string {
		var defs string
		if err := db.QueryRowContext(ctx, `SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'messages'`).Scan(&defs); err != nil {
			t.Fatal(err)
		}
		return defs
	}
	before := indexes()
	c := searchbench.DefaultConfig()
	c.Messages, c.Rooms, c.Authors, c.Members, c.Vocabulary = 3000, 40, 30, 3, 2000
	if _, err := searchbench.Seed(ctx, db, c); err != nil {
		t.Fatal(err)
	}
	var bad int
	err = db.QueryRowContext(ctx, `
		SELECT count(*) FROM rooms r
		WHERE r.last_seq <> (SELECT count(*) FROM messages m WHERE m.room_id = r.id)
		   OR r.last_seq <> (SELECT coalesce(max(seq), 0) FROM messages m WHERE m.room_id = r.id)`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Fatalf("%d rooms whose seqs are not 1..last_seq (%v)", bad, err)
	}
	if after := indexes(); after != before {
		t.Fatalf("indexes after the load:\n%s\nwant the migrations':\n%s", after, before)
	}
	var searchable int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE search @@ 'the'::tsquery`).Scan(&searchable); err != nil || searchable == 0 {
		t.Fatalf("no message holds the most common word (%v)", err)
	}
	rooms, err := searchbench.JoinRooms(ctx, db, 1, 10)
	if err != nil || len(rooms) != 10 {
		t.Fatalf("joined %v, %v", rooms, err)
	}
}
