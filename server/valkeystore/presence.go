package valkeystore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/valkey-io/valkey-go"
)

// Presence counts live connections per user across replicas. Each user has
// a sorted set of the replicas holding one of their connections, scored by
// when that claim expires (Valkey's clock), and a hash of how many
// connections each of those replicas holds; every replica refreshes its
// claims and counts, so the users of a replica that dies go offline one TTL
// later and its connections stop counting against the cap. A third sorted
// set indexes users by their latest expiry so that some replica notices and
// announces them.
type Presence struct {
	client  valkey.Client
	prefix  string
	log     *slog.Logger
	replica string
	ttl     time.Duration

	mu sync.Mutex
	// local is this replica's own count of each user's connections: the
	// truth that every script call writes back to Valkey.
	local map[int64]int
}

// DefaultPresenceTTL is how long a replica's claim lives without refresh.
const DefaultPresenceTTL = 30 * time.Second

// NewPresence returns a presence over client. ttl <= 0 means
// DefaultPresenceTTL; claims are refreshed every ttl/3.
func NewPresence(client valkey.Client, prefix string, ttl time.Duration, log *slog.Logger) *Presence {
	if log == nil {
		log = slog.Default()
	}
	if ttl <= 0 {
		ttl = DefaultPresenceTTL
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Presence{
		client:  client,
		prefix:  prefix,
		log:     log,
		replica: hex.EncodeToString(b[:]),
		ttl:     ttl,
		local:   make(map[int64]int),
	}
}

func (p *Presence) userKey(id int64) string {
	return p.prefix + "presence:u:" + strconv.FormatInt(id, 10)
}

func (p *Presence) countKey(id int64) string {
	return p.prefix + "presence:n:" + strconv.FormatInt(id, 10)
}

func (p *Presence) keys(id int64) []string {
	return []string{p.userKey(id), p.countKey(id), p.indexKey()}
}

func (p *Presence) indexKey() string { return p.prefix + "presence:index" }

func nowMS() string {
	return "local t = redis.call('TIME'); local now = t[1]*1000 + math.floor(t[2]/1000)\n"
}

// others drops expired claims (and their counts) and sums the connections
// of the live replicas other than ARGV[1].
const othersLua = `
for _, r in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do redis.call('HDEL', KEYS[2], r) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local others = 0
for _, r in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if r ~= ARGV[1] then others = others + math.max(0, tonumber(redis.call('HGET', KEYS[2], r) or '0')) end
end
`

// claimLua records ARGV[4] connections of this replica.
const claimLua = `
redis.call('ZADD', KEYS[1], now + ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'GT', now + ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[2] * 4)
`

// KEYS: user set, counts, index. ARGV: replica, ttl ms, user id, this
// replica's connections including the new one, cap (0: none). Returns -1
// when the cap is reached (nothing recorded), else the other replicas'
// connections.
var connectScript = valkey.NewLuaScript(nowMS() + othersLua + `
local limit = tonumber(ARGV[5])
if limit > 0 and others + tonumber(ARGV[4]) > limit then return -1 end
` + claimLua + `
return others`)

// KEYS and ARGV as connectScript's, without a cap: renews the claim.
var refreshScript = valkey.NewLuaScript(nowMS() + claimLua + `return 1`)

// KEYS: user set, counts, index. ARGV: replica, ttl ms, user id, this
// replica's connections left. Returns the number of live replicas still
// holding the user.
var disconnectScript = valkey.NewLuaScript(nowMS() + `
if tonumber(ARGV[4]) <= 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
elseif redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
end
for _, r in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do redis.call('HDEL', KEYS[2], r) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('DEL', KEYS[2])
end
return n`)

// KEYS: user sets. Returns for each how many live replicas hold the user.
var onlineScript = valkey.NewLuaScriptReadOnly(nowMS() + `
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', k, '(' .. now, '+inf') end
return out`)

// KEYS: index. ARGV: prefix of user sets, prefix of count hashes. Removes
// and returns the users whose every claim has expired; only one replica
// gets each.
var sweepScript = valkey.NewLuaScript(nowMS() + `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 500)
local gone = {}
for _, id in ipairs(ids) do
  local k = ARGV[1] .. id
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
  if redis.call('ZCARD', k) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', ARGV[2] .. id)
    gone[#gone + 1] = id
  end
end
return gone`)

// Connect records one more connection of userID on this replica unless the
// user already holds limit connections across the cluster (limit <= 0: no
// cap): then ok is false and nothing is recorded. first says no replica
// held the user before. When Valkey does not answer, the connection is
// counted here (ok, with the error) and published by the next refresh: an
// outage must not lock everyone out.
func (p *Presence) Connect(ctx context.Context, userID int64, limit int) (first, ok bool, err error) {
	p.mu.Lock()
	n := p.local[userID] + 1
	if limit > 0 && n > limit {
		p.mu.Unlock()
		return false, false, nil
	}
	p.local[userID] = n
	p.mu.Unlock()
	others, err := connectScript.Exec(ctx, p.client, p.keys(userID), []string{
		p.replica, strconv.FormatInt(p.ttl.Milliseconds(), 10), strconv.FormatInt(userID, 10),
		strconv.Itoa(n), strconv.Itoa(max(limit, 0)),
	}).AsInt64()
	if err != nil {
		return false, true, fmt.Errorf("valkeystore: presence connect: %w", err)
	}
	if others < 0 {
		p.release(userID)
		return false, false, nil
	}
	return others == 0 && n == 1, true, nil
}

// release gives back a connection counted locally, returning what is left.
func (p *Presence) release(userID int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.local[userID] - 1
	if n <= 0 {
		delete(p.local, userID)
		return 0
	}
	p.local[userID] = n
	return n
}

// Disconnect records that one connection of userID on this replica ended;
// last says no replica holds the user any more.
func (p *Presence) Disconnect(ctx context.Context, userID int64) (bool, error) {
	return p.drop(ctx, userID, p.release(userID))
}

// drop writes this replica's remaining count of userID to Valkey.
func (p *Presence) drop(ctx context.Context, userID int64, left int) (bool, error) {
	n, err := disconnectScript.Exec(ctx, p.client, p.keys(userID), []string{
		p.replica, strconv.FormatInt(p.ttl.Milliseconds(), 10), strconv.FormatInt(userID, 10), strconv.Itoa(left),
	}).AsInt64()
	if err != nil {
		return false, fmt.Errorf("valkeystore: presence disconnect: %w", err)
	}
	return n == 0, nil
}

// Online tells which of userIDs some live replica holds.
func (p *Presence) Online(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	keys := make([]string, len(userIDs))
	for i, id := range userIDs {
		keys[i] = p.userKey(id)
	}
	counts, err := onlineScript.Exec(ctx, p.client, keys, nil).AsIntSlice()
	if err != nil {
		return nil, fmt.Errorf("valkeystore: presence online: %w", err)
	}
	for i, id := range userIDs {
		out[id] = i < len(counts) && counts[i] > 0
	}
	return out, nil
}

// Run refreshes this replica's claims every ttl/3 and reports users whose
// claims all expired (a replica died) to gone, until ctx ends.
func (p *Presence) Run(ctx context.Context, gone func(userID int64)) error {
	t := time.NewTicker(p.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := p.refresh(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("valkeystore: presence refresh", "err", err)
		}
		ids, err := p.sweep(ctx)
		if err != nil {
			if ctx.Err() == nil {
				p.log.Warn("valkeystore: presence sweep", "err", err)
			}
			continue
		}
		for _, id := range ids {
			gone(id)
		}
	}
}

// refresh renews this replica's claim and count of each of its users, in
// pipelined batches.
func (p *Presence) refresh(ctx context.Context) error {
	p.mu.Lock()
	ids := make([]int64, 0, len(p.local))
	counts := make([]int, 0, len(p.local))
	for id, n := range p.local {
		ids = append(ids, id)
		counts = append(counts, n)
	}
	p.mu.Unlock()
	ttl := strconv.FormatInt(p.ttl.Milliseconds(), 10)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		execs := make([]valkey.LuaExec, n)
		for i, id := range ids[:n] {
			execs[i] = valkey.LuaExec{
				Keys: p.keys(id),
				Args: []string{p.replica, ttl, strconv.FormatInt(id, 10), strconv.Itoa(counts[i])},
			}
		}
		for _, r := range refreshScript.ExecMulti(ctx, p.client, execs...) {
			if err := r.Error(); err != nil {
				return fmt.Errorf("valkeystore: presence refresh: %w", err)
			}
		}
		// A count that changed while the batch was in flight is written
		// again, so that the refresh cannot undo a disconnect.
		for i, id := range ids[:n] {
			p.mu.Lock()
			now := p.local[id]
			p.mu.Unlock()
			if now != counts[i] {
				if _, err := p.drop(ctx, id, now); err != nil {
					return err
				}
			}
		}
		ids, counts = ids[n:], counts[n:]
	}
	return nil
}

func (p *Presence) sweep(ctx context.Context) ([]int64, error) {
	vals, err := sweepScript.Exec(ctx, p.client, []string{p.indexKey()}, []string{p.prefix + "presence:u:", p.prefix + "presence:n:"}).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("valkeystore: presence sweep: %w", err)
	}
	ids := make([]int64, 0, len(vals))
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
