package cache_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// TestValkeyRestart stops Valkey under two warm replicas, writes while it is
// down, starts it again empty, and checks that every answer stays what
// PostgreSQL holds and that the cache comes back by itself.
func TestValkeyRestart(t *testing.T) {
	srv := testenv.StartRedis(t)
	logs := &countingHandler{}
	e := newEnvOpts(t, "valkey", srv.Addr, cache.Options{Logger: slog.New(logs), Timeout: time.Second})
	owner, member := e.user(t), e.user(t)
	r := e.room(t, owner, chat.RoomPublic)
	e.join(t, r, member)
	e.send(t, r, owner, "before")
	token := e.session(t, member)

	check := func(t *testing.T) {
		t.Helper()
		for _, s := range []*cache.Stores{e.a, e.b} {
			got, more, err := s.ListMessages(bg(), r.ID, chat.Page{})
			noErr(t, err)
			want, wantMore, err := e.inner.ListMessages(bg(), r.ID, chat.Page{})
			noErr(t, err)
			same(t, "newest page", pageAnswer{got, more}, pageAnswer{want, wantMore})
			rooms, err := s.UserRooms(bg(), member.ID)
			noErr(t, err)
			wantRooms, err := e.inner.UserRooms(bg(), member.ID)
			noErr(t, err)
			same(t, "member's rooms", rooms, wantRooms)
			_, err = s.FindSession(bg(), token)
			_, wantErr := e.inner.FindSession(bg(), token)
			if chat.ErrorCode(err) != chat.ErrorCode(wantErr) {
				t.Fatalf("FindSession = %v; want %v", err, wantErr)
			}
		}
	}
	for range 3 {
		check(t)
	}

	srv.Stop()
	t.Run("Down", func(t *testing.T) {
		check(t)
		e.send(t, r, owner, "while down")
		_, err := e.a.DeleteSession(bg(), token)
		noErr(t, err)
		check(t)
		for _, s := range []*cache.Stores{e.a, e.b} {
			if err := s.Check(bg()); !errors.Is(err, cache.ErrDegraded) {
				t.Fatalf("Check during the outage = %v; want ErrDegraded", err)
			}
		}
		if got := logs.warnings.Load(); got != 2 {
			t.Fatalf("logged %d warnings for one outage on two replicas; want 2", got)
		}
	})

	srv.Start()
	t.Run("Recovered", func(t *testing.T) {
		check(t)
		deadline := time.Now().Add(10 * time.Second)
		for _, s := range []*cache.Stores{e.a, e.b} {
			for s.Check(bg()) != nil {
				if time.Now().After(deadline) {
					t.Fatalf("cache not back 10s after Valkey: %v", s.Check(bg()))
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		check(t)
		e.send(t, r, member, "after")
		check(t)
		// Caching again: a warm read makes no query.
		check(t)
		if n := e.queries(func() { check(t) }); n != 6 { // check itself asks the truth 3× per replica
			t.Fatalf("warm reads after recovery made %d queries beyond the truth; want 0", n-6)
		}
	})
}

// countingHandler counts warnings.
type countingHandler struct{ warnings atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		h.warnings.Add(1)
	}
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// flakyCache fails every Bump while broken, as when the writer alone loses
// Valkey while other replicas still reach it.
type flakyCache struct {
	cache.Cache
	broken atomic.Bool
}

func (f *flakyCache) Bump(ctx context.Context, ttl time.Duration, keys ...string) error {
	if f.broken.Load() {
		return errors.New("flaky: connection reset")
	}
	return f.Cache.Bump(ctx, ttl, keys...)
}

// TestLostBump checks that a replica whose bump failed stops trusting the
// cache, and that once it reaches Valkey again it retires every cached
// answer (on all replicas) before using the cache again.
func TestLostBump(t *testing.T) {
	db, inner := testenv.Open(t)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	flaky := &flakyCache{Cache: valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr), valkeystore.CacheOptions{Prefix: prefix})}
	a := cache.Wrap(inner, flaky, cache.Options{})
	b := cache.Wrap(inner, valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr), valkeystore.CacheOptions{Prefix: prefix}), cache.Options{})
	e := &env{db: db, inner: inner, a: a, b: b}
	owner := e.user(t)
	r := e.room(t, owner, chat.RoomPublic)
	e.send(t, r, owner, "one")
	for range 2 {
		_, _, err := b.ListMessages(bg(), r.ID, chat.Page{})
		noErr(t, err)
	}

	flaky.broken.Store(true)
	e.send(t, r, owner, "two") // committed; its bump is lost
	t.Run("WriterBypasses", func(t *testing.T) {
		msgs, _, err := a.ListMessages(bg(), r.ID, chat.Page{})
		noErr(t, err)
		if len(msgs) != 2 {
			t.Fatalf("writer sees %d messages; want 2", len(msgs))
		}
		if err := a.Check(bg()); !errors.Is(err, cache.ErrDegraded) {
			t.Fatalf("Check after a lost bump = %v; want ErrDegraded", err)
		}
	})

	flaky.broken.Store(false)
	t.Run("EpochRetiresAll", func(t *testing.T) {
		deadline := time.Now().Add(5 * time.Second)
		for a.Check(bg()) != nil {
			if time.Now().After(deadline) {
				t.Fatal("writer did not recover within 5s")
			}
			time.Sleep(50 * time.Millisecond)
		}
		msgs, _, err := b.ListMessages(bg(), r.ID, chat.Page{})
		noErr(t, err)
		if len(msgs) != 2 {
			t.Fatalf("other replica sees %d messages after recovery; want 2", len(msgs))
		}
	})
}
