package hub

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// UserLocal is the key under which the authentication middleware leaves the
// signed-in *chat.User in the request's locals.
const UserLocal = "parley.user"

// SessionLocal is the key under which the authentication middleware leaves
// the chat.Session the connection was opened with.
const SessionLocal = "parley.session"

// callTimeout bounds each call into the application layer.
const callTimeout = 10 * time.Second

// Handler returns the handler for GET /ws: it upgrades the request and
// serves the connection. Middleware before it must have authenticated the
// caller and checked the Origin.
func (h *Hub) Handler(ch Chat) fiber.Handler {
	h.chatv.Store(&chatBox{c: ch})
	upgrade := fws.New(func(ws *fws.Conn) { h.serve(ch, ws) }, fws.Config{
		EnableCompression: h.o.Compression,
		RecoverHandler:    h.recoverConn,
		WriteBufferPool:   &sync.Pool{},
		ReadBufferSize:    1024,
		WriteBufferSize:   4096,
		HandshakeTimeout:  h.o.WriteTimeout,
	})
	return func(c *fiber.Ctx) error {
		// A bad resume point is refused before the upgrade, while the
		// answer can still be the contract's JSON error.
		point, err := ParseResumePoint(c.Query(ResumeParam))
		if err != nil {
			return err
		}
		if point != nil {
			c.Locals(resumeLocal, point)
		}
		return upgrade(c)
	}
}

// recoverConn replaces the library's recover, which would send the panic
// text to the client.
func (h *Hub) recoverConn(ws *fws.Conn) {
	if v := recover(); v != nil {
		h.log.Error("hub: panic in connection", "panic", v, "stack", string(debug.Stack()))
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(closeInternal, "internal error"), time.Now().Add(time.Second))
	}
}

func (h *Hub) serve(ch Chat, ws *fws.Conn) {
	u, _ := ws.Locals(UserLocal).(*chat.User)
	if u == nil {
		refuse(ws, closePolicy, "unauthenticated")
		return
	}
	if !h.track() {
		refuse(ws, closeGoingAway, "server shutting down, reconnect")
		return
	}
	defer h.conns.Done()
	c := &conn{
		h:       h,
		ws:      ws.Conn,
		user:    *u,
		session: sessionFrom(ws.Locals(SessionLocal), u),
		done:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		rooms:   make(map[int64]*connRoom),
		limiter: newSendLimiter(h.o.SendRate, h.o.SendBurst),
	}
	if c.expired(time.Now()) {
		refuse(ws, closeSessionEnded, "session expired, sign in again")
		return
	}
	c.ctx, c.stop = context.WithCancel(h.baseCtx)
	defer c.stop()
	// The connect phase (presence, rooms, subscriptions, ready) is what a
	// storm of connects saturates: it runs under the connect gate, which
	// queues briefly and then refuses with 1013 and a retry hint.
	if err := h.connectGate.Acquire(c.ctx); err != nil {
		refuseConnect(ws, err)
		return
	}
	holding := true
	release := func() {
		if holding {
			holding = false
			h.connectGate.Release()
		}
	}
	defer release()
	first, ok := h.admit(c)
	if !ok {
		h.m.tooMany.Inc()
		refuse(ws, closeTooMany, "too many connections")
		return
	}
	h.m.connections.Inc()
	defer h.m.connections.Dec()
	defer c.watchExpiry()()

	ws.SetReadLimit(h.o.ReadLimit)
	ws.EnableWriteCompression(false)
	_ = ws.SetReadDeadline(time.Now().Add(h.o.PongTimeout))
	ws.SetPongHandler(func(string) error { return c.extendRead() })

	defer func() {
		c.close(closeGoingAway, "closing")
		c.stop()
		c.tasks.Wait()
		c.writers.Wait()
		h.disconnect(c)
	}()

	point, _ := ws.Locals(resumeLocal).(map[int64]int64)
	if cold, err := h.connect(ch, c, point, first); err != nil {
		// Nearly always a saturated store (pool wait past callTimeout):
		// the client is told to come back later, not that the server broke.
		h.log.Warn("hub: connect", "user", c.user.ID, "err", err)
		h.roomsUnavailable.Add()
		release()
		c.close(closeTryLater, tryLaterText("could not load rooms", h.o.ConnectRetryAfter))
	} else {
		release()
		h.replayAtConnect(ch, c, point, cold)
	}
	if h.closing.Load() {
		c.close(closeGoingAway, "server shutting down, reconnect")
	}
	h.readLoop(ch, c)
}

func refuse(ws *fws.Conn, code int, text string) {
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
}

func (c *conn) extendRead() error {
	if c.closed() {
		return nil
	}
	return c.ws.SetReadDeadline(time.Now().Add(c.h.o.PongTimeout))
}

func (h *Hub) readLoop(ch Chat, c *conn) {
	for {
		mt, data, err := c.ws.ReadMessage()
		arrived := time.Now()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				h.m.tooBig.Inc()
				c.close(closeTooBig, "frame too large")
			}
			return
		}
		if c.closed() {
			continue
		}
		if mt != websocket.TextMessage {
			// The protocol is JSON text; a binary frame is a client bug or
			// a probe, and guessing its encoding would be worse.
			c.close(closeUnsupported, "binary frames are not supported")
			continue
		}
		_ = c.extendRead()
		h.handle(ch, c, data, arrived)
	}
}

// admit counts the connection against the user's cap across the cluster;
// first says the user was offline everywhere before. A presence store that
// does not answer admits (the connection is counted once it answers again):
// an outage must not lock everyone out.
func (h *Hub) admit(c *conn) (first, ok bool) {
	ctx, cancel := context.WithTimeout(c.ctx, callTimeout)
	defer cancel()
	first, ok, err := h.pres.Connect(ctx, c.user.ID, max(h.o.MaxSocketsPerUser, 0))
	if err != nil {
		h.log.Warn("hub: presence connect", "user", c.user.ID, "err", err)
	}
	return first, ok
}

// connect subscribes the connection to the user's rooms and queues ready.
// Live events that arrive meanwhile are buffered and follow ready, except
// in the rooms of the resume point and the cold rooms it returns (see
// joinRoom), which stay buffered until their replay. first says the user
// just came online: its rooms hear so once subscribed.
func (h *Hub) connect(ch Chat, c *conn, point map[int64]int64, first bool) (cold map[int64]int64, err error) {
	ctx, cancel := context.WithTimeout(c.ctx, callTimeout)
	defer cancel()
	h.addUserConn(ctx, c)
	if first {
		defer func() { h.announcePresence(c.user.ID, c.roomIDs(), true) }()
	}
	rooms, err := ch.MyRooms(ctx, &c.user)
	if err != nil {
		c.start(nil, nil)
		return nil, fmt.Errorf("my rooms: %w", err)
	}
	ready := readyEvent{Type: "ready", User: c.user, Rooms: make(map[string]int64, len(rooms)), Resuming: point != nil}
	keep := maps.Clone(point)
	for _, r := range rooms {
		from, isCold := h.joinRoom(ctx, c, r.ID, r.LastSeq, true)
		ready.Rooms[strconv.FormatInt(r.ID, 10)] = from
		if _, named := point[r.ID]; isCold && !named {
			if cold == nil {
				cold = make(map[int64]int64)
			}
			if keep == nil {
				keep = make(map[int64]int64)
			}
			cold[r.ID], keep[r.ID] = from, from
		}
	}
	data, err := encode(ready)
	if err != nil {
		c.start(nil, nil)
		return nil, err
	}
	c.start(&outFrame{data: data}, keep)
	return cold, nil
}

// replayAtConnect fills the cold rooms from the seq ready reported, with
// whatever was committed while their subscription was being made, then
// replays the rooms of the resume point given with the upgrade and says
// resumed. Each room's replay comes before any of its live messages.
func (h *Hub) replayAtConnect(ch Chat, c *conn, point, cold map[int64]int64) {
	ctx, cancel := context.WithTimeout(c.ctx, resumeTimeout)
	defer cancel()
	for _, id := range slices.Sorted(maps.Keys(cold)) {
		if err := h.replay(ctx, ch, c, id, cold[id]); err != nil {
			if !h.replayFailed(c, err, id) {
				return
			}
		}
	}
	if point != nil {
		h.resumeRooms(ctx, ch, c, point)
	}
}

// disconnect undoes connect once the connection's goroutines are done.
func (h *Hub) disconnect(c *conn) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), callTimeout)
	defer cancel()
	rooms := c.roomIDs()
	slices.Sort(rooms)
	for _, id := range rooms {
		h.leaveRoom(ctx, c, id)
	}
	h.removeUserConn(ctx, c)
	last, err := h.pres.Disconnect(ctx, c.user.ID)
	if err != nil {
		h.log.Warn("hub: presence disconnect", "user", c.user.ID, "err", err)
		return
	}
	if last {
		h.announcePresence(c.user.ID, rooms, false)
	}
}
