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
			raw := ws.NetConn()
			if b0, _ := rawFrame(t, raw); b0&rsv1 != 0 {
				t.Fatal("small ready frame was compressed")
			}
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
		url, _ := startFake(t, hub.Options{PingInterval: 50 * time.Millisecond, PongTimeout: 200 * time.Millisecond})
		ws := dialRaw(t, url, "1")
		var pings atomic.Int32
		ws.SetPingHandler(func(data string) error {
			pings.Add(1)
			return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		})
		c := newClient(t, ws)
		c.next(wait, "ready")
		// Answering pings keeps the connection open past the pong timeout.
		c.none(600*time.Millisecond, "error")
		if pings.Load() < 3 {
			t.Fatalf("%d pings in 600ms, want at least 3", pings.Load())
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
