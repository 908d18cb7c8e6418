package cache_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// env is one PostgreSQL database and two Stores over it that share a cache
// as two replicas of the server would.
type env struct {
	db    *postgres.DB
	inner *postgres.Store
	a, b  *cache.Stores
}

// caches are the implementations every Stores test runs against.
var caches = []string{"memory", "valkey"}

// forEachCache runs fn once per Cache implementation.
func forEachCache(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, name := range caches {
		t.Run(name, func(t *testing.T) { fn(t, newEnv(t, name, testenv.RedisAddr)) })
	}
}

func newEnv(tb testing.TB, impl, redisAddr string) *env {
	tb.Helper()
	return newEnvOpts(tb, impl, redisAddr, cache.Options{Metrics: cache.NewMetrics(nil), Timeout: time.Second})
}

func newEnvOpts(tb testing.TB, impl, redisAddr string, opts cache.Options) *env {
	tb.Helper()
	db, inner := testenv.Open(tb)
	return wrapEnv(tb, &env{db: db, inner: inner}, impl, redisAddr, opts)
}

// newEnvWithInner returns an env over e's database with a fresh cache.
func newEnvWithInner(tb testing.TB, e *env, impl string) *env {
	tb.Helper()
	return wrapEnv(tb, &env{db: e.db, inner: e.inner}, impl, testenv.RedisAddr,
		cache.Options{Metrics: cache.NewMetrics(nil), Timeout: time.Second})
}

func wrapEnv(tb testing.TB, e *env, impl, redisAddr string, opts cache.Options) *env {
	tb.Helper()
	inner := e.inner
	switch impl {
	case "memory":
		c := inmem.NewCache(16<<20, opts.Metrics)
		e.a, e.b = cache.Wrap(inner, c, opts), cache.Wrap(inner, c, opts)
	case "valkey":
		prefix := testenv.Prefix(tb, redisAddr)
		ca := valkeystore.NewCache(testenv.NewClient(tb, redisAddr), valkeystore.CacheOptions{Prefix: prefix, Metrics: opts.Metrics})
		cb := valkeystore.NewCache(testenv.NewClient(tb, redisAddr), valkeystore.CacheOptions{Prefix: prefix, Metrics: opts.Metrics})
		e.a, e.b = cache.Wrap(inner, ca, opts), cache.Wrap(inner, cb, opts)
	default:
		tb.Fatalf("unknown cache %q", impl)
	}
	return e
}

// queries returns how many statements fn sent to PostgreSQL.
func (e *env) queries(fn func()) uint64 {
	before := e.db.QueryCount()
	fn()
	return e.db.QueryCount() - before
}

var userSeq atomic.Int64

func (e *env) user(tb testing.TB) *chat.User {
	tb.Helper()
	name := fmt.Sprintf("u%d_%d", time.Now().UnixNano()%1e6, userSeq.Add(1))
	u, err := e.a.CreateUser(context.Background(), name, "", "hash")
	if err != nil {
		tb.Fatalf("create user: %v", err)
	}
	return u
}

func (e *env) room(tb testing.TB, owner *chat.User, kind string) *chat.Room {
	tb.Helper()
	r, err := e.a.CreateRoom(context.Background(), owner.ID, fmt.Sprintf("room %d", userSeq.Add(1)), "", kind)
	if err != nil {
		tb.Fatalf("create room: %v", err)
	}
	return r
}

func (e *env) join(tb testing.TB, r *chat.Room, u *chat.User) {
	tb.Helper()
	if _, err := e.a.AddMember(context.Background(), r.ID, u.ID, chat.RoleMember); err != nil {
		tb.Fatalf("add member: %v", err)
	}
}

func (e *env) send(tb testing.TB, r *chat.Room, u *chat.User, body string) *chat.Message {
	tb.Helper()
	m, _, err := e.a.SendMessage(context.Background(), chat.NewMessage{
		RoomID: r.ID, UserID: u.ID, Body: body, ClientID: fmt.Sprintf("c%d", userSeq.Add(1)),
	})
	if err != nil {
		tb.Fatalf("send: %v", err)
	}
	return m
}

func (e *env) session(tb testing.TB, u *chat.User) []byte {
	tb.Helper()
	h := sha256.Sum256(fmt.Appendf(nil, "token-%d-%d", u.ID, userSeq.Add(1)))
	if err := e.a.CreateSession(context.Background(), u.ID, h[:], time.Now().Add(time.Hour)); err != nil {
		tb.Fatalf("create session: %v", err)
	}
	return h[:]
}

// same fails the test unless got and want encode to the same JSON (times
// read from PostgreSQL and from the cache differ only in their Location).
func same(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		tb.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// noErr fails the test on any non-nil error.
func noErr(tb testing.TB, errs ...error) {
	tb.Helper()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func bg() context.Context { return context.Background() }
