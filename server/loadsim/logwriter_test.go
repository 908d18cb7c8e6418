package loadsim_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/loadsim"
)

// TestConfigLog checks that the writer Run prints to may be shared by every
// goroutine of the simulator although the one given is not safe for
// concurrent use: under -race a shared bytes.Buffer would be reported, and
// interleaved writes would break lines.
func TestConfigLog(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var buf bytes.Buffer
		cfg := loadsim.Defaults()
		cfg.Target, cfg.Log = "http://127.0.0.1:8080", &buf
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		const writers, lines = 8, 200
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range lines {
					fmt.Fprintf(cfg.Log, "writer %d line %d %s\n", w, i, strings.Repeat("x", 64))
				}
			}()
		}
		wg.Wait()
		got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(got) != writers*lines {
			t.Fatalf("%d lines, want %d", len(got), writers*lines)
		}
		for _, l := range got {
			var w, i int
			var rest string
			if n, _ := fmt.Sscanf(l, "writer %d line %d %s", &w, &i, &rest); n != 3 || len(rest) != 64 {
				t.Fatalf("broken line %q", l)
			}
		}
	})
}
