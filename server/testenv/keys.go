package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/valkey-io/valkey-go"
)

// RedisAddr is the shared Redis/Valkey the tests use. Each test works under
// its own key prefix and removes its keys when it ends; a test that stops
// or restarts a server starts a private one (StartRedis) instead.
const RedisAddr = "127.0.0.1:6379"

// Prefix returns a key prefix unique to this test, after checking that the
// server at addr answers, and deletes every key under it when the test
// ends.
func Prefix(tb testing.TB, addr string) string {
	tb.Helper()
	c, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	if err != nil {
		tb.Fatalf("testenv: valkey at %s: %v", addr, err)
	}
	c.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "parleytest:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		c, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{addr}, DisableCache: true})
		if err != nil {
			return // a private server already stopped took its keys with it
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := dropKeys(ctx, c, prefix); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return prefix
}

// DropKeys unlinks every key under prefix on the server at url (a redis://
// URL), so a run leaves nothing in a shared server. Only keys under the
// prefix are touched.
func DropKeys(ctx context.Context, url, prefix string) error {
	opt, err := valkey.ParseURL(url)
	if err != nil {
		return fmt.Errorf("testenv: valkey url: %w", err)
	}
	opt.DisableCache = true
	c, err := valkey.NewClient(opt)
	if err != nil {
		return fmt.Errorf("testenv: valkey: %w", err)
	}
	defer c.Close()
	return dropKeys(ctx, c, prefix)
}

func dropKeys(ctx context.Context, c valkey.Client, prefix string) error {
	var cursor uint64
	for {
		e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
		if err != nil {
			return fmt.Errorf("testenv: valkey scan %s*: %w", prefix, err)
		}
		if len(e.Elements) > 0 {
			if err := c.Do(ctx, c.B().Unlink().Key(e.Elements...).Build()).Error(); err != nil {
				return fmt.Errorf("testenv: valkey unlink: %w", err)
			}
		}
		if cursor = e.Cursor; cursor == 0 {
			return nil
		}
	}
}
