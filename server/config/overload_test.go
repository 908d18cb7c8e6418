package config_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/config"
)

func TestLoadOverload(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := config.Load(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		o := c.Overload
		n := max(1, runtime.GOMAXPROCS(0)/2)
		if o.HashWorkers != n || o.HashQueue != 8*n || o.HashWait != time.Second {
			t.Errorf("hashing defaults %+v; want %d workers, queue %d, wait 1s", o, n, 8*n)
		}
		if o.WSConnectSlots != 16 || o.WSConnectQueue != 512 || o.WSConnectWait != 5*time.Second || o.RequestTimeout != 5*time.Second {
			t.Errorf("defaults %+v", o)
		}
	})
	t.Run("OKValues", func(t *testing.T) {
		c, err := config.Load(env(map[string]string{
			"PARLEY_HASH_WORKERS": "3", "PARLEY_HASH_WAIT": "250ms",
			"PARLEY_WS_CONNECT_SLOTS": "8", "PARLEY_WS_CONNECT_QUEUE": "0", "PARLEY_REQUEST_TIMEOUT": "2s",
		}))
		if err != nil {
			t.Fatal(err)
		}
		o := c.Overload
		if o.HashWorkers != 3 || o.HashQueue != 24 || o.HashWait != 250*time.Millisecond || o.WSConnectSlots != 8 || o.RequestTimeout != 2*time.Second {
			t.Errorf("values %+v", o)
		}
		if h := o.Hashing(); h.Workers != 3 || h.Queue != 24 {
			t.Errorf("hashing %+v", h)
		}
		if got := o.WSConnectQueueOption(); got >= 0 {
			t.Errorf("a connect queue of 0 gives the hub %d; want a negative (nobody waits)", got)
		}
	})
	t.Run("ErrBadValues", func(t *testing.T) {
		for _, c := range []struct{ name, value string }{
			{"PARLEY_HASH_WORKERS", "0"},
			{"PARLEY_HASH_QUEUE", "-1"},
			{"PARLEY_HASH_WAIT", "0s"},
			{"PARLEY_WS_CONNECT_SLOTS", "0"},
			{"PARLEY_WS_CONNECT_WAIT", "2h"},
			{"PARLEY_REQUEST_TIMEOUT", "1ms"},
		} {
			_, err := config.Load(env(map[string]string{c.name: c.value}))
			if err == nil || !strings.Contains(err.Error(), c.name) {
				t.Errorf("%s=%q: err = %v; want an error naming it", c.name, c.value, err)
			}
		}
	})
}
