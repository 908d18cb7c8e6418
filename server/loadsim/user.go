package loadsim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// user is one simulated person: an account, its rooms, a browser-like
// HTTP client that revalidates with ETags, and one WebSocket.
type user struct {
	idx   int
	name  string
	id    int64
	api   *api
	sock  *socket
	recv  *Receiver
	rooms []int64
	r     *runner

	current int64
	etags   map[string]string // path → ETag, as a browser's cache would keep
	sends   atomic.Int64

	mu   sync.Mutex
	mine []ownMessage // recent own messages, for edits and deletes

	// reactions is what the socket heard of a reaction storm's message.
	reactions reactionTally
}

type ownMessage struct{ room, seq int64 }

// signIn registers the account, or logs into it when it already exists.
func (u *user) signIn(ctx context.Context) error {
	var ans authAnswer
	creds := map[string]string{"username": u.name, "password": u.r.cfg.Password}
	a, err := u.api.do(ctx, call{action: "register", method: http.MethodPost, path: "/api/v1/auth/register",
		body: creds, accept: []int{201, 409}, out: &ans})
	if err != nil {
		return err
	}
	if a.status == 409 {
		if _, err := u.api.do(ctx, call{action: "login", method: http.MethodPost, path: "/api/v1/auth/login",
			body: creds, accept: []int{200}, out: &ans}); err != nil {
			return err
		}
	}
	if ans.Token == "" {
		return errors.New("sign in: answer without token")
	}
	u.api.token, u.id = ans.Token, ans.User.ID
	return nil
}

// setup signs in, joins the user's rooms, lists them, opens the socket and
// reads the first room, as a browser opening the app would.
func (u *user) setup(ctx context.Context) error {
	if err := u.signIn(ctx); err != nil {
		return err
	}
	rooms, err := u.r.dir.roomsOf(ctx, u.idx, u.r.cfg.RoomSizes)
	if err != nil {
		return err
	}
	u.rooms = rooms
	for _, id := range rooms {
		if _, err := u.api.do(ctx, call{action: "join_room", method: http.MethodPost,
			path: "/api/v1/rooms/" + strconv.FormatInt(id, 10) + "/join", accept: []int{200}}); err != nil {
			return err
		}
	}
	if err := u.listRooms(ctx, "list_rooms"); err != nil {
		return err
	}
	if err := u.connect(ctx, browserRetry, nil); err != nil {
		return err
	}
	u.current = rooms[0]
	return u.history(ctx, "history", u.current, "")
}

// connect opens the user's socket and waits for its ready event. A
// refusal for capacity before ready (1013 with retry_after, a 503 or 429
// handshake) is retried after its hint plus jitter, up to p.max times, as
// the web app does; the socket then stays open, reconnecting by itself.
// note, when set, hears each attempt's outcome (see connectOutcome).
func (u *user) connect(ctx context.Context, p retryPolicy, note func(outcome string)) error {
	for attempt := 0; ; attempt++ {
		err := u.dialOnce(ctx)
		if note != nil && ctx.Err() == nil {
			note(connectOutcome(err))
		}
		if err == nil {
			return nil
		}
		hint, ok := refusalHint(err)
		if !ok || attempt >= p.max {
			return err
		}
		u.r.ws.Refused.Add(1)
		if !sleepCtx(ctx, p.delay(attempt, hint)) {
			return ctx.Err()
		}
	}
}

// dialOnce starts a socket and waits for its ready event or its failure.
func (u *user) dialOnce(ctx context.Context) error {
	u.sock = newSocket(u.r.cfg.Target, u.api.token, u.r.wsDialer(u.idx), u.recv, u.recv.ledger, &u.r.ws)
	u.sock.onAck = u.remember
	u.sock.onReaction = func(ev event) { u.reactions.hear(u.id, ev) }
	u.sock.id, u.sock.book = u.idx, u.r.book
	dialErr := make(chan error, 1)
	u.r.sockets.Add(1)
	go func() {
		defer u.r.sockets.Done()
		dialErr <- u.sock.run(u.r.sockCtx)
	}()
	t := time.NewTimer(15 * time.Second)
	defer t.Stop()
	select {
	case <-u.sock.readyCh:
		return nil
	case err := <-dialErr:
		if err == nil {
			err = errors.New("ws: closed before ready")
		}
		return err
	case <-t.C:
		u.sock.final.Store(true)
		u.sock.kick()
		return errors.New("ws: no ready event within 15s")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// connectOutcome names a connect attempt's outcome for the storm's
// timeline: "ready", "1013 <why>" for a refusal for capacity, "handshake
// <status>", or "error".
func connectOutcome(err error) string {
	if err == nil {
		return "ready"
	}
	if _, why, ok := closeHint(err); ok {
		return "1013 " + why
	}
	var he *handshakeError
	if errors.As(err, &he) {
		return "handshake " + strconv.Itoa(he.status)
	}
	return "error"
}

// refusalHint says whether a failed first connect was a refusal for
// capacity, and the wait it asked for.
func refusalHint(err error) (time.Duration, bool) {
	if hint, _, ok := closeHint(err); ok {
		return hint, true
	}
	var he *handshakeError
	if errors.As(err, &he) && retryable(he.status) {
		return he.retryAfter, true
	}
	return 0, false
}

func (u *user) remember(room, seq int64) {
	u.r.own.afterAck(u.r.sockCtx, u, room, seq)
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.mine) >= 16 {
		u.mine = u.mine[1:]
	}
	u.mine = append(u.mine, ownMessage{room, seq})
}

func (u *user) takeOwn() (ownMessage, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.mine) == 0 {
		return ownMessage{}, false
	}
	m := u.mine[len(u.mine)-1]
	u.mine = u.mine[:len(u.mine)-1]
	return m, true
}

// get does a GET that revalidates with the ETag of the last answer.
func (u *user) get(ctx context.Context, action, path string, out any) error {
	a, err := u.api.do(ctx, call{action: action, method: http.MethodGet, path: path,
		etag: u.etags[path], accept: []int{200, 304}, out: out})
	if err == nil && a.etag != "" {
		if len(u.etags) > 64 {
			clear(u.etags)
		}
		u.etags[path] = a.etag
	}
	return err
}

func (u *user) listRooms(ctx context.Context, action string) error {
	var ans roomsAnswer
	return u.get(ctx, action, "/api/v1/rooms", &ans)
}

func (u *user) history(ctx context.Context, action string, room int64, query string) error {
	var ans messagesAnswer
	path := "/api/v1/rooms/" + strconv.FormatInt(room, 10) + "/messages" + query
	return u.get(ctx, action, path, &ans)
}

// post sends a message through the socket; its ack arrives on the socket.
func (u *user) post(room int64) error {
	n := u.sends.Add(1)
	clientID := "l" + strconv.Itoa(u.idx) + "-" + strconv.FormatInt(n, 10) + "-" + u.r.tag
	return u.sock.send(room, messageBody(time.Now(), u.idx, u.r.cfg.BodySize), clientID)
}

func roomPath(room int64) string {
	return "/api/v1/rooms/" + strconv.FormatInt(room, 10)
}

func errIgnoreCanceled(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("user: %w", err)
	}
	return nil
}
