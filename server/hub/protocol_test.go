package hub_test

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// rawFrame reads one server frame off a raw connection: its first header
// byte and payload.
func rawFrame(tb testing.TB, c net.Conn) (byte, []byte) {
	tb.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	read := func(n int) []byte {
		b := make([]byte, n)
		for got := 0; got < n; {
			k, err := c.Read(b[got:])
			if err != nil {
				tb.Fatalf("read frame: %v", err)
			}
			got += k
		}
		return b
	}
	h := read(2)
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		l := read(2)
		n = int(l[0])<<8 | int(l[1])
	case 127:
		l := read(8)
		n = 0
		for _, b := range l {
			n = n<<8 | int(b)
		}
	}
	return h[0], read(n)
}

const rsv1 = 0x40 // set on permessage-deflate frames

func TestCompression(t *testing.T) {
	big := strings.Repeat("compress me ", 300)
	for _, tc := range []struct {
		name       string
		on         bool
		body       string
		compressed bool
	}{
		{"OK", true, big, true},
		{"Small", true, "short", false},
		{"Off", false, big, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := hub.DefaultOptions()
			o.Compression = tc.on
			url, h := startFake(t, o)
			ws := dialRaw(t, url, "1")
			// ready may sit in the client's buffer with the handshake: read it
			// through the library, then the next frame raw.
			if _, data, err := ws.ReadMessage(); err != nil || !strings.Contains(string(data), `"ready"`) {
				t.Fatalf("first frame %q, %v; want ready", data, err)
			}
			raw := ws.NetConn()
			h.MessageCreated(context.Background(), &chat.Message{RoomID: 1, Seq: 1, Body: tc.body})
			b0, payload := rawFrame(t, raw)
			if got := b0&rsv1 != 0; got != tc.compressed {
				t.Fatalf("compressed = %v (payload %d bytes), want %v", got, len(payload), tc.compressed)
			}
			if tc.compressed && len(payload) > len(big)/4 {
				t.Fatalf("compressed payload %d bytes for a %d-byte body", len(payload), len(big))
			}
		})
	}
}

func TestKeepalive(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		url, _ := startFake(t, hub.Options{PingInterval: 50 * time.Millisecond, PongTimeout: 400 * time.Millisecond})
		ws := dialRaw(t, url, "1")
		var pings atomic.Int32
		ws.SetPingHandler(func(data string) error {
			pings.Add(1)
			return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		})
		c := newClient(t, ws)
		c.next(wait, "ready")
		// Answering pings keeps the connection open past the pong timeout.
		c.none(1200*time.Millisecond, "error")
		if pings.Load() < 5 {
			t.Fatalf("%d pings in 1.2s, want at least 5", pings.Load())
		}
	})
	t.Run("ErrSilent", func(t *testing.T) {
		url, _ := startFake(t, hub.Options{PingInterval: time.Hour, PongTimeout: 200 * time.Millisecond})
		ws := dialRaw(t, url, "1")
		// A client that never reads never answers a ping: after the pong
		// timeout the server drops it.
		time.Sleep(500 * time.Millisecond)
		_ = ws.SetReadDeadline(time.Now().Add(wait))
		for {
			_, _, err := ws.ReadMessage()
			if err == nil {
				continue
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("connection still open long after the pong timeout")
			}
			return
		}
	})
}

func TestQueueFull(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		url, h := startFake(t, hub.Options{QueueSize: 2})
		c := dial(t, url, "1")
		c.next(wait, "ready")
		// A burst far beyond the queue: the connection is closed with a
		// reason rather than waited on.
		for i := range 200 {
			h.MessageCreated(context.Background(), &chat.Message{RoomID: 1, Seq: int64(i + 1), Body: "x"})
		}
		if code := c.closeCode(wait); code != websocket.CloseTryAgainLater {
			t.Fatalf("close code %d, want 1013", code)
		}
	})
}
