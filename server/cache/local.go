package cache

import (
	"container/list"
	"hash/maphash"
	"sync"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// DefaultLocalBytes bounds the decoded answers a Stores keeps in memory.
const DefaultLocalBytes = 32 << 20

const localShards = 16

// local keeps decoded answers by value key. A value never changes under its
// key, so a decoded copy is exactly as fresh as the bytes it came from and
// saves decoding them on every hit; each caller still gets its own copy.
type local struct {
	seed   maphash.Seed
	shards [localShards]localShard
}

type localShard struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	lru      list.List
	cost     int
	maxCost  int
	disabled bool
}

type localEntry struct {
	key     string
	val     any
	err     error
	cost    int
	expires time.Time
}

func newLocal(maxBytes int) *local {
	l := &local{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].entries = map[string]*list.Element{}
		l.shards[i].maxCost = maxBytes / localShards
		l.shards[i].disabled = maxBytes < 0
	}
	return l
}

func (l *local) shard(key string) *localShard {
	return &l.shards[maphash.String(l.seed, key)%localShards]
}

func (l *local) get(key string) (any, error, bool) {
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.entries[key]
	if !ok {
		return nil, nil, false
	}
	e := el.Value.(*localEntry)
	if !time.Now().Before(e.expires) {
		s.remove(el)
		return nil, nil, false
	}
	s.lru.MoveToFront(el)
	return e.val, e.err, true
}

// put keeps val (or the ENOTFOUND err) under key; cost approximates its
// size by its encoded length.
func (l *local) put(key string, val any, err error, cost int, ttl time.Duration) {
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disabled || cost > s.maxCost {
		return
	}
	if el, ok := s.entries[key]; ok {
		s.remove(el)
	}
	e := &localEntry{key: key, val: val, err: err, cost: cost + len(key) + 128, expires: time.Now().Add(ttl)}
	s.entries[key] = s.lru.PushFront(e)
	s.cost += e.cost
	for s.cost > s.maxCost && s.lru.Len() > 0 {
		s.remove(s.lru.Back())
	}
}

func (s *localShard) remove(el *list.Element) {
	e := s.lru.Remove(el).(*localEntry)
	delete(s.entries, e.key)
	s.cost -= e.cost
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
	case []int64:
		out = append([]int64{}, x...)
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
	return m
}
