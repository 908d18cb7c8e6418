package cache

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// maxSearchPrefix is the longest search prefix cached; longer ones are rare
// and would only make long keys.
const maxSearchPrefix = 64

// CreateUser stores an account and retires cached user searches.
func (s *Stores) CreateUser(ctx context.Context, username, displayName, passwordHash string) (*chat.User, error) {
	u, err := s.inner.CreateUser(ctx, username, displayName, passwordHash)
	if err == nil {
		s.bump(ctx, usersKey)
	}
	return u, err
}

// FindCredentials is never cached: password hashes stay in PostgreSQL.
func (s *Stores) FindCredentials(ctx context.Context, username string) (*chat.Credentials, error) {
	return s.inner.FindCredentials(ctx, username)
}

// FindUser answers from the cache. Profiles never change once created, so
// only found users are kept (a missing id may be created later).
func (s *Stores) FindUser(ctx context.Context, id int64) (*chat.User, error) {
	const kind = "user"
	vs, ok := s.versionsIfUsable(ctx, kind)
	if !ok {
		return s.inner.FindUser(ctx, id)
	}
	return read(ctx, s, spec[*chat.User]{
		kind: kind, key: key(kind, itoa(id), token(vs...)), ttl: s.ttl.User,
		load: func(ctx context.Context) (*chat.User, error) { return s.inner.FindUser(ctx, id) },
	})
}

// SearchUsers answers from the cache until a user is created.
func (s *Stores) SearchUsers(ctx context.Context, prefix string, limit int) ([]chat.User, error) {
	const kind = "search"
	if len(prefix) > maxSearchPrefix {
		return s.inner.SearchUsers(ctx, prefix, limit)
	}
	vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, usersKey)
	if !ok {
		return s.inner.SearchUsers(ctx, prefix, limit)
	}
	return read(ctx, s, spec[[]chat.User]{
		kind: kind, key: key(kind, token(vs...), itoa(int64(limit)), prefix), ttl: s.ttl.User, asOf: asOf,
		load: func(ctx context.Context) ([]chat.User, error) { return s.inner.SearchUsers(ctx, prefix, limit) },
	})
}

// CreateSession stores a session, retiring any remembered absence of it.
func (s *Stores) CreateSession(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error {
	err := s.inner.CreateSession(ctx, userID, tokenHash, expiresAt)
	s.bump(ctx, sessionKey(tokenHash))
	return err
}

// FindSession answers from the cache; DeleteSession retires the answer on
// every replica before it returns. A cached answer carries the session's
// expiry and is refused past it, so that no cache, however long it keeps
// the entry, lets a session outlive its expiry.
func (s *Stores) FindSession(ctx context.Context, tokenHash []byte) (*chat.SignIn, error) {
	const kind = "session"
	vs, ok := s.versionsIfUsable(ctx, kind, sessionKey(tokenHash))
	if !ok {
		return s.inner.FindSession(ctx, tokenHash)
	}
	in, err := read(ctx, s, spec[*chat.SignIn]{
		kind: kind, key: key(kind, hex.EncodeToString(tokenHash), token(vs...)), ttl: s.ttl.Session,
		load:     func(ctx context.Context) (*chat.SignIn, error) { return s.inner.FindSession(ctx, tokenHash) },
		notFound: true,
	})
	if err == nil && !time.Now().Before(in.ExpiresAt) {
		return nil, chat.Errorf(chat.ENOTFOUND, "Session not found.")
	}
	return in, err
}

// DeleteSession revokes a session in the store, then in the cache.
func (s *Stores) DeleteSession(ctx context.Context, tokenHash []byte) (int64, error) {
	userID, err := s.inner.DeleteSession(ctx, tokenHash)
	s.bump(ctx, sessionKey(tokenHash))
	return userID, err
}

// DeleteExpiredSessions goes straight to the store: FindSession already
// refuses cached sessions past their expiry, so nothing cached must change.
func (s *Stores) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	return s.inner.DeleteExpiredSessions(ctx)
}

// versionsIfUsable reads the versions a read depends on, or reports that
// the read must go to the store (counted as bypassed).
func (s *Stores) versionsIfUsable(ctx context.Context, kind string, keys ...string) ([]Version, bool) {
	vs, _, ok := s.versionsIfUsableAt(ctx, kind, keys...)
	return vs, ok
}

// versionsIfUsableAt is versionsIfUsable with versionsAt's time.
func (s *Stores) versionsIfUsableAt(ctx context.Context, kind string, keys ...string) ([]Version, time.Time, bool) {
	if !s.usable(ctx) {
		s.m.Bypassed(kind)
		return nil, time.Time{}, false
	}
	vs, asOf, ok := s.versionsAt(ctx, keys...)
	if !ok {
		s.m.Bypassed(kind)
	}
	return vs, asOf, ok
}
