package clustertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// event is any server → client frame; fields unused by a type stay zero.
type event struct {
	Type     string           `json:"type"`
	Message  *apiMessage      `json:"message"`
	ClientID string           `json:"client_id"`
	Code     string           `json:"code"`
	Rooms    map[string]int64 `json:"rooms"`
	// RoomID and Seq are set on events about one message (mention).
	RoomID int64 `json:"room_id"`
	Seq    int64 `json:"seq"`
	// Text is the human message of an error event.
	Text string `json:"-"`
	// RetryAfter is an error event's hint, in seconds.
	RetryAfter int `json:"retry_after"`
}

// decodeEvent reads one frame. "message" is a message object in message
// events and a human text in error events.
func decodeEvent(raw []byte) (event, error) {
	var e event
	var wire struct {
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return e, err
	}
	if len(wire.Message) > 0 && wire.Message[0] == '"' {
		if err := json.Unmarshal(wire.Message, &e.Text); err != nil {
			return e, err
		}
		var rest struct {
			Type       string `json:"type"`
			ClientID   string `json:"client_id"`
			Code       string `json:"code"`
			RetryAfter int    `json:"retry_after"`
		}
		err := json.Unmarshal(raw, &rest)
		e.Type, e.ClientID, e.Code, e.RetryAfter = rest.Type, rest.ClientID, rest.Code, rest.RetryAfter
		return e, err
	}
	err := json.Unmarshal(raw, &e)
	return e, err
}

// socket is one WebSocket connection through nginx. A single reader
// goroutine owns reads and ends when the connection does; only the test
// goroutine writes.
type socket struct {
	conn     *websocket.Conn
	instance string        // X-Parley-Instance of the 101 answer
	events   chan event    // closed when the connection ends
	done     chan struct{} // closed after err is set
	err      error         // why the connection ended
}

// connect opens /ws with the client's token from the client's address.
func (a *apiClient) connect(tb testing.TB) *socket {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := websocket.Dialer{NetDialContext: boundDialer(a.ip).DialContext, HandshakeTimeout: 10 * time.Second}
	u := "ws" + strings.TrimPrefix(a.base, "http") + "/ws?token=" + url.QueryEscape(a.token)
	conn, resp, err := d.DialContext(ctx, u, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		tb.Fatalf("%s: dial /ws: %v (status %d)", a.name, err, status)
	}
	s := &socket{
		conn:     conn,
		instance: resp.Header.Get("X-Parley-Instance"),
		events:   make(chan event, 4096),
		done:     make(chan struct{}),
	}
	go s.read()
	tb.Cleanup(s.close)
	return s
}

func (s *socket) read() {
	defer close(s.done)
	defer close(s.events)
	for {
		_, raw, err := s.conn.ReadMessage()
		if err != nil {
			s.err = err
			return
		}
		e, err := decodeEvent(raw)
		if err != nil {
			s.err = fmt.Errorf("bad frame %q: %w", raw, err)
			return
		}
		s.events <- e
	}
}

// close ends the connection and waits for its reader.
func (s *socket) close() {
	_ = s.conn.Close()
	<-s.done
}

func (s *socket) send(tb testing.TB, v any) {
	tb.Helper()
	_ = s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := s.conn.WriteJSON(v); err != nil {
		tb.Fatalf("write %v: %v", v, err)
	}
}

// next returns the next event, failing the test on timeout or a closed
// connection.
func (s *socket) next(tb testing.TB, within time.Duration) event {
	tb.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			<-s.done
			tb.Fatalf("connection to %s ended: %v", s.instance, s.err)
		}
		return e
	case <-time.After(within):
		tb.Fatalf("no event from %s within %v", s.instance, within)
	}
	return event{}
}

// ready reads the first event, which must be ready.
func (s *socket) ready(tb testing.TB) event {
	tb.Helper()
	e := s.next(tb, 10*time.Second)
	if e.Type != "ready" {
		tb.Fatalf("first event from %s is %q, want ready", s.instance, e.Type)
	}
	return e
}

// closed waits for the server to end the connection and returns its close
// code (or 0 when it ended without a close frame).
func (s *socket) closed(tb testing.TB, within time.Duration) int {
	tb.Helper()
	deadline := time.After(within)
	for {
		select {
		case _, ok := <-s.events:
			if ok {
				continue // whatever was still queued before the close
			}
			<-s.done
			var ce *websocket.CloseError
			if errors.As(s.err, &ce) {
				return ce.Code
			}
			return 0
		case <-deadline:
			tb.Fatalf("connection to %s still open after %v", s.instance, within)
		}
	}
}

// inbox records what one connection received of one room.
type inbox struct {
	room  int64
	seqs  map[int64]int // seq -> times received as a message event
	order []int64       // seqs in arrival order
	acks  map[string]int64
}

func newInbox(room int64) *inbox {
	return &inbox{room: room, seqs: map[int64]int{}, acks: map[string]int64{}}
}

// take records e; it reports whether e was a resumed event.
func (in *inbox) take(tb testing.TB, e event) bool {
	tb.Helper()
	switch e.Type {
	case "message":
		if e.Message != nil && e.Message.RoomID == in.room {
			in.seqs[e.Message.Seq]++
			in.order = append(in.order, e.Message.Seq)
		}
	case "ack":
		if e.Message != nil {
			in.acks[e.ClientID] = e.Message.Seq
		}
	case "error":
		tb.Errorf("error event %q for client_id %q", e.Code, e.ClientID)
	case "resumed":
		return true
	}
	return false
}

// upTo reports whether every seq in 1..n has arrived.
func (in *inbox) upTo(n int64) bool {
	for seq := int64(1); seq <= n; seq++ {
		if in.seqs[seq] == 0 {
			return false
		}
	}
	return true
}

// collect reads events until seqs 1..n have all arrived.
func (in *inbox) collect(tb testing.TB, s *socket, n int64, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !in.upTo(n) {
		left := time.Until(deadline)
		if left <= 0 {
			tb.Fatalf("connection on %s: have %d of seqs 1..%d after %v", s.instance, len(in.seqs), n, within)
		}
		in.take(tb, s.next(tb, left))
	}
}

// duplicates lists seqs received more than once.
func (in *inbox) duplicates() []int64 {
	var out []int64
	for seq, n := range in.seqs {
		if n > 1 {
			out = append(out, seq)
		}
	}
	return out
}
