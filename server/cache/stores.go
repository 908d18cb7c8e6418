package cache

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/parleychat/parley/server/chat"
)

// Store is everything Stores decorates: the PostgreSQL store implements it.
type Store interface {
	chat.UserStore
	chat.SessionStore
	chat.RoomStore
	chat.MessageStore
	ReactionSource
}

// TTLs bound how long each kind of cached data is kept. Every answer is
// keyed by the versions it depends on, so a TTL bounds memory, not
// staleness; the exceptions are said on each field.
type TTLs struct {
	// Public is the public room directory.
	Public time.Duration
	// Room is room metadata (FindRoom).
	Room time.Duration
	// Membership is a user's membership of a room, their room list and a
	// room's member list.
	Membership time.Duration
	// User is user profiles and user search.
	User time.Duration
	// Page is the newest page of a room's history and pages after a seq.
	Page time.Duration
	// History is a page before a seq, which changes only on edit or delete.
	History time.Duration
	// Session is a session lookup. A cached session is refused past its
	// own expiry whatever this says; a logout takes effect at once.
	Session time.Duration
	// Version is the life of a version key; when one lapses, the answers
	// keyed by it are simply loaded again.
	Version time.Duration
}

// DefaultTTLs are the TTLs used for zero fields of Options.TTL.
var DefaultTTLs = TTLs{
	Public:     time.Minute,
	Room:       10 * time.Minute,
	Membership: 10 * time.Minute,
	User:       10 * time.Minute,
	Page:       5 * time.Minute,
	History:    time.Hour,
	Session:    time.Minute,
	Version:    24 * time.Hour,
}

// Defaults of Options.
const (
	DefaultTimeout     = 250 * time.Millisecond
	DefaultLoadTimeout = 10 * time.Second
	probeInterval      = time.Second
)

// Options configure Stores.
type Options struct {
	TTL TTLs
	// Timeout bounds each cache operation; past it the store answers.
	Timeout time.Duration
	// LoadTimeout bounds a load from the store shared by concurrent callers,
	// which runs on even if the caller that started it gives up.
	LoadTimeout time.Duration
	// LocalBytes bounds the decoded answers kept in process memory
	// (DefaultLocalBytes if zero; negative keeps none).
	LocalBytes int
	Logger     *slog.Logger
	Metrics    *Metrics
}

// Stores answers the chat store interfaces from a Cache in front of an inner
// Store. Every write must go through it: it bumps the versions the write
// changes once the inner store has committed.
type Stores struct {
	inner       Store
	c           Cache
	ttl         TTLs
	timeout     time.Duration
	loadTimeout time.Duration
	log         *slog.Logger
	m           *Metrics
	flights     singleflight.Group
	kinds       roomKinds
	seen        seenVersions
	local       *local

	down      atomic.Bool  // the cache failed; reads bypass it until a probe succeeds
	lost      atomic.Int64 // bumps that failed; the epoch must be bumped before trusting the cache
	lastProbe atomic.Int64 // unix nanoseconds of the last probe
}

var (
	_ chat.UserStore    = (*Stores)(nil)
	_ chat.SessionStore = (*Stores)(nil)
	_ chat.RoomStore    = (*Stores)(nil)
	_ chat.MessageStore = (*Stores)(nil)
)

// Wrap returns Stores answering from c in front of inner.
func Wrap(inner Store, c Cache, o Options) *Stores {
	d := DefaultTTLs
	t := o.TTL
	for _, p := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&t.Public, d.Public}, {&t.Room, d.Room}, {&t.Membership, d.Membership}, {&t.User, d.User},
		{&t.Page, d.Page}, {&t.History, d.History}, {&t.Session, d.Session}, {&t.Version, d.Version},
	} {
		if *p.v <= 0 {
			*p.v = p.def
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.LoadTimeout <= 0 {
		o.LoadTimeout = DefaultLoadTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LocalBytes == 0 {
		o.LocalBytes = DefaultLocalBytes
	}
	return &Stores{inner: inner, c: c, ttl: t, timeout: o.Timeout, loadTimeout: o.LoadTimeout,
		log: o.Logger, m: o.Metrics, kinds: roomKinds{m: map[int64]string{}}, local: newLocal(o.LocalBytes)}
}

// ErrDegraded is returned by Check while reads bypass the cache.
var ErrDegraded = errors.New("cache: unavailable, answering from the store")

// Check reports whether the cache is in use: nil when it is, an error
// wrapping ErrDegraded during an outage (the API still answers, slower).
func (s *Stores) Check(ctx context.Context) error {
	if !s.usable(ctx) {
		return ErrDegraded
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.c.Check(cctx); err != nil {
		s.fail(ctx, "check", err)
		return errors.Join(ErrDegraded, err)
	}
	return nil
}

// usable reports whether reads may use the cache. During an outage one
// caller a second probes it; it comes back only after a bump of the epoch
// has retired every answer that a lost bump could have left stale.
func (s *Stores) usable(ctx context.Context) bool {
	if !s.down.Load() && s.lost.Load() == 0 {
		return true
	}
	now := time.Now().UnixNano()
	last := s.lastProbe.Load()
	if now-last < int64(probeInterval) || !s.lastProbe.CompareAndSwap(last, now) {
		return false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	if err := s.c.Check(ctx); err != nil {
		return false
	}
	if n := s.lost.Load(); n > 0 {
		if err := s.c.Bump(ctx, s.ttl.Version, epochKey); err != nil {
			return false
		}
		s.lost.Add(-n)
	}
	if s.down.CompareAndSwap(true, false) {
		s.log.Info("cache recovered")
		s.m.Up(true)
	}
	return s.lost.Load() == 0
}

// fail records a failed cache operation, logging once per outage. A caller
// that gave up (a closed connection) says nothing about the cache.
func (s *Stores) fail(parent context.Context, op string, err error) {
	if parent.Err() != nil {
		return
	}
	s.m.Error(op)
	if s.down.CompareAndSwap(false, true) {
		s.lastProbe.Store(time.Now().UnixNano())
		s.m.Up(false)
		s.log.Warn("cache unavailable, answering from the store", "op", op, "err", err)
	}
}

// versions reads the epoch and keys; ok is false if the cache failed.
func (s *Stores) versions(parent context.Context, keys ...string) ([]Version, bool) {
	vs, _, ok := s.versionsAt(parent, keys...)
	return vs, ok
}

// versionsAt is versions that also says how new a store read must be to
// be cached under them (see seenVersions).
func (s *Stores) versionsAt(parent context.Context, keys ...string) ([]Version, time.Time, bool) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	all := append([]string{epochKey}, keys...)
	vs, err := s.c.Versions(ctx, s.ttl.Version, all...)
	if err != nil {
		s.fail(parent, "versions", err)
		return nil, time.Time{}, false
	}
	return vs, s.seen.observe(all, vs), true
}

// bump gives keys fresh versions after a write. A bump that cannot be made
// is remembered so that the cache is not trusted again before the epoch
// moves, since another replica might otherwise serve what it should retire.
func (s *Stores) bump(ctx context.Context, keys ...string) {
	if s.down.Load() {
		s.lost.Add(1)
		return
	}
	parent := context.WithoutCancel(ctx)
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	if err := s.c.Bump(ctx, s.ttl.Version, keys...); err != nil {
		s.lost.Add(1)
		s.fail(parent, "bump", err)
	}
}

// roomKinds remembers room kinds, which never change, so that a write can
// tell whether the public directory must be retired too.
type roomKinds struct {
	mu sync.Mutex
	m  map[int64]string
}

const maxRoomKinds = 100_000

func (k *roomKinds) get(id int64) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[id]
}

func (k *roomKinds) put(id int64, kind string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= maxRoomKinds {
		clear(k.m)
	}
	k.m[id] = kind
}
