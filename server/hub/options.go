package hub

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Hub. Zero values take the documented defaults.
type Options struct {
	Broker   Broker
	Presence Presence
	Logger   *slog.Logger
	// PingInterval is how often a protocol ping is sent (25s).
	PingInterval time.Duration
	// PongTimeout is how long a connection may stay silent (60s).
	PongTimeout time.Duration
	// WriteTimeout bounds each write to a client (10s).
	WriteTimeout time.Duration
	// ReadLimit is the largest client frame in bytes (16 KiB); bigger
	// closes the connection with 1009.
	ReadLimit int64
	// QueueSize is each connection's send queue (256 frames); a full queue
	// closes the connection with 1013.
	QueueSize int
	// Compression negotiates permessage-deflate when the client offers it.
	Compression bool
	// CompressionThreshold is the smallest frame compressed (1024 bytes).
	CompressionThreshold int
	// SendRate and SendBurst limit each connection's sends (10/s, 20).
	SendRate  float64
	SendBurst int
	// ReorderWait is how long a message that arrives ahead of a missing seq
	// is held before it is delivered anyway (1s). The missing one is nearly
	// always just late (another replica's commit racing this one's), so
	// waiting is cheaper than making every client resume.
	ReorderWait time.Duration
	// MaxSocketsPerUser caps one user's live connections across the
	// cluster (20); the newest over the cap is closed with 4029. Negative
	// means no cap.
	MaxSocketsPerUser int
	// RecheckInterval is how often every connection's session and room
	// memberships are checked again (30s), spread evenly over the
	// interval, so that an end or a leave whose event was lost stops
	// delivery anyway. A broker reconnect re-checks at once.
	RecheckInterval time.Duration
	// ConnectSlots is how many connections may be in the connect phase
	// at once: loading the user's rooms, subscribing to them, queueing
	// ready (16). ConnectQueue more wait for a slot (512), each at most
	// ConnectWait (5s); the others are closed at once with 1013 and a
	// retry_after hint of ConnectRetryAfter (2s). A negative ConnectQueue
	// means nobody waits.
	ConnectSlots      int
	ConnectQueue      int
	ConnectWait       time.Duration
	ConnectRetryAfter time.Duration
	// PresenceInterval is how long presence changes, and who joined or
	// left each room, are collected before they go out (250ms): one frame
	// per room per interval, however many people came and went, so a crowd
	// arriving costs each member a few frames instead of one per arrival.
	PresenceInterval time.Duration
	// Registerer receives the hub's metrics; nil registers nothing.
	Registerer prometheus.Registerer
}

// DefaultOptions returns the defaults; Broker and Presence stay nil, which
// New replaces by the in-process ones of a single replica.
func DefaultOptions() Options {
	return Options{
		PingInterval:         25 * time.Second,
		PongTimeout:          60 * time.Second,
		WriteTimeout:         10 * time.Second,
		ReadLimit:            16 << 10,
		QueueSize:            256,
		Compression:          true,
		CompressionThreshold: 1024,
		SendRate:             10,
		SendBurst:            20,
		ReorderWait:          time.Second,
		MaxSocketsPerUser:    20,
		RecheckInterval:      30 * time.Second,
		ConnectSlots:         16,
		ConnectQueue:         512,
		ConnectWait:          5 * time.Second,
		ConnectRetryAfter:    2 * time.Second,
		PresenceInterval:     250 * time.Millisecond,
	}
}

func (o *Options) fill() {
	d := DefaultOptions()
	if o.PingInterval <= 0 {
		o.PingInterval = d.PingInterval
	}
	if o.PongTimeout <= 0 {
		o.PongTimeout = d.PongTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = d.WriteTimeout
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = d.ReadLimit
	}
	if o.QueueSize <= 0 {
		o.QueueSize = d.QueueSize
	}
	if o.CompressionThreshold <= 0 {
		o.CompressionThreshold = d.CompressionThreshold
	}
	if o.SendRate <= 0 {
		o.SendRate = d.SendRate
	}
	if o.SendBurst <= 0 {
		o.SendBurst = d.SendBurst
	}
	if o.ReorderWait <= 0 {
		o.ReorderWait = d.ReorderWait
	}
	if o.MaxSocketsPerUser == 0 {
		o.MaxSocketsPerUser = d.MaxSocketsPerUser
	}
	if o.RecheckInterval <= 0 {
		o.RecheckInterval = d.RecheckInterval
	}
	if o.ConnectSlots <= 0 {
		o.ConnectSlots = d.ConnectSlots
	}
	if o.ConnectQueue == 0 {
		o.ConnectQueue = d.ConnectQueue
	}
	if o.ConnectWait <= 0 {
		o.ConnectWait = d.ConnectWait
	}
	if o.ConnectRetryAfter <= 0 {
		o.ConnectRetryAfter = d.ConnectRetryAfter
	}
	if o.PresenceInterval <= 0 {
		o.PresenceInterval = d.PresenceInterval
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}
