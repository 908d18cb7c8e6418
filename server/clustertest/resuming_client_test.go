package clustertest_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
)

// resumingClient is one user's WebSocket as a well-behaved client keeps
// it: it names its resume point whenever it connects, reconnects when the
// connection ends, and sends again whatever was not acked, with the same
// client_id. One goroutine owns it at a time; it reports instead of
// failing the test.
type resumingClient struct {
	api   *apiClient
	rooms []int64

	conn     *websocket.Conn
	instance string // replica of the current connection
	first    string // replica of the first connection

	last  map[int64]int64 // room -> last seq received
	got   map[int64]int   // room -> messages received
	acked map[string]int64
	// refused holds the hint of a send answered "later" (rate_limited,
	// unavailable): the client sends it again after that wait.
	refused  map[string]time.Duration
	problems []string
	// reconnects and resent are counted for the log.
	reconnects, resent int
	// acks counts acks across clients, for the test to time its blows.
	acks *atomic.Int64
}

func newResumingClient(a *apiClient, rooms []int64, acks *atomic.Int64) *resumingClient {
	return &resumingClient{api: a, rooms: rooms, acks: acks, last: map[int64]int64{}, got: map[int64]int{}, acked: map[string]int64{}, refused: map[string]time.Duration{}}
}

func (w *resumingClient) problem(format string, args ...any) {
	if len(w.problems) < 10 {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	}
}

// dial opens /ws with the resume point of every room, retrying until ctx
// ends: while a replica dies nginx may refuse a few.
func (w *resumingClient) dial(ctx context.Context) error {
	var pairs []string
	for _, r := range w.rooms {
		pairs = append(pairs, fmt.Sprintf("%d:%d", r, w.last[r]))
	}
	u := "ws" + strings.TrimPrefix(w.api.base, "http") + "/ws?token=" + url.QueryEscape(w.api.token) +
		"&resume=" + url.QueryEscape(strings.Join(pairs, ","))
	d := websocket.Dialer{NetDialContext: boundDialer(w.api.ip).DialContext, HandshakeTimeout: 5 * time.Second}
	for {
		conn, resp, err := d.DialContext(ctx, u, nil)
		if err == nil {
			w.conn, w.instance = conn, resp.Header.Get("X-Parley-Instance")
			if w.first == "" {
				w.first = w.instance
			}
			e, err := w.read(time.Now().Add(10 * time.Second))
			if err == nil && e.Type != "ready" {
				err = fmt.Errorf("first event %q, want ready", e.Type)
			}
			if err == nil {
				return nil
			}
			w.drop()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: connect: %w (last error %v)", w.api.name, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (w *resumingClient) drop() {
	if w.conn != nil {
		_ = w.conn.Close()
		w.conn = nil
	}
}

// read returns the next event, recording messages and acks on the way.
func (w *resumingClient) read(deadline time.Time) (event, error) {
	_ = w.conn.SetReadDeadline(deadline)
	_, raw, err := w.conn.ReadMessage()
	if err != nil {
		return event{}, err
	}
	e, err := decodeEvent(raw)
	if err != nil {
		return e, fmt.Errorf("bad frame %q: %w", raw, err)
	}
	switch e.Type {
	case "message":
		m := e.Message
		if want := w.last[m.RoomID] + 1; m.Seq != want {
			w.problem("room %d: seq %d after %d on %s", m.RoomID, m.Seq, w.last[m.RoomID], w.instance)
		}
		if m.Seq > w.last[m.RoomID] {
			w.last[m.RoomID] = m.Seq
		}
		w.got[m.RoomID]++
	case "ack":
		w.acked[e.ClientID] = e.Message.Seq
	case "error":
		if e.ClientID != "" && (e.Code == "rate_limited" || e.Code == "unavailable") {
			w.refused[e.ClientID] = time.Duration(max(e.RetryAfter, 1)) * time.Second
			break
		}
		w.problem("error %q (%s) for client_id %q", e.Code, e.Text, e.ClientID)
	}
	return e, nil
}

// send commits one message, reconnecting and sending it again with the
// same client_id until it is acked.
func (w *resumingClient) send(ctx context.Context, room int64, clientID string) error {
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			w.resent++
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: send %s: %w", w.api.name, clientID, ctx.Err())
		}
		if w.conn == nil {
			w.reconnects++
			if err := w.dial(ctx); err != nil {
				return err
			}
		}
		_ = w.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		err := w.conn.WriteJSON(map[string]any{"type": "send", "room_id": room, "body": "from " + w.api.name, "client_id": clientID})
		deadline := time.Now().Add(10 * time.Second)
		for err == nil {
			if _, ok := w.acked[clientID]; ok {
				w.acks.Add(1)
				return nil
			}
			if hint, ok := w.refused[clientID]; ok {
				// Asked to come back later: the hint is the protocol's
				// pacing, as a real client follows it.
				delete(w.refused, clientID)
				select {
				case <-ctx.Done():
				case <-time.After(hint):
				}
				break
			}
			_, err = w.read(deadline)
		}
		if err == nil {
			continue // refused: send it again with the same client_id
		}
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("%s: no ack for %s on %s within 10s", w.api.name, clientID, w.instance)
		}
		w.drop() // the connection ended: reconnect, resume, send again
	}
}

// drain reads until every room has reached its wanted last seq.
func (w *resumingClient) drain(ctx context.Context, want map[int64]int64) error {
	for {
		done := true
		for _, r := range w.rooms {
			done = done && w.last[r] >= want[r]
		}
		if done {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: have %v, want %v: %w", w.api.name, w.last, want, ctx.Err())
		}
		if w.conn == nil {
			w.reconnects++
			if err := w.dial(ctx); err != nil {
				return err
			}
		}
		// A timed-out read leaves the connection unusable: wait long.
		deadline, _ := ctx.Deadline()
		if _, err := w.read(deadline); err != nil {
			w.drop()
		}
	}
}
