package cache

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// A cached answer is one tag byte then its payload: a JSON value, or the
// message of a remembered ENOTFOUND.
const (
	tagValue    = 'v'
	tagNotFound = 'n'
)

// spec says how one read is cached.
type spec[T any] struct {
	kind string
	key  string // includes every version the answer depends on
	ttl  time.Duration
	load func(context.Context) (T, error)
	// keep, if set, decides whether a loaded answer may be stored.
	keep func(T) bool
	// notFound remembers ENOTFOUND answers too.
	notFound bool
	// asOf is how new the store's answer must be (versionsAt); zero means
	// now, which only the primary is sure to be.
	asOf time.Time
}

// read answers sp from the cache, or loads it once however many callers
// miss together: the first caller's load is shared, each caller getting its
// own copy so that none sees another's changes.
func read[T any](ctx context.Context, s *Stores, sp spec[T]) (T, error) {
	var zero T
	if v, err, ok := s.local.get(sp.key); ok {
		s.m.Hit(LevelL1, sp.kind)
		if err != nil {
			return zero, err
		}
		return clone(v.(T)), nil
	}
	b, ok, err := s.get(ctx, sp.key)
	if err != nil {
		s.m.Bypassed(sp.kind)
		return sp.load(ctx)
	}
	if !ok {
		ch := s.flights.DoChan(sp.key, func() (any, error) {
			return s.fill(ctx, sp.kind, sp.key, sp.ttl, sp.notFound, sp.asOf, func(ctx context.Context) ([]byte, bool, error) {
				v, err := sp.load(ctx)
				if err != nil {
					return nil, false, err
				}
				b, err := json.Marshal(v)
				if err != nil {
					return nil, false, fmt.Errorf("cache: encode %s: %w", sp.kind, err)
				}
				return append([]byte{tagValue}, b...), sp.keep == nil || sp.keep(v), nil
			})
		})
		select {
		case r := <-ch:
			if r.Err != nil {
				return zero, r.Err
			}
			b = r.Val.([]byte)
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	v, err := decode[T](b)
	switch {
	case err == nil:
		if ok || sp.keep == nil || sp.keep(v) {
			s.local.put(sp.key, v, nil, len(b), sp.ttl)
		}
		return clone(v), nil
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		s.local.put(sp.key, nil, err, len(b), sp.ttl)
		return zero, err
	}
	s.log.Error("cache: unreadable entry, loading again", "key", sp.key, "err", err)
	return sp.load(ctx)
}

// fill runs one shared load. It looks again first: a caller that missed
// just before another's load finished must not load a second time. The
// load must be as new as asOf (zero: now), whatever the caller would
// accept for itself, since everybody reads what it stores.
func (s *Stores) fill(ctx context.Context, kind, key string, ttl time.Duration, notFound bool, asOf time.Time,
	load func(context.Context) ([]byte, bool, error)) ([]byte, error) {
	if asOf.IsZero() {
		asOf = time.Now()
	}
	ctx, cancel := context.WithTimeout(chat.FreshAsOf(context.WithoutCancel(ctx), asOf), s.loadTimeout)
	defer cancel()
	if b, ok, err := s.get(ctx, key); err == nil && ok {
		return b, nil
	}
	start := time.Now()
	b, keep, err := load(ctx)
	s.m.Load(LevelStore, kind, time.Since(start))
	if err != nil {
		if !notFound || chat.ErrorCode(err) != chat.ENOTFOUND {
			return nil, err
		}
		b, keep = append([]byte{tagNotFound}, chat.ErrorMessage(err)...), true
	}
	if keep {
		s.set(ctx, key, b, ttl)
	}
	return b, nil
}

func decode[T any](b []byte) (T, error) {
	var v T
	if len(b) == 0 {
		return v, fmt.Errorf("cache: empty entry")
	}
	switch b[0] {
	case tagNotFound:
		return v, chat.Errorf(chat.ENOTFOUND, "%s", b[1:])
	case tagValue:
		if err := json.Unmarshal(b[1:], &v); err != nil {
			return v, fmt.Errorf("cache: decode: %w", err)
		}
		return v, nil
	}
	return v, fmt.Errorf("cache: unknown entry tag %q", b[0])
}

func (s *Stores) get(parent context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	b, ok, err := s.c.Get(ctx, key)
	if err != nil {
		s.fail(parent, "get", err)
	}
	return b, ok, err
}

func (s *Stores) set(parent context.Context, key string, b []byte, ttl time.Duration) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	if err := s.c.Set(ctx, key, b, ttl); err != nil {
		s.fail(parent, "set", err)
	}
}
