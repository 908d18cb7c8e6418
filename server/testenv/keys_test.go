package testenv_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/testenv"
)

func TestDropKeys(t *testing.T) {
	url := os.Getenv("VALKEY_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opt, err := valkey.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opt.DisableCache = true
	c, err := valkey.NewClient(opt)
	if err != nil {
		t.Fatalf("valkey at %s: %v", url, err)
	}
	defer c.Close()
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "launch-test-" + hex.EncodeToString(b) + ":"
	keep := prefix[:len(prefix)-1] + "-other:k"
	t.Cleanup(func() { c.Do(ctx, c.B().Del().Key(keep).Build()) })
	for _, k := range []string{prefix + "a", prefix + "b:c", prefix + "d", keep} {
		if err := c.Do(ctx, c.B().Set().Key(k).Value("1").Build()).Error(); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("OK", func(t *testing.T) {
		if err := testenv.DropKeys(ctx, url, prefix); err != nil {
			t.Fatal(err)
		}
		n, err := c.Do(ctx, c.B().Exists().Key(prefix+"a", prefix+"b:c", prefix+"d").Build()).AsInt64()
		if err != nil || n != 0 {
			t.Fatalf("%d keys under the prefix remain (%v), want 0", n, err)
		}
		n, err = c.Do(ctx, c.B().Exists().Key(keep).Build()).AsInt64()
		if err != nil || n != 1 {
			t.Fatalf("a key outside the prefix was dropped (%v)", err)
		}
	})
	t.Run("ErrBadURL", func(t *testing.T) {
		if err := testenv.DropKeys(ctx, "nope://", prefix); err == nil {
			t.Fatal("a bad URL was accepted")
		}
	})
}
