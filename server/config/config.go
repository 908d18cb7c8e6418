// Package config reads Parley's settings from the environment into a typed
// struct with defaults, and rejects bad values with a message that names the
// variable, so a misconfigured replica stops at start-up instead of at 3 a.m.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/monitor"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/valkeystore"
	"github.com/parleychat/parley/server/web"
)

// Config is every setting of a parley process.
type Config struct {
	Addr            string
	Instance        string
	DatabaseURL     string
	DatabaseReadURL string
	ValkeyURL       string
	KeyPrefix       string
	AllowedOrigins  []string
	TrustedProxies  []string
	// Admins are the usernames (lower case) that may see the operators'
	// dashboard.
	Admins   []string
	LogLevel slog.Level

	DBMaxOpen         int
	DBMaxIdle         int
	DBConnMaxLifetime time.Duration
	DBConnMaxIdleTime time.Duration
	// DBReplicaPoll is how often the read replica's replay is sampled;
	// DBReplicaMaxLag is the lag past which it serves no reads.
	DBReplicaPoll    time.Duration
	DBReplicaMaxLag  time.Duration
	GroupCommitBatch int
	GroupCommitters  int
	// CommitQueue bounds the sends waiting for each committer; a send past
	// it is refused with rate_limited.
	CommitQueue int

	BodyLimit       int
	ShutdownTimeout time.Duration
	SessionTTL      time.Duration
	Argon2MemoryKiB int
	Argon2Time      int
	// AuthRate is how many sign-ins one client address may attempt per
	// minute; 0 turns the limit off.
	AuthRate int
	// Abuse limits per client address (docs/operations.md); 0 turns one
	// off. SignInFailures failed sign-ins per username (four times as many
	// per address) start a lock-out that doubles up to SignInMaxDelay.
	RegisterRate   int
	SignInFailures int
	SignInMaxDelay time.Duration
	AnonRate       int
	FormRate       int
	// SendRate is how many messages one user may send per SendWindow, over
	// HTTP and the WebSocket together, on every replica; 0 turns it off.
	SendRate   int
	SendWindow time.Duration
	// SessionPruneInterval is how often expired sessions are deleted.
	SessionPruneInterval time.Duration

	WSPingInterval         time.Duration
	WSPongTimeout          time.Duration
	WSWriteTimeout         time.Duration
	WSReadLimit            int
	WSQueueSize            int
	WSCompression          bool
	WSCompressionThreshold int
	WSSendRate             float64
	WSSendBurst            int
	// WSMaxSocketsPerUser caps one user's live sockets across the cluster;
	// 0 means no cap.
	WSMaxSocketsPerUser int
	// WSRecheckInterval is how often each socket's session and memberships
	// are checked again, in case the event that ended them was lost.
	WSRecheckInterval time.Duration
	// WSPresenceInterval is how long presence changes are collected
	// before one frame per room carries them.
	WSPresenceInterval time.Duration

	Cache bool
	// CacheLocalBytes bounds the decoded answers kept in process (0: none);
	// CacheMemoryBytes the in-process cache without Valkey;
	// ValkeyClientCacheBytes the client-side cache of each Valkey
	// connection.
	CacheLocalBytes        int
	CacheMemoryBytes       int
	ValkeyClientCacheBytes int
	CacheStrict            bool
	CacheTTLPublic         time.Duration
	CacheTTLRoom           time.Duration
	CacheTTLMember         time.Duration
	CacheTTLUser           time.Duration
	CacheTTLPage           time.Duration
	CacheTTLHistory        time.Duration
	CacheTTLSession        time.Duration

	// AdminAddr is the operators' listener (pprof and /metrics); empty
	// turns it off.
	AdminAddr string
	// MemoryWarn is the memory level that logs a warning; zero: never.
	MemoryWarn monitor.Threshold
	// Overload bounds the work admitted at once and every wait.
	Overload Overload
}

// DefaultDatabaseURL is the local PostgreSQL's database "parley".
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/parley?sslmode=disable"

// DefaultAdminAddr keeps pprof and the admin /metrics on loopback.
const DefaultAdminAddr = "127.0.0.1:9090"

// Load reads the configuration from getenv (os.Getenv in production).
// Where a package has its own default, that default is the one used here,
// so the two cannot drift apart; the rest are Parley's deployment choices.
func Load(getenv func(string) string) (*Config, error) {
	r := reader{getenv: getenv}
	host, _ := os.Hostname()
	ws := hub.DefaultOptions()
	ttl := cache.DefaultTTLs
	pw := app.DefaultPasswordParams
	c := &Config{
		Addr:            r.str("PARLEY_ADDR", "127.0.0.1:8080"),
		Instance:        r.str("PARLEY_INSTANCE", host),
		DatabaseURL:     r.str("DATABASE_URL", DefaultDatabaseURL),
		DatabaseReadURL: r.str("DATABASE_READ_URL", ""),
		ValkeyURL:       r.str("VALKEY_URL", ""),
		KeyPrefix:       r.str("PARLEY_KEY_PREFIX", "parley:"),
		AllowedOrigins:  r.list("PARLEY_ALLOWED_ORIGINS"),
		TrustedProxies:  r.list("PARLEY_TRUSTED_PROXIES"),
		Admins:          usernames(r.list("PARLEY_ADMINS")),
		LogLevel:        r.level("PARLEY_LOG_LEVEL", slog.LevelInfo),

		DBMaxOpen:         r.intIn("PARLEY_DB_MAX_OPEN", postgres.DefaultMaxOpenConns, 1, 1000),
		DBMaxIdle:         r.intIn("PARLEY_DB_MAX_IDLE", postgres.DefaultMaxOpenConns, 0, 1000),
		DBConnMaxLifetime: r.duration("PARLEY_DB_CONN_MAX_LIFETIME", postgres.DefaultConnMaxLifetime),
		DBConnMaxIdleTime: r.duration("PARLEY_DB_CONN_MAX_IDLE_TIME", postgres.DefaultConnMaxIdleTime),
		DBReplicaPoll:     r.duration("PARLEY_DB_REPLICA_POLL", postgres.DefaultReplicaPoll),
		DBReplicaMaxLag:   r.duration("PARLEY_DB_REPLICA_MAX_LAG", postgres.DefaultReplicaMaxLag),
		GroupCommitBatch:  r.intIn("PARLEY_GROUP_COMMIT_BATCH", postgres.DefaultMaxBatch, 1, 4096),
		GroupCommitters:   r.intIn("PARLEY_GROUP_COMMITTERS", postgres.DefaultCommitters, 1, 64),
		CommitQueue:       r.intIn("PARLEY_COMMIT_QUEUE", postgres.DefaultQueueSize, 1, 1<<20),

		BodyLimit:       r.intIn("PARLEY_BODY_LIMIT", web.DefaultBodyLimit, 1<<10, 16<<20),
		ShutdownTimeout: r.duration("PARLEY_SHUTDOWN_TIMEOUT", 15*time.Second),
		SessionTTL:      r.duration("PARLEY_SESSION_TTL", app.DefaultSessionTTL),
		Argon2MemoryKiB: r.intIn("PARLEY_ARGON2_MEMORY_KIB", int(pw.MemoryKiB), 1024, 4<<20),
		Argon2Time:      r.intIn("PARLEY_ARGON2_TIME", int(pw.Time), 1, 20),
		AuthRate:        r.intIn("PARLEY_AUTH_RATE", 60, 0, 1_000_000),
		RegisterRate:    r.intIn("PARLEY_REGISTER_RATE", 10, 0, 1_000_000),
		SignInFailures:  r.intIn("PARLEY_SIGNIN_FAILURES", 5, 0, 1000),
		SignInMaxDelay:  r.duration("PARLEY_SIGNIN_MAX_DELAY", ratelimit.DefaultSignInMaxDelay),
		AnonRate:        r.intIn("PARLEY_ANON_RATE", 600, 0, 1_000_000),
		FormRate:        r.intIn("PARLEY_FORM_RATE", 30, 0, 1_000_000),
		SendRate:        r.intIn("PARLEY_SEND_RATE", app.DefaultSendRate, 0, 1_000_000),
		SendWindow:      r.duration("PARLEY_SEND_WINDOW", app.DefaultSendWindow),

		SessionPruneInterval: r.duration("PARLEY_SESSION_PRUNE_INTERVAL", time.Hour),

		WSPingInterval:         r.duration("PARLEY_WS_PING_INTERVAL", ws.PingInterval),
		WSPongTimeout:          r.duration("PARLEY_WS_PONG_TIMEOUT", ws.PongTimeout),
		WSWriteTimeout:         r.duration("PARLEY_WS_WRITE_TIMEOUT", ws.WriteTimeout),
		WSReadLimit:            r.intIn("PARLEY_WS_READ_LIMIT", int(ws.ReadLimit), 512, 1<<20),
		WSQueueSize:            r.intIn("PARLEY_WS_QUEUE", ws.QueueSize, 8, 1<<16),
		WSCompression:          r.boolean("PARLEY_WS_COMPRESSION", ws.Compression),
		WSCompressionThreshold: r.intIn("PARLEY_WS_COMPRESSION_THRESHOLD", ws.CompressionThreshold, 0, 1<<20),
		WSSendRate:             r.floatIn("PARLEY_WS_SEND_RATE", ws.SendRate, 0.1, 100000),
		WSSendBurst:            r.intIn("PARLEY_WS_SEND_BURST", ws.SendBurst, 1, 100000),
		WSMaxSocketsPerUser:    r.intIn("PARLEY_WS_MAX_SOCKETS_PER_USER", ws.MaxSocketsPerUser, 0, 100000),
		WSRecheckInterval:      r.duration("PARLEY_WS_RECHECK_INTERVAL", ws.RecheckInterval),
		WSPresenceInterval:     r.duration("PARLEY_WS_PRESENCE_INTERVAL", ws.PresenceInterval),

		Cache:                  r.onOff("PARLEY_CACHE", true),
		CacheLocalBytes:        r.intIn("PARLEY_CACHE_LOCAL_BYTES", cache.DefaultLocalBytes, 0, 1<<34),
		CacheMemoryBytes:       r.intIn("PARLEY_CACHE_MEMORY_BYTES", inmem.DefaultCacheBytes, 1<<20, 1<<34),
		ValkeyClientCacheBytes: r.intIn("PARLEY_VALKEY_CLIENT_CACHE_BYTES", valkeystore.DefaultClientCacheBytes, 1<<20, 1<<34),
		CacheStrict:            r.boolean("PARLEY_CACHE_STRICT", false),
		CacheTTLPublic:         r.duration("PARLEY_CACHE_TTL_PUBLIC", ttl.Public),
		CacheTTLRoom:           r.duration("PARLEY_CACHE_TTL_ROOM", ttl.Room),
		CacheTTLMember:         r.duration("PARLEY_CACHE_TTL_MEMBERSHIP", ttl.Membership),
		CacheTTLUser:           r.duration("PARLEY_CACHE_TTL_USER", ttl.User),
		CacheTTLPage:           r.duration("PARLEY_CACHE_TTL_PAGE", ttl.Page),
		CacheTTLHistory:        r.duration("PARLEY_CACHE_TTL_HISTORY", ttl.History),
		CacheTTLSession:        r.duration("PARLEY_CACHE_TTL_SESSION", ttl.Session),

		AdminAddr:  r.adminAddr("PARLEY_ADMIN_ADDR", DefaultAdminAddr),
		MemoryWarn: r.threshold("PARLEY_MEMORY_WARN"),
		Overload:   r.overload(),
	}
	if r.err != nil {
		return nil, r.err
	}
	return c, c.Validate()
}

// Validate checks the rules that tie several settings together or that
// need more than parsing.
func (c *Config) Validate() error {
	if _, _, err := splitHostPort(c.Addr); err != nil {
		return fmt.Errorf("PARLEY_ADDR: %q is not host:port: %v", c.Addr, err)
	}
	if err := checkURL(c.DatabaseURL, "postgres", "postgresql"); err != nil {
		return fmt.Errorf("DATABASE_URL: %v", err)
	}
	if c.DatabaseReadURL != "" {
		if err := checkURL(c.DatabaseReadURL, "postgres", "postgresql"); err != nil {
			return fmt.Errorf("DATABASE_READ_URL: %v", err)
		}
	}
	if c.ValkeyURL != "" {
		if err := checkURL(c.ValkeyURL, "redis", "rediss", "valkey", "valkeys", "unix"); err != nil {
			return fmt.Errorf("VALKEY_URL: %v", err)
		}
	}
	if c.KeyPrefix == "" || strings.ContainsAny(c.KeyPrefix, " \t\r\n") {
		return fmt.Errorf("PARLEY_KEY_PREFIX: must be non-empty and without spaces")
	}
	for _, o := range c.AllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("PARLEY_ALLOWED_ORIGINS: %q is not an origin like https://chat.example.com", o)
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			return fmt.Errorf("PARLEY_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR", p)
		}
	}
	if c.AdminAddr != "" {
		if _, _, err := splitHostPort(c.AdminAddr); err != nil {
			return fmt.Errorf("PARLEY_ADMIN_ADDR: %q is not host:port (empty or off turns it off): %v", c.AdminAddr, err)
		}
	}
	if c.MemoryWarn.Share > 0 {
		if _, _, err := c.MemoryWarn.Limit(); err != nil {
			return fmt.Errorf("PARLEY_MEMORY_WARN: %s needs a memory limit to take a share of: %v", c.MemoryWarn, err)
		}
	}
	if err := checkAdmins(c.Admins); err != nil {
		return err
	}
	if c.DBMaxIdle > c.DBMaxOpen {
		return fmt.Errorf("PARLEY_DB_MAX_IDLE: %d is above PARLEY_DB_MAX_OPEN (%d)", c.DBMaxIdle, c.DBMaxOpen)
	}
	if c.SignInMaxDelay < time.Second || c.SignInMaxDelay > time.Hour {
		return fmt.Errorf("PARLEY_SIGNIN_MAX_DELAY: %s must be between 1s and 1h", c.SignInMaxDelay)
	}
	if c.SendWindow < time.Second || c.SendWindow > time.Hour {
		return fmt.Errorf("PARLEY_SEND_WINDOW: %s must be between 1s and 1h", c.SendWindow)
	}
	if c.SessionPruneInterval < time.Minute {
		return fmt.Errorf("PARLEY_SESSION_PRUNE_INTERVAL: %s must be at least 1m", c.SessionPruneInterval)
	}
	if c.WSRecheckInterval < time.Second || c.WSRecheckInterval > time.Hour {
		return fmt.Errorf("PARLEY_WS_RECHECK_INTERVAL: %s must be between 1s and 1h", c.WSRecheckInterval)
	}
	if err := c.Overload.validate(); err != nil {
		return err
	}
	if c.DBReplicaPoll < 5*time.Millisecond || c.DBReplicaPoll > 10*time.Second {
		return fmt.Errorf("PARLEY_DB_REPLICA_POLL: %s must be between 5ms and 10s", c.DBReplicaPoll)
	}
	if c.DBReplicaMaxLag < c.DBReplicaPoll || c.DBReplicaMaxLag > time.Hour {
		return fmt.Errorf("PARLEY_DB_REPLICA_MAX_LAG: %s must be between PARLEY_DB_REPLICA_POLL (%s) and 1h", c.DBReplicaMaxLag, c.DBReplicaPoll)
	}
	if c.WSPresenceInterval < 10*time.Millisecond || c.WSPresenceInterval > 10*time.Second {
		return fmt.Errorf("PARLEY_WS_PRESENCE_INTERVAL: %s must be between 10ms and 10s", c.WSPresenceInterval)
	}
	if c.WSPongTimeout <= c.WSPingInterval {
		return fmt.Errorf("PARLEY_WS_PONG_TIMEOUT: %s must be longer than PARLEY_WS_PING_INTERVAL (%s)", c.WSPongTimeout, c.WSPingInterval)
	}
	return nil
}
