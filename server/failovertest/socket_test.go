package failovertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// frame is any server → client event; fields unused by a type stay zero.
type frame struct {
	Type     string          `json:"type"`
	ClientID string          `json:"client_id"`
	Code     string          `json:"code"`
	Message  json.RawMessage `json:"message"`
}

// socket is one /ws connection; a reader goroutine owns reads and closes
// frames when the connection ends.
type socket struct {
	conn   *websocket.Conn
	frames chan frame
}

// dial opens /ws as c's user and waits for ready.
func dial(tb testing.TB, c *client) (*socket, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(c.base, "http") + "/ws?token=" + url.QueryEscape(c.token)
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
	if err != nil {
		return nil, fmt.Errorf("dial /ws: %w", err)
	}
	s := &socket{conn: conn, frames: make(chan frame, 256)}
	go func() {
		defer close(s.frames)
		for {
			_, b, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var f frame
			if json.Unmarshal(b, &f) == nil {
				s.frames <- f
			}
		}
	}()
	tb.Cleanup(func() { _ = conn.Close() })
	f, ok := s.next(10 * time.Second)
	if !ok || f.Type != "ready" {
		_ = conn.Close()
		return nil, fmt.Errorf("first frame %+v (open %v), want ready", f, ok)
	}
	return s, nil
}

// next returns the next frame; ok is false when the connection ended or
// nothing came within d.
func (s *socket) next(d time.Duration) (frame, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case f, ok := <-s.frames:
		return f, ok
	case <-t.C:
		return frame{}, false
	}
}

// send sends a message and returns the ack or error frame that answers
// it; ok is false when the connection ended first.
func (s *socket) send(room int64, body, clientID string) (frame, bool) {
	err := s.conn.WriteJSON(map[string]any{"type": "send", "room_id": room, "body": body, "client_id": clientID})
	if err != nil {
		return frame{}, false
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		f, ok := s.next(time.Until(deadline))
		if !ok {
			return frame{}, false
		}
		if (f.Type == "ack" || f.Type == "error") && f.ClientID == clientID {
			return f, true
		}
	}
	return frame{}, false
}
