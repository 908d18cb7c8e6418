package cache

import (
	"slices"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/lru"
)

// DefaultLocalBytes bounds the decoded answers a Stores keeps in memory.
const DefaultLocalBytes = 32 << 20

const localShards = 16

// local keeps decoded answers by value key. A value never changes under its
// key, so a decoded copy is exactly as fresh as the bytes it came from and
// saves decoding them on every hit; each caller still gets its own copy.
// A nil *local (a negative size) keeps nothing.
type local struct {
	lru *lru.Cache[localEntry]
}

type localEntry struct {
	val any
	err error
}

func newLocal(maxBytes int) *local {
	if maxBytes < 0 {
		return nil
	}
	return &local{lru: lru.New[localEntry](localShards, maxBytes)}
}

func (l *local) get(key string) (any, error, bool) {
	if l == nil {
		return nil, nil, false
	}
	e, ok := l.lru.Get(key)
	return e.val, e.err, ok
}

// put keeps val (or the ENOTFOUND err) under key; cost approximates its
// size by its encoded length. An answer bigger than a shard is not kept.
func (l *local) put(key string, val any, err error, cost int, ttl time.Duration) {
	if l == nil || cost > l.lru.ShardCost() {
		return
	}
	l.lru.Put(key, localEntry{val: val, err: err}, cost+len(key)+128, ttl)
}

// clone copies a decoded answer deeply enough that a caller changing its
// copy (a room's Unread, a message's EditedAt) leaves the kept one alone.
func clone[T any](v T) T {
	var out any
	switch x := any(v).(type) {
	case *chat.Room:
		if x == nil {
			return v
		}
		c := cloneRoom(*x)
		out = &c
	case []chat.Room:
		c := make([]chat.Room, len(x))
		for i := range x {
			c[i] = cloneRoom(x[i])
		}
		out = c
	case *chat.Membership:
		if x == nil {
			return v
		}
		c := *x
		out = &c
	case *chat.User:
		if x == nil {
			return v
		}
		c := *x
		out = &c
	case *chat.SignIn:
		if x == nil {
			return v
		}
		c := *x
		out = &c
	case []chat.User:
		out = append([]chat.User(nil), x...)
		if x != nil && len(x) == 0 {
			out = []chat.User{}
		}
	case *chat.Message:
		if x == nil {
			return v
		}
		c := cloneMessage(*x)
		out = &c
	case page:
		c := page{HasMore: x.HasMore, Messages: make([]chat.Message, len(x.Messages))}
		for i := range x.Messages {
			c.Messages[i] = cloneMessage(x.Messages[i])
		}
		out = c
	case searchPage:
		out = x.clone()
	case []int64:
		out = append([]int64{}, x...)
	case map[int64][]chat.Reaction:
		c := make(map[int64][]chat.Reaction, len(x))
		for k, v := range x {
			c[k] = slices.Clone(v)
		}
		out = c
	case map[int64][]string:
		c := make(map[int64][]string, len(x))
		for k, v := range x {
			c[k] = slices.Clone(v)
		}
		out = c
	case string:
		out = x // immutable
	default:
		panic("cache: clone of an unexpected type")
	}
	return out.(T)
}

func cloneRoom(r chat.Room) chat.Room {
	if r.Unread != nil {
		n := *r.Unread
		r.Unread = &n
	}
	return r
}

func cloneMessage(m chat.Message) chat.Message {
	if m.EditedAt != nil {
		t := *m.EditedAt
		m.EditedAt = &t
	}
	m.Reactions = slices.Clone(m.Reactions)
	return m
}
