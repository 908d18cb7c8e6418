package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// replica is one parley "process" of a test: the real app over its own
// store, a hub and a Fiber server on a free port.
type replica struct {
	App *app.App
	Hub *hub.Hub
	URL string
	// Reg holds the hub's metrics when the test asked for them.
	Reg *prometheus.Registry
}

// newReplica starts a replica on the database dsn. o's Broker and Presence
// choose how it reaches the others.
func newReplica(tb testing.TB, dsn string, o hub.Options, wrap ...func(*app.App) hub.Chat) *replica {
	tb.Helper()
	_, store := testenv.OpenURL(tb, dsn, postgres.StoreOptions{})
	a := app.New(app.Options{
		Users: store, Sessions: store, Rooms: store, Messages: store,
		Passwords: app.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1},
	})
	if o.Logger == nil {
		o.Logger = quietLog
	}
	h := hub.New(o)
	a.SetNotifier(h)
	a.SetPresence(h)

	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		if err := h.Run(ctx); err != nil {
			tb.Errorf("hub run: %v", err)
		}
	}()

	srv := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: chatErrorStatus})
	srv.Get("/ws", func(c *fiber.Ctx) error {
		u, sess, err := a.AuthenticateSession(c.UserContext(), c.Query("token"))
		if err != nil {
			return c.SendStatus(http.StatusUnauthorized)
		}
		c.Locals(hub.UserLocal, u)
		c.Locals(hub.SessionLocal, sess)
		return c.Next()
	}, h.Handler(chatFor(a, wrap)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srvDone := make(chan struct{})
	go func() {
		defer close(srvDone)
		_ = srv.Listener(ln)
	}()
	tb.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := h.Shutdown(sctx); err != nil {
			tb.Errorf("hub shutdown: %v", err)
		}
		_ = srv.ShutdownWithTimeout(5 * time.Second)
		<-srvDone
		cancel()
		<-runDone
	})
	return &replica{App: a, Hub: h, URL: "ws://" + ln.Addr().String() + "/ws"}
}

// chatErrorStatus stands in for the web layer's error handler: enough of
// its table for the refusals the hub itself returns.
func chatErrorStatus(c *fiber.Ctx, err error) error {
	switch chat.ErrorCode(err) {
	case chat.EINVALID:
		return c.Status(http.StatusUnprocessableEntity).SendString(chat.ErrorMessage(err))
	default:
		return fiber.DefaultErrorHandler(c, err)
	}
}

// chatFor is what the socket talks to: the app, or what a test wraps it in.
func chatFor(a *app.App, wrap []func(*app.App) hub.Chat) hub.Chat {
	if len(wrap) > 0 {
		return wrap[0](a)
	}
	return a
}

// quietLog keeps expected warnings (a Redis stopped on purpose) out of the
// test output; errors still show.
var quietLog = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

var userSeq atomic.Int64

// newUser registers a user and returns it with its token.
func newUser(tb testing.TB, a *app.App) (*chat.User, string) {
	tb.Helper()
	name := fmt.Sprintf("u%d_%d", time.Now().UnixNano()%1e6, userSeq.Add(1))
	u, token, err := a.Register(context.Background(), name, "password123", "")
	if err != nil {
		tb.Fatalf("register %s: %v", name, err)
	}
	return u, token
}

func newRoom(tb testing.TB, a *app.App, owner *chat.User, kind string, members ...*chat.User) *chat.Room {
	tb.Helper()
	ctx := context.Background()
	r, err := a.CreateRoom(ctx, owner, "room "+strconv.FormatInt(userSeq.Add(1), 10), "", kind)
	if err != nil {
		tb.Fatalf("create room: %v", err)
	}
	for _, m := range members {
		if kind == chat.RoomPublic {
			_, err = a.JoinRoom(ctx, m, r.ID)
		} else {
			_, _, err = a.AddMember(ctx, owner, r.ID, m.ID)
		}
		if err != nil {
			tb.Fatalf("add member: %v", err)
		}
	}
	return r
}

// event is any server event; only the fields of its type are set.
type event struct {
	Type     string `json:"type"`
	Code     string `json:"code"`
	ClientID string `json:"client_id"`
	RoomID   int64  `json:"room_id"`
	Seq      int64  `json:"seq"`
	UserID   int64  `json:"user_id"`
	Online   bool   `json:"online"`
	// OnlineUsers and OfflineUsers are a presence_batch's changes.
	OnlineUsers  []int64 `json:"online_users"`
	OfflineUsers []int64 `json:"offline_users"`
	// Joined and Left are a members_changed event's changes.
	Joined []chat.User      `json:"joined"`
	Left   []chat.User      `json:"left"`
	Rooms  map[string]int64 `json:"rooms"`
	Raw    json.RawMessage  `json:"message"`
	Room   *chat.Room       `json:"room"`
	User   *chat.User       `json:"user"`
	// Emoji and Added are a reaction event's; Reactions a
	// reaction_batch's groups.
	Emoji     string          `json:"emoji"`
	Added     bool            `json:"added"`
	Reactions []reactionGroup `json:"reactions"`
	// RetryAfter is set on rate_limited errors, in seconds.
	RetryAfter int64         `json:"retry_after"`
	Msg        *chat.Message `json:"-"`
}

// client is a WebSocket client that reads every event into a channel.
type client struct {
	tb     testing.TB
	ws     *websocket.Conn
	events chan event
	// closed receives the error that ended the read loop.
	closed chan error
	wmu    sync.Mutex
}

func dial(tb testing.TB, url, token string) *client {
	tb.Helper()
	return newClient(tb, dialRaw(tb, url, token))
}

// newClient starts reading events off ws.
func newClient(tb testing.TB, ws *websocket.Conn) *client {
	c := &client{tb: tb, ws: ws, events: make(chan event, 20000), closed: make(chan error, 1)}
	go c.readLoop()
	return c
}

func dialRaw(tb testing.TB, url, token string) *websocket.Conn {
	tb.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, EnableCompression: true}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	ws, resp, err := d.Dial(url+sep+"token="+token, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		tb.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	tb.Cleanup(func() { _ = ws.Close() })
	return ws
}

func (c *client) readLoop() {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.closed <- err
			close(c.events)
			return
		}
		var e event
		if err := json.Unmarshal(data, &e); err != nil {
			c.tb.Errorf("bad event %q: %v", data, err)
			continue
		}
		if len(e.Raw) > 0 && e.Raw[0] == '{' {
			e.Msg = new(chat.Message)
			if err := json.Unmarshal(e.Raw, e.Msg); err != nil {
				c.tb.Errorf("bad message in %q: %v", data, err)
			}
		}
		c.events <- e
	}
}

func (c *client) send(v any) {
	c.tb.Helper()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteJSON(v); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
}

func (c *client) sendText(s string) {
	c.tb.Helper()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
}

// next returns the next event of one of types, skipping others.
func (c *client) next(timeout time.Duration, types ...string) event {
	c.tb.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				c.tb.Fatalf("connection closed while waiting for %v", types)
			}
			for _, t := range types {
				if e.Type == t {
					return e
				}
			}
		case <-deadline:
			c.tb.Fatalf("no %v event within %v", types, timeout)
		}
	}
}

// none checks that no event of types arrives within d.
func (c *client) none(d time.Duration, types ...string) {
	c.tb.Helper()
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				return
			}
			for _, t := range types {
				if e.Type == t {
					c.tb.Fatalf("unexpected %s event: %+v", e.Type, e)
				}
			}
		case <-deadline:
			return
		}
	}
}

// closeCode waits for the server to close the connection and returns the
// close code.
func (c *client) closeCode(timeout time.Duration) int {
	c.tb.Helper()
	go func() {
		for range c.events {
		}
	}()
	select {
	case err := <-c.closed:
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		return -1
	case <-time.After(timeout):
		c.tb.Fatalf("connection not closed within %v", timeout)
		return 0
	}
}

type sendFrame struct {
	Type     string `json:"type"`
	RoomID   int64  `json:"room_id"`
	Body     string `json:"body"`
	ClientID string `json:"client_id"`
}

type resumeFrame struct {
	Type  string           `json:"type"`
	Rooms map[string]int64 `json:"rooms"`
}
