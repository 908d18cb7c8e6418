package valkeystore

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/ratelimit"
)

// incrWindow increments the key and starts its window on the first hit, in
// one step, and answers the count and the window's remaining milliseconds.
var incrWindow = valkey.NewLuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`)

// Limiter is a ratelimit.Limiter shared by every replica using the same
// Valkey. Its counter is one atomic script, so a limit holds across every
// replica instead of per process (Fiber's limiter does get, increment and
// set separately, which replicas race through).
type Limiter struct {
	client valkey.Client
	prefix string
}

var _ ratelimit.Limiter = (*Limiter)(nil)

// NewLimiter returns a limiter whose keys start with prefix.
func NewLimiter(client valkey.Client, prefix string) *Limiter {
	return &Limiter{client: client, prefix: prefix + "rl:"}
}

// Allow implements ratelimit.Limiter.
func (v *Limiter) Allow(ctx context.Context, key string, limit int, win time.Duration) (bool, time.Duration, error) {
	res, err := incrWindow.Exec(ctx, v.client, []string{v.prefix + key}, []string{fmt.Sprint(win.Milliseconds())}).ToArray()
	if err != nil {
		return true, 0, fmt.Errorf("valkeystore: limiter count %s: %w", key, err)
	}
	if len(res) != 2 {
		return true, 0, fmt.Errorf("valkeystore: limiter count %s: unexpected reply", key)
	}
	n, err := res[0].AsInt64()
	if err != nil {
		return true, 0, fmt.Errorf("valkeystore: limiter count %s: %w", key, err)
	}
	ttl, _ := res[1].AsInt64()
	if n > int64(limit) {
		return false, time.Duration(max(ttl, 1)) * time.Millisecond, nil
	}
	return true, 0, nil
}
