package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/valkey-io/valkey-go"
)

// failAndLock counts a failure and sets the lock-out in one step: the
// counter lives window after the last failure, the lock its own delay
// (base doubled per failure past free, capped at window).
var failAndLock = valkey.NewLuaScript(`
local n = redis.call('INCR', KEYS[1])
local window = tonumber(ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
local over = n - tonumber(ARGV[1])
if over <= 0 then return 0 end
local lock = tonumber(ARGV[2])
for i = 2, over do
  if lock >= window then break end
  lock = lock * 2
end
if lock > window then lock = window end
redis.call('SET', KEYS[2], n, 'PX', lock)
return lock
`)

// ValkeyBackoff is a Backoff shared by every replica using the same Valkey.
type ValkeyBackoff struct {
	client valkey.Client
	prefix string
}

// NewValkeyBackoff returns a Backoff whose keys start with prefix.
func NewValkeyBackoff(client valkey.Client, prefix string) *ValkeyBackoff {
	return &ValkeyBackoff{client: client, prefix: prefix + "bo:"}
}

// keys puts the counter and the lock in one hash slot, as a script on a
// cluster needs.
func (v *ValkeyBackoff) keys(key string) (count, lock string) {
	base := v.prefix + "{" + key + "}"
	return base + ":n", base + ":lock"
}

// Locked implements Backoff.
func (v *ValkeyBackoff) Locked(ctx context.Context, key string) (time.Duration, error) {
	_, lock := v.keys(key)
	ms, err := v.client.Do(ctx, v.client.B().Pttl().Key(lock).Build()).AsInt64()
	if err != nil {
		return 0, fmt.Errorf("ratelimit: lock-out of %s: %w", key, err)
	}
	if ms <= 0 {
		return 0, nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Fail implements Backoff.
func (v *ValkeyBackoff) Fail(ctx context.Context, key string, free int, base, window time.Duration) (time.Duration, error) {
	count, lock := v.keys(key)
	ms, err := failAndLock.Exec(ctx, v.client, []string{count, lock}, []string{
		strconv.Itoa(free), strconv.FormatInt(max(base.Milliseconds(), 1), 10), strconv.FormatInt(max(window.Milliseconds(), 1), 10),
	}).AsInt64()
	if err != nil {
		return 0, fmt.Errorf("ratelimit: count failure of %s: %w", key, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Reset implements Backoff.
func (v *ValkeyBackoff) Reset(ctx context.Context, key string) error {
	count, lock := v.keys(key)
	if err := v.client.Do(ctx, v.client.B().Del().Key(count, lock).Build()).Error(); err != nil {
		return fmt.Errorf("ratelimit: reset %s: %w", key, err)
	}
	return nil
}
