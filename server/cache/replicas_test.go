package cache_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// TestLocalVersionsCostNoRoundTrip checks that a warm replica answers the
// reads behind a 304 (session, membership, room) and the newest page
// without a single Valkey command or PostgreSQL query.
func TestLocalVersionsCostNoRoundTrip(t *testing.T) {
	srv := testenv.StartRedis(t)
	e := newEnv(t, "valkey", srv.Addr)
	owner := e.user(t)
	r := e.room(t, owner, chat.RoomPrivate)
	e.send(t, r, owner, "hello")
	token := e.session(t, owner)
	reads := func() {
		_, err := e.b.FindSession(bg(), token)
		noErr(t, err)
		_, err = e.b.FindMembership(bg(), r.ID, owner.ID)
		noErr(t, err)
		_, err = e.b.FindRoom(bg(), r.ID)
		noErr(t, err)
		_, _, err = e.b.ListMessages(bg(), r.ID, chat.Page{})
		noErr(t, err)
	}
	reads()
	reads()
	counter := testenv.NewUncachedClient(t, srv.Addr)
	before := commandsProcessed(t, counter)
	if n := e.queries(reads); n != 0 {
		t.Fatalf("warm reads made %d queries; want 0", n)
	}
	// The INFO itself is one command.
	if n := commandsProcessed(t, counter) - before; n != 1 {
		t.Fatalf("warm reads sent %d commands to Valkey; want 0", n-1)
	}
}

func commandsProcessed(tb testing.TB, c valkey.Client) int64 {
	tb.Helper()
	info, err := c.Do(bg(), c.B().Info().Section("stats").Build()).ToString()
	noErr(tb, err)
	return infoInt(tb, info, "total_commands_processed")
}

// TestStaleMarkReadsPastCopies gives replica B a tracker that never hears
// an invalidation, as if it were slow to arrive: B then keeps answering
// the room as it was, until the broker's news of the message (RoomChanged)
// makes its next read ask Valkey. So a read that starts after the message
// reached B's sockets never shows the room without it.
func TestStaleMarkReadsPastCopies(t *testing.T) {
	e := newEnv(t, "valkey", testenv.RedisAddr)
	deaf := valkeystore.NewTracker() // never installed on a client
	client := testenv.NewClient(t, testenv.RedisAddr)
	cb := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: e.prefix, Tracker: deaf})
	b := cache.Wrap(e.inner, cb, cache.Options{Timeout: time.Second})

	owner, member := e.user(t), e.user(t)
	r := e.room(t, owner, chat.RoomPublic)
	e.join(t, r, member)
	e.send(t, r, owner, "one")
	newest := func(s *cache.Stores) any {
		return call(t, func() (any, error) { return page(s.ListMessages(bg(), r.ID, chat.Page{})) })
	}
	want := func() any {
		return call(t, func() (any, error) { return page(e.inner.ListMessages(bg(), r.ID, chat.Page{})) })
	}
	same(t, "B before", newest(b), want())

	e.send(t, r, owner, "two")
	same(t, "A after its own send", newest(e.a), want())
	old := newest(b)
	if g, w := jsonOf(old), jsonOf(want()); g == w {
		t.Fatal("B without invalidations already shows the new message: the test cannot tell the mark works")
	}
	b.RoomChanged(r.ID, true)
	same(t, "B after the message reached it", newest(b), want())
	same(t, "B's room after the message reached it", call(t, func() (any, error) { return b.FindRoom(bg(), r.ID) }),
		call(t, func() (any, error) { return e.inner.FindRoom(bg(), r.ID) }))

	// A leave reaches B the same way.
	_, err := e.a.RemoveMember(bg(), r.ID, member.ID)
	noErr(t, err)
	b.MembershipChanged(member.ID)
	if _, err := b.FindMembership(bg(), r.ID, member.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("B's FindMembership after the leave reached it = %v; want ENOTFOUND", err)
	}
}

// TestValkeyStopReadsThrough stops a private Valkey under two warm
// replicas: once B has seen its connection go, it drops its copies and
// answers from PostgreSQL, so a write made meanwhile on A is never hidden
// by an old copy; when Valkey is back, B tracks again and serves hits.
func TestValkeyStopReadsThrough(t *testing.T) {
	srv := testenv.StartRedis(t)
	e := newEnvOpts(t, "valkey", srv.Addr, cache.Options{Metrics: cache.NewMetrics(nil), Timeout: 500 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	owner := e.user(t)
	r := e.room(t, owner, chat.RoomPrivate)
	e.send(t, r, owner, "before")
	token := e.session(t, owner)
	check := func(t *testing.T, s *cache.Stores) {
		t.Helper()
		same(t, "newest page", call(t, func() (any, error) { return page(s.ListMessages(bg(), r.ID, chat.Page{})) }),
			call(t, func() (any, error) { return page(e.inner.ListMessages(bg(), r.ID, chat.Page{})) }))
		same(t, "rooms", call(t, func() (any, error) { return s.UserRooms(bg(), owner.ID) }),
			call(t, func() (any, error) { return e.inner.UserRooms(bg(), owner.ID) }))
		_, err := s.FindSession(bg(), token)
		_, want := e.inner.FindSession(bg(), token)
		if chat.ErrorCode(err) != chat.ErrorCode(want) {
			t.Fatalf("FindSession = %v; want %v", err, want)
		}
	}
	for range 3 {
		check(t, e.b)
	}
	resets := e.tb.Resets()
	srv.Stop()
	eventually(t, "B's tracker sees the lost connection", func() (any, any) { return e.tb.Resets() > resets, true })

	e.send(t, r, owner, "while down")
	_, err := e.a.DeleteSession(bg(), token)
	noErr(t, err)
	for range 3 {
		check(t, e.b)
		check(t, e.a)
	}
	if err := e.b.Check(bg()); err == nil {
		t.Fatal("B's Check passed with Valkey down")
	}

	srv.Start()
	eventually(t, "B uses the cache again", func() (any, any) { return e.b.Check(bg()) == nil, true })
	eventually(t, "A uses the cache again", func() (any, any) { return e.a.Check(bg()) == nil, true })
	for range 3 {
		check(t, e.b)
	}
	if n := e.queries(func() { check(t, e.b) }); n != 3 { // check's own three reads of the truth
		t.Fatalf("warm B after the outage made %d queries; want only the 3 of the check", n)
	}
}
