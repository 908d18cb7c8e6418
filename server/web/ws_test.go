package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
	"github.com/parleychat/parley/server/web/rules"
)

// newWSEnv is a server with the real hub mounted at /ws, listening on a
// free port; it returns the env and its base URL.
func newWSEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	_, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	h := hub.New(hub.Options{Logger: slog.New(slog.DiscardHandler)})
	a.SetNotifier(h)
	a.SetPresence(h)
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		_ = h.Run(ctx)
	}()
	srv, err := web.New(web.Options{App: a, WebSocket: h.Handler(a), Instance: "test"})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, srv: srv}
	base := e.serve(t)
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = h.Shutdown(sctx)
		cancel()
		<-runDone
	})
	return e, base
}

// dialWS tries a WebSocket handshake on path with a session cookie and
// Origin; it returns the connection (nil when refused) and the status.
func dialWS(t *testing.T, base, path, token, origin string) (*websocket.Conn, int) {
	t.Helper()
	h := http.Header{}
	h.Set("Cookie", rules.SessionCookie+"="+token)
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, res, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+path, h)
	status := 0
	if res != nil {
		status = res.StatusCode
		res.Body.Close()
	}
	if err != nil {
		return nil, status
	}
	return conn, status
}

// TestWebSocketOrigin is finding 1: the Origin check held for /ws only,
// while the router also served /WS, /Ws and /ws/, so a cross-site page
// could open an authenticated socket and post in a private room.
func TestWebSocketOrigin(t *testing.T) {
	e, base := newWSEnv(t)
	alice := e.signUp("wsorigin")
	room := e.createRoom(alice, "secret", chat.RoomPrivate)

	t.Run("ErrCrossSiteEverySpelling", func(t *testing.T) {
		for _, path := range []string{"/ws", "/WS", "/Ws", "/wS", "/ws/", "/ws//", "//ws", "/ws?x=1", "/WS/"} {
			conn, status := dialWS(t, base, path, alice.token, "http://evil.example")
			if conn != nil {
				// Show what the hijack could do before failing.
				_ = conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"send","room_id":%d,"body":"hijacked","client_id":"evil-%d"}`, room.ID, len(path)))
				time.Sleep(200 * time.Millisecond)
				conn.Close()
				t.Errorf("%s: cross-site handshake upgraded (status %d)", path, status)
				continue
			}
			if status == http.StatusSwitchingProtocols || status == 0 {
				t.Errorf("%s: status %d, want a refusal", path, status)
			}
		}
		if msgs, _ := e.messages(alice, room.ID, ""); len(msgs) != 0 {
			t.Errorf("a cross-site socket stored %d messages: %+v", len(msgs), msgs)
		}
	})
	t.Run("ErrCrossSiteWithoutOrigin", func(t *testing.T) {
		h := http.Header{}
		h.Set("Cookie", rules.SessionCookie+"="+alice.token)
		h.Set("Sec-Fetch-Site", "cross-site")
		d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
		conn, res, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", h)
		if err == nil {
			conn.Close()
			t.Fatal("a handshake marked cross-site upgraded")
		}
		if res == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("got %v, want 403", res)
		}
	})
	t.Run("ErrOtherSpellingsSameSite", func(t *testing.T) {
		for _, path := range []string{"/WS", "/ws/", "/ws//"} {
			if conn, status := dialWS(t, base, path, alice.token, base); conn != nil {
				conn.Close()
				t.Errorf("%s: upgraded (status %d); only /ws is the socket", path, status)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		conn, status := dialWS(t, base, "/ws", alice.token, base)
		if conn == nil {
			t.Fatalf("same-site handshake refused: status %d", status)
		}
		conn.Close()
	})
}

// TestLocalsKeys: the hub reads the user and the session under its own
// names, which the web layer's authentication must fill.
func TestLocalsKeys(t *testing.T) {
	if rules.LocalUser != hub.UserLocal || rules.LocalSession != hub.SessionLocal || web.LocalUser != hub.UserLocal {
		t.Fatalf("locals keys %q/%q differ from the hub's %q/%q", rules.LocalUser, rules.LocalSession, hub.UserLocal, hub.SessionLocal)
	}
}
