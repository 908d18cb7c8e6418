package launch

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/valkey-io/valkey-go"
)

// valkeyURL returns the VALKEY_URL the server runs with: the last one in
// env, else the process's own.
func valkeyURL(env []string) string {
	url := os.Getenv("VALKEY_URL")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "VALKEY_URL="); ok {
			url = v
		}
	}
	return url
}

// dropKeys unlinks every key under prefix, so a run leaves nothing in a
// shared Valkey. Only this run's unique prefix is touched.
func dropKeys(url, prefix string) error {
	opt, err := valkey.ParseURL(url)
	if err != nil {
		return fmt.Errorf("launch: valkey url: %w", err)
	}
	opt.DisableCache = true
	c, err := valkey.NewClient(opt)
	if err != nil {
		return fmt.Errorf("launch: valkey: %w", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var cursor uint64
	for {
		e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
		if err != nil {
			return fmt.Errorf("launch: valkey scan: %w", err)
		}
		if len(e.Elements) > 0 {
			if err := c.Do(ctx, c.B().Unlink().Key(e.Elements...).Build()).Error(); err != nil {
				return fmt.Errorf("launch: valkey unlink: %w", err)
			}
		}
		if e.Cursor == 0 {
			return nil
		}
		cursor = e.Cursor
	}
}
