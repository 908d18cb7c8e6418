package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != config.DefaultDatabaseURL || c.ValkeyURL != "" || c.KeyPrefix != "parley:" {
		t.Errorf("defaults %+v", c)
	}
	if c.BodyLimit != 64<<10 || c.WSPingInterval != 25*time.Second || c.WSPongTimeout != 60*time.Second || c.WSReadLimit != 16<<10 || !c.Cache {
		t.Errorf("defaults %+v", c)
	}
}

func TestLoadValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"PARLEY_ADDR":            "0.0.0.0:9000",
		"VALKEY_URL":             "redis://127.0.0.1:6379/0",
		"PARLEY_ALLOWED_ORIGINS": "https://a.example, https://b.example/",
		"PARLEY_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8",
		"PARLEY_DB_MAX_OPEN":     "7",
		"PARLEY_DB_MAX_IDLE":     "7",
		"PARLEY_DB_REPLICA_POLL": "50ms",
		"PARLEY_CACHE":           "off",
		"PARLEY_LOG_LEVEL":       "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DBMaxOpen != 7 || c.DBReplicaPoll != 50*time.Millisecond || c.DBReplicaMaxLag != 5*time.Second || c.Cache || len(c.TrustedProxies) != 2 {
		t.Errorf("values %+v", c)
	}
	if got := strings.Join(c.AllowedOrigins, " "); got != "https://a.example https://b.example" {
		t.Errorf("origins %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct{ name, value string }{
		{"PARLEY_ADDR", "no-port"},
		{"DATABASE_URL", "mysql://x"},
		{"DATABASE_READ_URL", "http://x"},
		{"VALKEY_URL", "http://x"},
		{"PARLEY_ALLOWED_ORIGINS", "not an origin"},
		{"PARLEY_TRUSTED_PROXIES", "nginx"},
		{"PARLEY_DB_MAX_OPEN", "0"},
		{"PARLEY_DB_MAX_IDLE", "x"},
		{"PARLEY_DB_REPLICA_POLL", "1ms"},
		{"PARLEY_DB_REPLICA_MAX_LAG", "2h"},
		{"PARLEY_BODY_LIMIT", "-5"},
		{"PARLEY_WS_PING_INTERVAL", "soon"},
		{"PARLEY_WS_PONG_TIMEOUT", "1s"},
		{"PARLEY_WS_COMPRESSION", "maybe"},
		{"PARLEY_CACHE", "sometimes"},
		{"PARLEY_LOG_LEVEL", "loud"},
		{"PARLEY_WS_SEND_RATE", "fast"},
	}
	for _, c := range cases {
		_, err := config.Load(env(map[string]string{c.name: c.value}))
		if err == nil {
			t.Errorf("%s=%q: no error", c.name, c.value)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.name+":") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%q: error %q does not name the variable on one line", c.name, c.value, err)
		}
	}
}

func TestSendLimitAndPruning(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := config.Load(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.SendRate != 30 || c.SendWindow != 10*time.Second || c.SessionPruneInterval != time.Hour {
			t.Errorf("send %d per %s, prune every %s", c.SendRate, c.SendWindow, c.SessionPruneInterval)
		}
	})
	t.Run("OKOff", func(t *testing.T) {
		c, err := config.Load(env(map[string]string{"PARLEY_SEND_RATE": "0"}))
		if err != nil || c.SendRate != 0 {
			t.Fatalf("config %+v, %v; want the send limit off", c, err)
		}
	})
	for _, bad := range []struct{ name, value string }{
		{"PARLEY_SEND_RATE", "-1"},
		{"PARLEY_SEND_RATE", "lots"},
		{"PARLEY_SEND_WINDOW", "10ms"},
		{"PARLEY_SEND_WINDOW", "2h"},
		{"PARLEY_SESSION_PRUNE_INTERVAL", "1s"},
		{"PARLEY_SESSION_PRUNE_INTERVAL", "0"},
	} {
		t.Run("Err"+bad.name, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{bad.name: bad.value}))
			if err == nil || !strings.Contains(err.Error(), bad.name) {
				t.Fatalf("%s=%q: err = %v; want one naming the variable", bad.name, bad.value, err)
			}
		})
	}
}

func TestSocketLimits(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := config.Load(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.WSMaxSocketsPerUser != 20 || c.WSRecheckInterval != 30*time.Second {
			t.Errorf("cap %d, recheck every %s", c.WSMaxSocketsPerUser, c.WSRecheckInterval)
		}
	})
	for _, bad := range []struct{ name, value string }{
		{"PARLEY_WS_MAX_SOCKETS_PER_USER", "-1"},
		{"PARLEY_WS_MAX_SOCKETS_PER_USER", "many"},
		{"PARLEY_WS_RECHECK_INTERVAL", "10ms"},
		{"PARLEY_WS_RECHECK_INTERVAL", "2h"},
	} {
		t.Run("Err"+bad.name+bad.value, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{bad.name: bad.value}))
			if err == nil || !strings.Contains(err.Error(), bad.name) {
				t.Fatalf("%s=%q: err = %v; want one naming the variable", bad.name, bad.value, err)
			}
		})
	}
}

func TestCacheSizes(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := config.Load(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.CacheLocalBytes != 32<<20 || c.CacheMemoryBytes != 64<<20 || c.ValkeyClientCacheBytes != 32<<20 {
			t.Errorf("local %d, memory %d, client %d", c.CacheLocalBytes, c.CacheMemoryBytes, c.ValkeyClientCacheBytes)
		}
	})
	t.Run("OKSet", func(t *testing.T) {
		c, err := config.Load(env(map[string]string{"PARLEY_CACHE_LOCAL_BYTES": "0", "PARLEY_VALKEY_CLIENT_CACHE_BYTES": "4194304"}))
		if err != nil || c.CacheLocalBytes != 0 || c.ValkeyClientCacheBytes != 4<<20 {
			t.Fatalf("config %+v, %v", c, err)
		}
	})
	for _, bad := range []struct{ name, value string }{
		{"PARLEY_CACHE_LOCAL_BYTES", "-1"},
		{"PARLEY_CACHE_MEMORY_BYTES", "1024"},
		{"PARLEY_VALKEY_CLIENT_CACHE_BYTES", "lots"},
	} {
		t.Run("Err"+bad.name, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{bad.name: bad.value}))
			if err == nil || !strings.Contains(err.Error(), bad.name) {
				t.Fatalf("%s=%q: err = %v; want one naming the variable", bad.name, bad.value, err)
			}
		})
	}
}
