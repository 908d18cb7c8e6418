package loadsim

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// Profiles of simulated behaviour.
const (
	// ProfileModel is the Mattermost-like model: one weighted action every
	// 1–39 s per user, divided by RateFactor.
	ProfileModel = "model"
	// ProfileChatty makes every user post at a fixed rate so that the
	// whole population sends ChattyRate messages per second.
	ProfileChatty = "chatty"
	// ProfileMixed runs both at once: the first ChattyUsers users post at
	// the chatty rate, the others follow the model.
	ProfileMixed = "mixed"
)

// SLO holds the limits a run must meet to pass; a zero limit is not checked.
type SLO struct {
	DeliveryP99 time.Duration // p99 of send-to-receiver latency
	// SurvivorP99 is the p99 delivery latency of the sockets that never
	// dropped, judged in failover runs only (0: unchecked).
	SurvivorP99   time.Duration
	HTTPP99       time.Duration // p99 over every HTTP request
	HTTPErrorRate float64       // failed requests / requests, e.g. 0.00025
}

// Config describes one run.
type Config struct {
	Name        string   // scenario name, shown in reports
	Target      string   // base URL of the server or of nginx; loopback only
	MetricsURLs []string // Prometheus endpoints to sample; default Target/metrics
	ServerPIDs  []int    // when known, CPU and RSS come from /proc instead
	// ServerPIDFiles is a glob of pid files (one pid each) read again every
	// second, for servers that are killed and restarted during the run: it
	// gives the peak and mean CPU of the failover report.
	ServerPIDFiles string
	Users          int           // users to run (the first step in search mode)
	RampRate       float64       // users started per second
	Duration       time.Duration // steady phase after the ramp
	MaxTime        time.Duration // hard bound on the whole run, drain included
	Drain          time.Duration // wait for outstanding acks and deliveries at the end
	Profile        string        // ProfileModel or ProfileChatty
	RateFactor     float64       // model: actions per user are this many times more frequent
	ChattyRate     float64       // chatty: messages per second sent by all users together
	// ChattyReconnects is, in the chatty profile, how many sockets per
	// second (all users together) drop on purpose and reconnect with their
	// resume point, to check order and loss across reconnects under load.
	ChattyReconnects float64
	ChattyUsers      int           // mixed: how many of the users are chatty
	RoomSizes        []int         // every user is in one room of each size
	BodySize         int           // bytes of each message body
	UserPrefix       string        // usernames are UserPrefix + index; existing ones are reused
	Password         string        // password of every simulated account
	SourceNets       int           // spread client addresses over this many 127.0.x.1 /24s (0: kernel's choice)
	Setup            int           // concurrent room creations
	Progress         time.Duration // interval of progress lines
	ProfileCPU       time.Duration // length of a server CPU profile from /debug/pprof, 0: none
	PprofURL         string        // the server's admin listener, which alone serves /debug/pprof
	SLO              SLO
	Soak             Soak      // memory and goroutine slope over the steady phase
	Log              io.Writer // progress lines; nil discards them

	// Faults are commands run during the steady phase (replicas killed,
	// Valkey or PostgreSQL stopped); with any, the run reports how the
	// sockets recovered (Result.Failover) and fails if one never did.
	Faults []Fault
	// OwnReads is the share of acks after which the sender reads the
	// room's history and must find its message (read-your-writes).
	OwnReads float64

	// Storm mode (RunStorm): Users sign up and connect at RampRate per
	// second, above what the server can take at once, while
	// StormResidents users connected before it send StormMsgRate messages
	// per second (all together) in a room of theirs.
	StormResidents int
	StormMsgRate   float64

	// Reactions, when its At is set, adds a reaction storm to the run.
	Reactions ReactionStorm

	// Search mode: after the first Users, add Step users every StepEvery
	// while the SLOs hold over the last step, up to SearchLimit users.
	Search      bool
	Step        int
	StepEvery   time.Duration
	SearchLimit int
}

// Defaults returns a configuration of 200 model users for 30 s against
// the default address.
func Defaults() Config {
	return Config{
		Name:       "custom",
		Target:     "http://127.0.0.1:8080",
		Users:      200,
		RampRate:   100,
		Duration:   30 * time.Second,
		Drain:      5 * time.Second,
		Profile:    ProfileModel,
		RateFactor: 1,
		ChattyRate: 1000,
		RoomSizes:  []int{5, 50, 500},
		BodySize:   150,
		UserPrefix: "load",
		Password:   "load-password-1",
		Setup:      8,
		Progress:   5 * time.Second,
		SLO: SLO{
			DeliveryP99:   250 * time.Millisecond,
			HTTPErrorRate: 0.00025,
		},
		Soak:           Soak{Warmup: time.Minute, RSSSlopeMB: 2, GoroutineSlope: 10},
		StormResidents: 50,
		StormMsgRate:   20,
		Step:           500,
		StepEvery:      30 * time.Second,
		SearchLimit:    20000,
	}
}

// Validate checks the configuration and fills derived defaults.
func (c *Config) Validate() error {
	if err := CheckLoopback(c.Target); err != nil {
		return err
	}
	c.Target = strings.TrimRight(c.Target, "/")
	if len(c.MetricsURLs) == 0 {
		c.MetricsURLs = []string{c.Target + "/metrics"}
	}
	for _, m := range c.MetricsURLs {
		if err := CheckLoopback(m); err != nil {
			return fmt.Errorf("metrics url: %w", err)
		}
	}
	switch {
	case c.Users < 1:
		return fmt.Errorf("users must be at least 1, got %d", c.Users)
	case c.RampRate <= 0:
		return fmt.Errorf("ramp rate must be positive, got %g", c.RampRate)
	case c.Duration < 0 || c.Drain < 0:
		return fmt.Errorf("duration and drain must not be negative")
	case c.Profile != ProfileModel && c.Profile != ProfileChatty && c.Profile != ProfileMixed:
		return fmt.Errorf("profile must be %q, %q or %q, got %q", ProfileModel, ProfileChatty, ProfileMixed, c.Profile)
	case c.Profile != ProfileChatty && c.RateFactor <= 0:
		return fmt.Errorf("rate factor must be positive, got %g", c.RateFactor)
	case c.Profile != ProfileModel && c.ChattyRate <= 0:
		return fmt.Errorf("chatty rate must be positive, got %g", c.ChattyRate)
	case c.Profile == ProfileMixed && (c.ChattyUsers < 1 || c.ChattyUsers >= c.Users):
		return fmt.Errorf("mixed profile needs 1 to users-1 chatty users, got %d of %d", c.ChattyUsers, c.Users)
	case c.OwnReads < 0 || c.OwnReads > 1:
		return fmt.Errorf("own-read share must be 0 to 1, got %g", c.OwnReads)
	case c.SLO.SurvivorP99 < 0:
		return fmt.Errorf("survivors' delivery SLO must not be negative, got %v", c.SLO.SurvivorP99)
	case c.ChattyReconnects < 0:
		return fmt.Errorf("reconnect rate must not be negative, got %g", c.ChattyReconnects)
	case len(c.RoomSizes) == 0:
		return fmt.Errorf("at least one room size is needed")
	case c.BodySize < 40 || c.BodySize > 4000:
		return fmt.Errorf("body size must be 40 to 4000 bytes, got %d", c.BodySize)
	case len(c.UserPrefix) < 1 || len(c.UserPrefix) > 20:
		return fmt.Errorf("user prefix must be 1 to 20 characters, got %q", c.UserPrefix)
	case len(c.Password) < 8:
		return fmt.Errorf("password must be at least 8 characters")
	case c.SourceNets < 0 || c.SourceNets > 254:
		return fmt.Errorf("source nets must be 0 to 254, got %d", c.SourceNets)
	case c.Soak.Every != 0 && (c.Soak.Every < time.Second || c.Soak.Warmup < 0 || c.Soak.RSSSlopeMB <= 0 || c.Soak.GoroutineSlope <= 0):
		return fmt.Errorf("soak needs an interval of at least 1s, a warm-up of at least 0 and positive slope limits")
	case c.StormResidents < 1 || c.StormMsgRate <= 0:
		return fmt.Errorf("storm needs at least 1 resident and a positive message rate")
	case c.Search && (c.Step < 1 || c.StepEvery < time.Second || c.SearchLimit < c.Users):
		return fmt.Errorf("search needs step ≥ 1, step interval ≥ 1s and a limit ≥ users")
	}
	if err := c.Reactions.validate(); err != nil {
		return err
	}
	for _, s := range c.RoomSizes {
		if s < 1 {
			return fmt.Errorf("room sizes must be positive, got %d", s)
		}
	}
	if c.Setup < 1 {
		c.Setup = 1
	}
	if c.Progress <= 0 {
		c.Progress = 5 * time.Second
	}
	if c.MaxTime <= 0 {
		ramp := time.Duration(float64(c.Users) / c.RampRate * float64(time.Second))
		c.MaxTime = 2*ramp + c.Duration + c.Drain + 90*time.Second
	}
	switch c.Log.(type) {
	case nil:
		c.Log = io.Discard
	case *lineWriter:
	default:
		c.Log = &lineWriter{w: c.Log}
	}
	return nil
}

// CheckLoopback accepts only http(s) and ws(s) URLs whose host is a
// loopback address or "localhost".
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("target %q: %w", raw, err)
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("target %q: scheme must be http or https", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("target %q: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed", raw)
	}
	return nil
}
