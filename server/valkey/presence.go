package valkey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	vk "github.com/valkey-io/valkey-go"
)

// Presence counts live connections per user across replicas. Each user has
// a sorted set of the replicas holding one of their connections, scored by
// when that claim expires (Valkey's clock); every replica refreshes its
// claims, so the users of a replica that dies go offline one TTL later. A
// second sorted set indexes users by their latest expiry so that some
// replica notices and announces them.
type Presence struct {
	client  vk.Client
	prefix  string
	log     *slog.Logger
	replica string
	ttl     time.Duration

	mu    sync.Mutex
	local map[int64]struct{}
}

// DefaultPresenceTTL is how long a replica's claim lives without refresh.
const DefaultPresenceTTL = 30 * time.Second

// NewPresence returns a presence over client. ttl <= 0 means
// DefaultPresenceTTL; claims are refreshed every ttl/3.
func NewPresence(client vk.Client, prefix string, ttl time.Duration, log *slog.Logger) *Presence {
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
		local:   make(map[int64]struct{}),
	}
}

func (p *Presence) userKey(id int64) string {
	return p.prefix + "presence:u:" + strconv.FormatInt(id, 10)
}

func (p *Presence) indexKey() string { return p.prefix + "presence:index" }

func nowMS() string {
	return "local t = redis.call('TIME'); local now = t[1]*1000 + math.floor(t[2]/1000)\n"
}

// KEYS: user set, index. ARGV: replica, ttl ms, user id. Returns the number
// of live replicas holding the user after adding this one.
var connectScript = vk.NewLuaScript(nowMS() + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'GT', now + ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[2] * 4)
return redis.call('ZCARD', KEYS[1])`)

// KEYS: user set, index. ARGV: replica, user id. Returns the number of live
// replicas still holding the user.
var disconnectScript = vk.NewLuaScript(nowMS() + `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
return n`)

// KEYS: user sets. Returns for each how many live replicas hold the user.
var onlineScript = vk.NewLuaScriptReadOnly(nowMS() + `
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', k, '(' .. now, '+inf') end
return out`)

// KEYS: index. ARGV: prefix of user sets. Removes and returns the users
// whose every claim has expired; only one replica gets each.
var sweepScript = vk.NewLuaScript(nowMS() + `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 500)
local gone = {}
for _, id in ipairs(ids) do
  local k = ARGV[1] .. id
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
  if redis.call('ZCARD', k) == 0 then
    redis.call('ZREM', KEYS[1], id)
    gone[#gone + 1] = id
  end
end
return gone`)

// Connect claims userID for this replica; first says no other replica had.
func (p *Presence) Connect(ctx context.Context, userID int64) (bool, error) {
	p.mu.Lock()
	p.local[userID] = struct{}{}
	p.mu.Unlock()
	id := strconv.FormatInt(userID, 10)
	n, err := connectScript.Exec(ctx, p.client,
		[]string{p.userKey(userID), p.indexKey()},
		[]string{p.replica, strconv.FormatInt(p.ttl.Milliseconds(), 10), id}).AsInt64()
	if err != nil {
		return false, fmt.Errorf("valkey: presence connect: %w", err)
	}
	return n == 1, nil
}

// Disconnect drops this replica's claim; last says no replica holds one.
func (p *Presence) Disconnect(ctx context.Context, userID int64) (bool, error) {
	p.mu.Lock()
	delete(p.local, userID)
	p.mu.Unlock()
	n, err := disconnectScript.Exec(ctx, p.client,
		[]string{p.userKey(userID), p.indexKey()},
		[]string{p.replica, strconv.FormatInt(userID, 10)}).AsInt64()
	if err != nil {
		return false, fmt.Errorf("valkey: presence disconnect: %w", err)
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
		return nil, fmt.Errorf("valkey: presence online: %w", err)
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
			p.log.Warn("valkey: presence refresh", "err", err)
		}
		ids, err := p.sweep(ctx)
		if err != nil {
			if ctx.Err() == nil {
				p.log.Warn("valkey: presence sweep", "err", err)
			}
			continue
		}
		for _, id := range ids {
			gone(id)
		}
	}
}

// refresh renews this replica's claim on each of its users, in pipelined
// batches.
func (p *Presence) refresh(ctx context.Context) error {
	p.mu.Lock()
	ids := make([]int64, 0, len(p.local))
	for id := range p.local {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	ttl := strconv.FormatInt(p.ttl.Milliseconds(), 10)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		execs := make([]vk.LuaExec, n)
		for i, id := range ids[:n] {
			execs[i] = vk.LuaExec{
				Keys: []string{p.userKey(id), p.indexKey()},
				Args: []string{p.replica, ttl, strconv.FormatInt(id, 10)},
			}
		}
		for _, r := range connectScript.ExecMulti(ctx, p.client, execs...) {
			if err := r.Error(); err != nil {
				return fmt.Errorf("valkey: presence refresh: %w", err)
			}
		}
		// A user who disconnected while the batch was in flight must not
		// keep the claim it just renewed.
		for _, id := range ids[:n] {
			p.mu.Lock()
			_, still := p.local[id]
			p.mu.Unlock()
			if !still {
				if _, err := p.Disconnect(ctx, id); err != nil {
					return err
				}
			}
		}
		ids = ids[n:]
	}
	return nil
}

func (p *Presence) sweep(ctx context.Context) ([]int64, error) {
	vals, err := sweepScript.Exec(ctx, p.client, []string{p.indexKey()}, []string{p.prefix + "presence:u:"}).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("valkey: presence sweep: %w", err)
	}
	ids := make([]int64, 0, len(vals))
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
