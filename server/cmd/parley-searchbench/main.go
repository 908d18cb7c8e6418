// Command parley-searchbench measures message search at scale: it makes a
// database of its own, seeds it with a large chat history (5,000,000
// messages in 10,000 rooms by default), starts the real parley binary on
// it, signs a user up through the API, makes them a member of 50 rooms,
// and times one- and two-word searches (common, medium and rare words,
// prefixes, phrases) through GET /api/v1/search, reporting p50 and p99
// per kind of query, then EXPLAIN (ANALYZE, BUFFERS) of representative
// ones. The database is dropped at the end unless -keep. See
// docs/perf/search.md; scripts/loadtest message-search runs it.
//
//	go run ./server/cmd/parley-searchbench -server bin/parley
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/searchbench"
	"github.com/parleychat/parley/server/testenv"
)

type options struct {
	admin, databaseURL, server, out, explain string
	keep                                     bool
	perClass, warmup, limit                  int
	slo                                      time.Duration
	seed                                     searchbench.Config
}

func main() {
	o := options{seed: searchbench.DefaultConfig()}
	flag.StringVar(&o.admin, "admin-url", testenv.AdminURL(), "PostgreSQL URL allowed to create databases")
	flag.StringVar(&o.databaseURL, "database-url", "", "search an already seeded database instead of making one (it is kept)")
	flag.StringVar(&o.server, "server", "bin/parley", "the parley binary to measure")
	flag.StringVar(&o.out, "out", "", "also write the summary (Markdown) to this file")
	flag.StringVar(&o.explain, "explain", "", "write EXPLAIN (ANALYZE, BUFFERS) of representative searches to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the database made for the run (its URL is printed)")
	flag.IntVar(&o.perClass, "queries", 100, "queries of each kind")
	flag.IntVar(&o.warmup, "warmup", 100, "queries run first and not counted")
	flag.IntVar(&o.limit, "limit", chat.SearchDefaultLimit, "the page size each search asks for")
	flag.DurationVar(&o.slo, "slo-p99", 0, "fail (exit 1) if the p99 of the one-word or of the two-word searches is over this (0: report only)")
	flag.IntVar(&o.seed.Messages, "messages", o.seed.Messages, "messages to seed")
	flag.IntVar(&o.seed.Rooms, "rooms", o.seed.Rooms, "rooms to seed")
	flag.IntVar(&o.seed.MemberRooms, "member-rooms", o.seed.MemberRooms, "rooms the searching user belongs to")
	flag.Uint64Var(&o.seed.Seed, "seed", o.seed.Seed, "the seed of the generated history")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	met, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-searchbench:", err)
		os.Exit(2)
	}
	if !met {
		os.Exit(1)
	}
}

// run seeds, measures and reports; met is false when a p99 is over the
// -slo-p99 asked for.
func run(ctx context.Context, o options) (met bool, err error) {
	o.seed.Log = os.Stdout
	dsn := o.databaseURL
	if dsn == "" {
		var name string
		name, dsn, err = testenv.CreateDatabase(ctx, o.admin, "searchbench")
		if err != nil {
			return false, err
		}
		defer func() {
			if o.keep {
				fmt.Println("kept database:", dsn)
				return
			}
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			err = errors.Join(err, testenv.DropDatabase(dctx, o.admin, name))
		}()
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return false, err
	}
	defer db.Close()
	pdb, err := postgres.Open(ctx, postgres.Options{URL: dsn, MaxOpenConns: 2})
	if err != nil {
		return false, err
	}
	defer pdb.Close()
	if err := pdb.Migrate(ctx); err != nil {
		return false, err
	}
	vocab := searchbench.NewVocabulary(o.seed.Vocabulary)
	if o.databaseURL == "" {
		s, err := searchbench.Seed(ctx, db, o.seed)
		if err != nil {
			return false, err
		}
		vocab = s.Vocabulary
	}
	var size struct{ heap, search, indexes string }
	err = db.QueryRowContext(ctx, `SELECT pg_size_pretty(pg_table_size('messages')),
		pg_size_pretty(pg_relation_size('idx_messages_search')), pg_size_pretty(pg_indexes_size('messages'))`).
		Scan(&size.heap, &size.search, &size.indexes)
	if err != nil {
		return false, fmt.Errorf("sizes: %w", err)
	}

	// The server runs with its cache off: every search below reaches
	// PostgreSQL, which is what is measured.
	srv, err := testenv.StartServer(ctx, testenv.ServerOptions{Binary: o.server, DatabaseURL: dsn, ReadyWithin: 2 * time.Minute,
		Env: []string{"PARLEY_CACHE=off", "PARLEY_AUTH_RATE=0", "PARLEY_REGISTER_RATE=0", "PARLEY_ANON_RATE=0",
			"PARLEY_SIGNIN_FAILURES=0", "PARLEY_ARGON2_MEMORY_KIB=1024", "PARLEY_ARGON2_TIME=1"}})
	if err != nil {
		return false, err
	}
	defer func() { err = errors.Join(err, srv.Stop(context.WithoutCancel(ctx), 20*time.Second)) }()
	client := &searchbench.Client{Base: srv.URL, HTTP: &http.Client{Timeout: 30 * time.Second}, Limit: o.limit}
	userID, err := signUp(ctx, client)
	if err != nil {
		return false, err
	}
	rooms, err := searchbench.JoinRooms(ctx, db, userID, o.seed.MemberRooms)
	if err != nil {
		return false, err
	}
	var inRooms int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE room_id = ANY($1)`, pq.Array(rooms)).Scan(&inRooms); err != nil {
		return false, err
	}

	r := rand.New(rand.NewPCG(o.seed.Seed, 7))
	if o.warmup > 0 {
		for _, q := range searchbench.Queries(vocab, r, max(1, o.warmup/len(searchbench.Classes))) {
			if _, err := client.Search(ctx, q.Q); err != nil {
				return false, err
			}
		}
	}
	var load1 float64
	results, slowest, err := searchbench.Run(ctx, client, searchbench.Queries(vocab, r, o.perClass))
	if err != nil {
		return false, err
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Sscan(string(b), &load1)
	}
	var summary bytes.Buffer
	fmt.Fprintf(&summary, "Searches through GET /api/v1/search of one user in %d rooms holding %d of the %d messages "+
		"(%d rooms); one at a time, the server's cache off, limit %d. messages: %s of table, %s of indexes, "+
		"%s of them the search index. Load average at the end: %.2f.\n\n",
		len(rooms), inRooms, o.seed.Messages, o.seed.Rooms, o.limit, size.heap, size.indexes, size.search, load1)
	summary.WriteString(searchbench.Table(results))
	summary.WriteString("\nThe slowest:\n\n")
	for _, t := range slowest {
		fmt.Fprintf(&summary, "- %.1f ms, %d hits: `%s` (%s)\n", float64(t.Took.Microseconds())/1000, t.Hits, t.Q, t.Class)
	}
	fmt.Print("\n" + summary.String())
	if o.out != "" {
		if err := os.WriteFile(o.out, summary.Bytes(), 0o644); err != nil {
			return false, err
		}
	}
	met = true
	for _, r := range results {
		if o.slo > 0 && (r.Class == "all one-word" || r.Class == "all two-word") && r.P99 > o.slo {
			fmt.Printf("%s: p99 %s is over %s\n", r.Class, r.P99.Round(100*time.Microsecond), o.slo)
			met = false
		}
	}
	if o.explain != "" {
		return met, explain(ctx, pdb, o.explain, userID, vocab)
	}
	return met, nil
}

// signUp registers the searching user and keeps their token.
func signUp(ctx context.Context, c *searchbench.Client) (int64, error) {
	var b [6]byte
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz"[rand.IntN(26)]
	}
	body, _ := json.Marshal(map[string]string{"username": "searcher" + string(b[:]), "password": "correct horse battery"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/v1/auth/register", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var out struct {
		User  chat.User `json:"user"`
		Token string    `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("sign up: status %d: %v", res.StatusCode, err)
	}
	c.Token = out.Token
	return out.User.ID, nil
}

// explain writes the plans of one search of each kind.
func explain(ctx context.Context, pdb *postgres.DB, path string, userID int64, v *searchbench.Vocabulary) error {
	store := postgres.NewStore(pdb, postgres.StoreOptions{})
	defer store.Close()
	rare := v.Words[5000]
	queries := []string{"the", "deploy", rare, "ka", "to the", "that and", "lunch it", "the " + rare, "deploy build", `"the build"`}
	var b strings.Builder
	for _, q := range queries {
		s, err := chat.ParseSearch(q)
		if err != nil {
			return err
		}
		s.Limit = chat.SearchDefaultLimit
		plan, err := store.ExplainSearch(ctx, userID, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "### q=%s\n\n```\n%s\n```\n\n", q, plan)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
