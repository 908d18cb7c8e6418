package valkeystore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/ratelimit"
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

// Backoff is a ratelimit.Backoff shared by every replica using the same
// Valkey.
type Backoff struct {
	client valkey.Client
	prefix string
}

var _ ratelimit.Backoff = (*Backoff)(nil)

// NewBackoff returns a Backoff whose keys start with prefix.
func NewBackoff(client valkey.Client, prefix string) *Backoff {
	return &Backoff{client: client, prefix: prefix + "bo:"}
}

// keys puts the counter and the lock in one hash slot, as a script on a
// cluster needs.
func (v *Backoff) keys(key string) (count, lock string) {
	base := v.prefix + "{" + key + "}"
	return base + ":n", base + ":lock"
}

// Locked implements ratelimit.Backoff.
func (v *Backoff) Locked(ctx context.Context, key string) (time.Duration, error) {
	_, lock := v.keys(key)
	ms, err := v.client.Do(ctx, v.client.B().Pttl().Key(lock).Build()).AsInt64()
	if err != nil {
		return 0, fmt.Errorf("valkeystore: backoff lock-out of %s: %w", key, err)
	}
	if ms <= 0 {
		return 0, nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Fail implements ratelimit.Backoff.
func (v *Backoff) Fail(ctx context.Context, key string, free int, base, window time.Duration) (time.Duration, error) {
	count, lock := v.keys(key)
	ms, err := failAndLock.Exec(ctx, v.client, []string{count, lock}, []string{
		strconv.Itoa(free), strconv.FormatInt(max(base.Milliseconds(), 1), 10), strconv.FormatInt(max(window.Milliseconds(), 1), 10),
	}).AsInt64()
	if err != nil {
		return 0, fmt.Errorf("valkeystore: backoff count failure of %s: %w", key, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Reset implements ratelimit.Backoff.
func (v *Backoff) Reset(ctx context.Context, key string) error {
	count, lock := v.keys(key)
	if err := v.client.Do(ctx, v.client.B().Del().Key(count, lock).Build()).Error(); err != nil {
		return fmt.Errorf("valkeystore: backoff reset %s: %w", key, err)
	}
	return nil
}
