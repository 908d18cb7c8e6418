package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"
)

// incrWindow increments the key and starts its window on the first hit, in
// one step, and answers the count and the window's remaining milliseconds.
var incrWindow = valkey.NewLuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`)

// Valkey is a Limiter shared by every replica using the same Valkey.
type Valkey struct {
	client valkey.Client
	prefix string
}

// NewValkey returns a limiter whose keys start with prefix.
func NewValkey(client valkey.Client, prefix string) *Valkey {
	return &Valkey{client: client, prefix: prefix + "rl:"}
}

// Allow implements Limiter.
func (v *Valkey) Allow(ctx context.Context, key string, limit int, win time.Duration) (bool, time.Duration, error) {
	res, err := incrWindow.Exec(ctx, v.client, []string{v.prefix + key}, []string{fmt.Sprint(win.Milliseconds())}).ToArray()
	if err != nil {
		return true, 0, fmt.Errorf("ratelimit: count %s: %w", key, err)
	}
	if len(res) != 2 {
		return true, 0, fmt.Errorf("ratelimit: count %s: unexpected reply", key)
	}
	n, err := res[0].AsInt64()
	if err != nil {
		return true, 0, fmt.Errorf("ratelimit: count %s: %w", key, err)
	}
	ttl, _ := res[1].AsInt64()
	if n > int64(limit) {
		return false, time.Duration(max(ttl, 1)) * time.Millisecond, nil
	}
	return true, 0, nil
}
