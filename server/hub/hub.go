// Package hub is Parley's real-time layer: it serves the WebSocket of the
// public contract, keeps every live connection's room subscriptions, and fans
// committed changes out to them, on this replica directly and on the others
// through a Broker.
package hub

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
)

// Chat is what the hub needs from the application layer. Every call applies
// the same rules as the HTTP API.
type Chat interface {
	MyRooms(ctx context.Context, u *chat.User) ([]chat.Room, error)
	Room(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, error)
	SendMessage(ctx context.Context, u *chat.User, roomID int64, body, clientID string) (*chat.Message, bool, error)
	// SendReply is SendMessage for a reply to message replyTo.
	SendReply(ctx context.Context, u *chat.User, roomID, replyTo int64, body, clientID string) (*chat.Message, bool, error)
	Messages(ctx context.Context, u *chat.User, roomID int64, p chat.Page) ([]chat.Message, bool, error)
	// CommittedMessages returns a room's committed messages with afterSeq
	// < seq ≤ upToSeq, read past every cache, without an access check: the
	// hub delivers them only to the room's members.
	CommittedMessages(ctx context.Context, roomID, afterSeq, upToSeq int64) ([]chat.Message, error)
	MarkRead(ctx context.Context, u *chat.User, roomID, seq int64) error
	// SessionAlive is nil while the session (chat.Session.ID) still signs
	// its user in, and EUNAUTHENTICATED once it ended.
	SessionAlive(ctx context.Context, sessionID string) error
}

// Broker carries already encoded payloads between the hubs of all replicas.
// A payload published on a topic reaches every hub subscribed to it,
// including the publisher's own (which ignores it, having delivered locally).
type Broker interface {
	// Publish sends payload to every subscriber of topic.
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe starts receiving topics; subscribing twice is harmless.
	Subscribe(ctx context.Context, topics ...string) error
	// Unsubscribe stops receiving topics.
	Unsubscribe(ctx context.Context, topics ...string) error
	// Run calls deliver for every payload received until ctx ends. The
	// payload is deliver's to keep and nobody may change it afterwards;
	// deliver never blocks and never calls the broker back. connected is
	// called, under the same rules, each time receiving (re)starts with
	// every topic subscribed: what was published meanwhile is lost, so the
	// hub re-checks what it may have missed.
	Run(ctx context.Context, deliver func(topic string, payload []byte), connected func()) error
	// Check reports whether the broker can currently carry messages.
	Check(ctx context.Context) error
}

// Presence counts live connections per user across the cluster.
type Presence interface {
	// Connect records one more live connection of userID on this replica,
	// unless the user already holds limit of them in the cluster (limit <=
	// 0: no cap): then ok is false and nothing is recorded. first says the
	// user was offline everywhere before. With an error the connection is
	// still recorded (ok is true) and published once the store answers.
	Connect(ctx context.Context, userID int64, limit int) (first, ok bool, err error)
	// Disconnect records that one live connection of userID on this
	// replica ended; last says the user has none left anywhere.
	Disconnect(ctx context.Context, userID int64) (last bool, err error)
	// Online tells which of userIDs have a live connection anywhere.
	Online(ctx context.Context, userIDs []int64) (map[int64]bool, error)
	// Run keeps this replica's entries alive until ctx ends and calls gone
	// for users whose last connection vanished without a Disconnect (their
	// replica died).
	Run(ctx context.Context, gone func(userID int64)) error
}

const numShards = 64

// Hub keeps this replica's live connections and delivers events to them.
type Hub struct {
	o      Options
	log    *slog.Logger
	broker Broker
	pres   Presence
	origin uint64
	m      *metrics
	rooms  [numShards]roomShard
	users  [numShards]userShard
	pubq   chan pubItem
	ctlq   chan envelope
	// resync asks the recheck loop to re-check every local connection at
	// once: events may have been lost.
	resync chan struct{}
	// trackMu makes "not closing, so count this connection" atomic against
	// Shutdown, which a WaitGroup alone cannot.
	trackMu sync.Mutex
	conns   sync.WaitGroup
	closing atomic.Bool
	// pubFailing is set while publishes fail, to log an outage once.
	pubFailing atomic.Bool
	// pubLost is set when an event could not be published, until the
	// other replicas have been told to re-check.
	pubLost  atomic.Bool
	presence presenceBatch
	members  memberBatch
	// reactions holds back the reaction changes of busy rooms.
	reactions reactionBatch
	chatv     atomic.Pointer[chatBox]
	running   atomic.Bool
	// connectGate bounds the connections in their connect phase.
	connectGate *admission.Gate
	// roomsUnavailable counts connects refused because the user's rooms
	// could not be loaded within the connect phase's deadline.
	roomsUnavailable *admission.Tally
	// baseCtx ends when Run ends; connections and background work hang on it.
	baseCtx    context.Context
	baseCancel context.CancelFunc
}

type chatBox struct{ c Chat }

type pubItem struct {
	topic   string
	payload []byte
	// at is a message's commit, for the publish stage; zero for events.
	at time.Time
}

// New builds a hub. Call Run before serving Handler, and Shutdown to drain.
func New(o Options) *Hub {
	o.fill()
	h := &Hub{
		o:      o,
		log:    o.Logger,
		broker: o.Broker,
		pres:   o.Presence,
		origin: newOrigin(),
		m:      newMetrics(o.Registerer),
		pubq:   make(chan pubItem, 4096),
		ctlq:   make(chan envelope, 1024),
		resync: make(chan struct{}, 1),

		connectGate:      newConnectGate(o),
		roomsUnavailable: admission.NewTally("ws_connect", "rooms_unavailable"),
	}
	if h.broker == nil {
		h.broker = inmem.NewBroker()
	}
	if h.pres == nil {
		h.pres = inmem.NewPresence()
	}
	h.baseCtx, h.baseCancel = context.WithCancel(context.Background())
	for i := range h.rooms {
		h.rooms[i].rooms = make(map[int64]*room)
	}
	for i := range h.users {
		h.users[i].users = make(map[int64]*userConns)
	}
	return h
}

func newOrigin() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return uint64(time.Now().UnixNano())
	}
	return binary.LittleEndian.Uint64(b[:]) | 1
}

// publishWorkers publish concurrently: the broker pipelines them, and
// receivers put messages back in seq order whatever the arrival order.
const publishWorkers = 4

// Run receives from the broker, publishes what this replica produced and
// keeps presence alive, until ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return errors.New("hub: Run called twice")
	}
	defer h.baseCancel()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := h.broker.Subscribe(ctx, presenceTopic); err != nil {
		h.log.Warn("hub: subscribe presence", "err", err)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(6 + publishWorkers)
	go func() {
		defer wg.Done()
		h.controlLoop(ctx)
	}()
	go func() {
		defer wg.Done()
		h.batchLoop(ctx)
	}()
	go func() {
		defer wg.Done()
		h.recheckLoop(ctx)
	}()
	go func() {
		defer wg.Done()
		h.pingLoop(ctx)
	}()
	go func() {
		defer wg.Done()
		if err := h.broker.Run(ctx, h.deliverRemote, h.requestResync); err != nil && ctx.Err() == nil {
			errc <- fmt.Errorf("hub: broker: %w", err)
			cancel()
		}
	}()
	go func() {
		defer wg.Done()
		if err := h.pres.Run(ctx, h.presenceGone); err != nil && ctx.Err() == nil {
			errc <- fmt.Errorf("hub: presence: %w", err)
			cancel()
		}
	}()
	for range publishWorkers {
		go func() {
			defer wg.Done()
			h.publishLoop(ctx)
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// Check reports whether the broker is healthy, for readiness probes.
func (h *Hub) Check(ctx context.Context) error {
	if err := h.broker.Check(ctx); err != nil {
		return fmt.Errorf("hub: broker: %w", err)
	}
	return nil
}

// Shutdown refuses new connections, closes every open one with 1001 and
// waits for their goroutines to end or ctx to expire.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.trackMu.Lock()
	h.closing.Store(true)
	h.trackMu.Unlock()
	h.eachConn(func(c *conn) { c.close(closeGoingAway, "server shutting down, reconnect") })
	done := make(chan struct{})
	go func() {
		h.conns.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("hub: shutdown: %w", ctx.Err())
	}
}

// Online tells which users have a live connection anywhere in the cluster;
// it makes the hub the app's Presence.
func (h *Hub) Online(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	m, err := h.pres.Online(ctx, userIDs)
	if err != nil {
		return nil, fmt.Errorf("hub: presence: %w", err)
	}
	return m, nil
}

// track counts a new connection unless the hub is shutting down.
func (h *Hub) track() bool {
	h.trackMu.Lock()
	defer h.trackMu.Unlock()
	if h.closing.Load() {
		return false
	}
	h.conns.Add(1)
	return true
}

func (h *Hub) chat() Chat {
	if b := h.chatv.Load(); b != nil {
		return b.c
	}
	return nil
}
