package hub_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// closeTryLater is the documented close code of a socket refused for
// capacity: 1013 with "retry_after=<seconds>" in its reason.
const closeTryLater = 1013

// gatedChat holds every MyRooms call until release is closed, so that the
// connect phase stays saturated for as long as a test needs, or fails it.
type gatedChat struct {
	hub.Chat
	entered chan struct{}
	release chan struct{}
	fail    bool
}

func (g *gatedChat) MyRooms(ctx context.Context, u *chat.User) ([]chat.Room, error) {
	g.entered <- struct{}{}
	if g.fail {
		return nil, errors.New("test: the store is saturated")
	}
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Chat.MyRooms(ctx, u)
}

func newGatedReplica(t *testing.T, o hub.Options, fail bool) (*replica, *gatedChat) {
	t.Helper()
	g := &gatedChat{entered: make(chan struct{}, 16), release: make(chan struct{}), fail: fail}
	r := newReplica(t, testenv.NewDatabase(t), o, func(a *app.App) hub.Chat {
		g.Chat = a
		return g
	})
	return r, g
}

// closeOf reads from ws until the server closes it and returns the close
// code and reason; an event first fails the test.
func closeOf(t *testing.T, ws *websocket.Conn) (int, string) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	_, data, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("got %q, %v; want a close frame", data, err)
	}
	return ce.Code, ce.Text
}

func wantTryLater(t *testing.T, ws *websocket.Conn, why string) {
	t.Helper()
	code, text := closeOf(t, ws)
	if code != closeTryLater || !strings.HasPrefix(text, why) || !strings.HasSuffix(text, "retry_after=2") {
		t.Fatalf("closed with %d %q; want %d %q… ending in retry_after=2", code, text, closeTryLater, why)
	}
}

func TestConnectAdmission(t *testing.T) {
	t.Run("ErrConnectPhaseFull", func(t *testing.T) {
		r, g := newGatedReplica(t, hub.Options{ConnectSlots: 1, ConnectQueue: -1}, false)
		_, first := newUser(t, r.App)
		_, second := newUser(t, r.App)
		holder := dial(t, r.URL, first)
		<-g.entered
		start := time.Now()
		wantTryLater(t, dialRaw(t, r.URL, second), "server busy")
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("refused after %v; want at once", d)
		}
		if s := r.Hub.ConnectGate().Stats(); s.QueueFull != 1 || s.InUse != 1 {
			t.Fatalf("gate stats = %+v; want one slot held and one queue_full refusal", s)
		}
		close(g.release)
		holder.next(wait, "ready")
		// The slot is free again: the refused user gets in.
		dial(t, r.URL, second).next(wait, "ready")
	})
	t.Run("ErrQueueWait", func(t *testing.T) {
		r, g := newGatedReplica(t, hub.Options{ConnectSlots: 1, ConnectQueue: 4, ConnectWait: 20 * time.Millisecond}, false)
		defer close(g.release)
		_, first := newUser(t, r.App)
		_, second := newUser(t, r.App)
		dial(t, r.URL, first)
		<-g.entered
		wantTryLater(t, dialRaw(t, r.URL, second), "server busy")
		if s := r.Hub.ConnectGate().Stats(); s.Late != 1 {
			t.Fatalf("gate stats = %+v; want one queue_wait refusal", s)
		}
	})
	t.Run("ErrRoomsNotLoaded", func(t *testing.T) {
		// A connect whose rooms cannot be loaded is told to retry later
		// (1013), never 1011, and frees its slot.
		r, g := newGatedReplica(t, hub.Options{ConnectSlots: 1, ConnectQueue: -1}, true)
		_, token := newUser(t, r.App)
		ws := dialRaw(t, r.URL, token)
		<-g.entered
		wantTryLater(t, ws, "could not load rooms")
		waitUntil(t, "the connect slot to be freed", func() bool { return r.Hub.ConnectGate().Stats().InUse == 0 })
		if n := r.Hub.ConnectRefusals().Count(); n != 1 {
			t.Fatalf("rooms_unavailable refusals = %d; want the one refused connect counted", n)
		}
	})
}

// waitUntil polls cond until it holds or the test's patience runs out.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
