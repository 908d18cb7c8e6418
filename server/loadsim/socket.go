package loadsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
)

// WSStats counts what happened to the simulated sockets.
type WSStats struct {
	Connected       atomic.Int64 // sockets currently past their ready event
	Connects        atomic.Int64
	ConnectFailures atomic.Int64
	Drops           atomic.Int64 // unplanned disconnects, each followed by a reconnect
	Planned         atomic.Int64 // reconnects the model asked for
	GapResumes      atomic.Int64 // resumes sent because a live message skipped seqs
	// Refused counts connects the server refused for capacity (1013 with
	// retry_after, or a 503/429 handshake), each retried after its hint.
	Refused atomic.Int64
	mu      sync.Mutex
	errors  map[string]int64
	// sendRefusals counts sends answered unavailable or rate_limited by
	// code: each is sent again later with the same client id.
	sendRefusals map[string]int64
}

func (w *WSStats) sendRefused(code string) {
	w.mu.Lock()
	if w.sendRefusals == nil {
		w.sendRefusals = make(map[string]int64)
	}
	w.sendRefusals[code]++
	w.mu.Unlock()
}

func (w *WSStats) serverError(code string) {
	w.mu.Lock()
	if w.errors == nil {
		w.errors = make(map[string]int64)
	}
	w.errors[code]++
	w.mu.Unlock()
}

// socket is one user's WebSocket, re-dialed and resumed whenever it drops
// until its context ends.
type socket struct {
	url    string
	dialer *websocket.Dialer
	recv   *Receiver
	ledger *Ledger
	stats  *WSStats
	onAck  func(room, seq int64)
	// onReaction, when set, hears reaction and reaction_batch events.
	onReaction func(ev event)
	id         int           // the user's index, for the recovery book
	book       *recoveryBook // times unplanned disconnects; nil: not kept

	wmu      sync.Mutex // one writer at a time, as the library requires
	mu       sync.Mutex
	conn     *websocket.Conn
	planned  atomic.Bool  // the next disconnect was asked for
	final    atomic.Bool  // no more reconnects: the run is ending
	gen      atomic.Int64 // connection number
	asked    atomic.Int64 // resumes sent on this connection
	answered atomic.Int64 // resumed events received on this connection
	// replayFailed says an error came while resuming: the replay may be
	// incomplete, so the final check cannot trust this receiver.
	replayFailed atomic.Bool
	readyCh      chan struct{}
	resumed      chan struct{}
	outbox       sync.Map // client id → send frame awaiting its ack
	retries      retryTimers
}

func newSocket(base, token string, dialer *websocket.Dialer, recv *Receiver, l *Ledger, st *WSStats) *socket {
	u, _ := url.Parse(base) // validated by Config
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = "/ws"
	u.RawQuery = url.Values{"token": {token}}.Encode()
	return &socket{
		url: u.String(), dialer: dialer, recv: recv, ledger: l, stats: st,
		readyCh: make(chan struct{}), resumed: make(chan struct{}, 1),
	}
}

// run dials, reads and re-dials until ctx ends. It closes readyCh after
// the first ready event, or returns early with the dial error when the
// very first connection fails.
func (s *socket) run(ctx context.Context) error {
	defer s.retries.stopAll()
	first := true
	for ctx.Err() == nil {
		// A reconnection names its resume point at connect, so the server
		// replays before any live message of those rooms, as a browser does.
		target, resuming := s.url, false
		if !first {
			if point := resumePoint(s.recv.Watermarks()); point != "" {
				target, resuming = s.url+"&resume="+point, true
			}
		}
		conn, resp, err := s.dialer.DialContext(ctx, target, nil)
		if err != nil && resp != nil {
			err = &handshakeError{status: resp.StatusCode, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After")), err: err}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.stats.ConnectFailures.Add(1)
			if first {
				return fmt.Errorf("ws: dial: %w", err)
			}
			if !sleepCtx(ctx, s.refusedWait(resp, err)) {
				return nil
			}
			continue
		}
		s.stats.Connects.Add(1)
		s.mu.Lock()
		s.conn = conn
		s.gen.Add(1)
		s.asked.Store(0)
		if resuming {
			s.asked.Store(1)
		}
		s.answered.Store(0)
		s.mu.Unlock()
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		gotReady, err := s.read(conn, !first)
		droppedAt := time.Now()
		stop()
		conn.Close()
		if first && !gotReady {
			s.stats.ConnectFailures.Add(1)
			return fmt.Errorf("ws: before ready: %w", err)
		}
		first = false
		if gotReady {
			s.stats.Connected.Add(-1)
		}
		if ctx.Err() != nil || s.final.Load() {
			return nil
		}
		if s.planned.Swap(false) {
			s.stats.Planned.Add(1)
		} else {
			s.stats.Drops.Add(1)
			s.recv.Dropped()
			if s.book != nil {
				s.book.Dropped(s.id, droppedAt)
			}
			if !sleepCtx(ctx, s.refusedWait(nil, err)) {
				return nil
			}
		}
	}
	return nil
}

// handshakeError is an upgrade the server answered with an HTTP status.
type handshakeError struct {
	status     int
	retryAfter time.Duration
	err        error
}

func (e *handshakeError) Error() string { return fmt.Sprintf("%v (status %d)", e.err, e.status) }
func (e *handshakeError) Unwrap() error { return e.err }

func backoff() time.Duration {
	return 200*time.Millisecond + rand.N(800*time.Millisecond)
}

// refusedWait is how long to wait before dialing again after a failed
// dial (resp, when the server answered the handshake) or a dropped
// connection (err): the hint of a refusal for capacity plus jitter, as
// the web app waits, else the usual short backoff.
func (s *socket) refusedWait(resp *http.Response, err error) time.Duration {
	if resp != nil && retryable(resp.StatusCode) {
		s.stats.Refused.Add(1)
		return browserRetry.delay(0, parseRetryAfter(resp.Header.Get("Retry-After")))
	}
	if hint, _, ok := closeHint(err); ok {
		s.stats.Refused.Add(1)
		return browserRetry.delay(0, hint)
	}
	return backoff()
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (s *socket) isReady() bool {
	select {
	case <-s.readyCh:
		return true
	default:
		return false
	}
}

// read handles frames until the connection fails and says whether a ready
// event came. A reconnection (which named its resume point when it dialed)
// sends again what still awaits its ack, as a browser's outbox would; the
// client id makes the retry safe.
func (s *socket) read(conn *websocket.Conn, reconnect bool) (gotReady bool, err error) {
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return gotReady, err
		}
		now := time.Now()
		if room, seq, sent, ok := fastMessage(b); ok {
			if err := s.deliver(room, seq, sent, now); err != nil {
				return gotReady, err
			}
			continue
		}
		ev, err := decodeEvent(b)
		if err != nil {
			return gotReady, err
		}
		switch ev.Type {
		case "ready":
			s.recv.Ready(roomSeqs(ev.Rooms))
			s.stats.Connected.Add(1)
			gotReady = true
			if !s.isReady() {
				close(s.readyCh)
			}
			if reconnect {
				if s.book != nil && !s.resuming() {
					s.book.Recovered(s.id, now)
				}
				if err := s.resend(); err != nil {
					return gotReady, err
				}
			}
		case "message":
			if m := ev.Message; m != nil {
				if err := s.deliver(m.RoomID, m.Seq, sentAt(m.Body), now); err != nil {
					return gotReady, err
				}
			}
		case "ack":
			s.outbox.Delete(ev.ClientID)
			if m := ev.Message; m != nil {
				s.ledger.Acked(ev.ClientID, m.RoomID, m.Seq, now)
				if s.onAck != nil {
					s.onAck(m.RoomID, m.Seq)
				}
			}
		case "resumed":
			s.answered.Add(1)
			if s.book != nil {
				s.book.Recovered(s.id, now)
			}
			select {
			case s.resumed <- struct{}{}:
			default:
			}
		case "reaction", "reaction_batch":
			if s.onReaction != nil {
				s.onReaction(ev)
			}
		case "room_joined":
			if ev.Room != nil {
				s.recv.Joined(ev.Room.ID, ev.Room.LastSeq)
			}
		case "error":
			s.stats.serverError(ev.Code)
			if ev.ClientID == "" && s.resuming() {
				s.replayFailed.Store(true)
			}
			if ev.ClientID != "" && retriedSendCode(ev.Code) {
				s.stats.sendRefused(ev.Code)
				s.retryLater(ev.ClientID, ev.RetryAfter)
			} else if ev.ClientID != "" {
				s.outbox.Delete(ev.ClientID)
				s.ledger.SendFailed(ev.ClientID)
			}
		}
	}
}

var errNoConn = errors.New("ws: not connected")

func (s *socket) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("ws: encode: %w", err)
	}
	return s.writeRaw(b)
}

func (s *socket) writeRaw(b []byte) error {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn == nil {
		return errNoConn
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("ws: write: %w", err)
	}
	return nil
}

// kick closes the connection on purpose; run reconnects and resumes.
func (s *socket) kick() {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		s.planned.Store(true)
		conn.Close()
	}
}
