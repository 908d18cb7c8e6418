package valkeystore

import (
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/parleychat/parley/server/cache"
)

const (
	tableShards = 64
	// tableShardMax bounds each shard; a full shard is emptied, which only
	// costs its keys one read from Valkey each.
	tableShardMax = 1 << 14
)

// versionTable is a replica's copy of the version keys it has read or
// bumped, each with the stamp it was copied under. A stale mark (v == 0)
// says the next read must ask Valkey itself, whatever copies valkey-go
// holds: it is set when this replica learns of a change by another path
// (a message from the broker) before the invalidation has arrived.
type versionTable struct {
	seed   maphash.Seed
	marks  atomic.Uint64
	shards [tableShards]struct {
		mu sync.RWMutex
		m  map[string]tableEntry
	}
}

type tableEntry struct {
	v    cache.Version // 0: a stale mark
	mark uint64        // which mark, for a stale mark
	at   stamp
}

func newVersionTable() *versionTable {
	t := &versionTable{seed: maphash.MakeSeed()}
	for i := range t.shards {
		t.shards[i].m = make(map[string]tableEntry)
	}
	return t
}

func (t *versionTable) shard(key string) int {
	return int(maphash.String(t.seed, key) % tableShards)
}

func (t *versionTable) get(key string) (tableEntry, bool) {
	s := &t.shards[t.shard(key)]
	s.mu.RLock()
	e, ok := s.m[key]
	s.mu.RUnlock()
	return e, ok
}

// put stores e under key; with keepMarks, a stale mark of the current
// epoch is left alone, since what was read may predate the change it
// stands for.
func (t *versionTable) put(key string, e tableEntry, keepMarks bool, epoch uint64) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[key]; keepMarks && ok && old.v == 0 && old.at.epoch == epoch {
		return
	}
	if len(s.m) >= tableShardMax {
		dropCopies(s.m)
	}
	s.m[key] = e
}

// replaceMark stores e under key only if mark is still the one there: a
// newer mark stands for a change that the read may not have seen.
func (t *versionTable) replaceMark(key string, mark uint64, e tableEntry) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[key]; ok && old.v == 0 && old.mark == mark {
		s.m[key] = e
	}
}

// markStale makes the next read of key ask Valkey.
func (t *versionTable) markStale(key string, epoch uint64) {
	s := &t.shards[t.shard(key)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= tableShardMax {
		dropCopies(s.m)
	}
	s.m[key] = tableEntry{mark: t.marks.Add(1), at: stamp{epoch: epoch}}
}

// dropCopies empties a full shard but keeps its stale marks: losing one
// could let a read trust a copy valkey-go has not yet been told is old.
// Marks are few: each lasts until the next read of its key.
func dropCopies(m map[string]tableEntry) {
	for k, e := range m {
		if e.v != 0 {
			delete(m, k)
		}
	}
}
