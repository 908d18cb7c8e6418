package hub_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// collectRun reads the messages of room on c until done says enough, and
// fails as soon as one is not the next of from, from+1, … (a gap, repeat
// or disorder). done is asked again after each event and when recheck
// fires (what it depends on may change without an event). Safe off the
// test goroutine.
func collectRun(c *client, room, from int64, timeout time.Duration, recheck <-chan struct{}, done func(got []int64, resumed bool) bool) ([]int64, error) {
	var got []int64
	resumed := false
	deadline := time.After(timeout)
	for !done(got, resumed) {
		select {
		case e, ok := <-c.events:
			if !ok {
				return got, fmt.Errorf("connection closed after %d messages", len(got))
			}
			switch {
			case e.Type == "error":
				return got, fmt.Errorf("error event %+v", e)
			case e.Type == "resumed":
				resumed = true
			case e.Type == "message" && e.Msg != nil && e.Msg.RoomID == room:
				if want := from + int64(len(got)); e.Msg.Seq != want {
					return got, fmt.Errorf("seq #%d = %d, want %d (gap, repeat or disorder) after %v", len(got), e.Msg.Seq, want, brief(got))
				}
				got = append(got, e.Msg.Seq)
			}
		case <-recheck:
			recheck = nil
		case <-deadline:
			return got, fmt.Errorf("timed out after %d messages (resumed %v)", len(got), resumed)
		}
	}
	return got, nil
}

// TestResumeAtConnect reconnects 50 clients with a resume point while
// messages are committed without pause: across the reconnect every client
// sees every seq exactly once and in strictly increasing order.
func TestResumeAtConnect(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		const clients, perConn = 50, 15
		r := single(t, hub.Options{QueueSize: 1024})
		ctx := context.Background()
		alice, _ := newUser(t, r.App)
		tokens := make([]string, clients)
		members := make([]*chat.User, clients)
		for i := range clients {
			members[i], tokens[i] = newUser(t, r.App)
		}
		room := newRoom(t, r.App, alice, chat.RoomPublic, members...)
		key := strconv.FormatInt(room.ID, 10)

		// The sender commits continuously until every client has
		// reconnected, then sends a last marker everybody must reach.
		stop := make(chan struct{})
		var sent atomic.Int64
		var senderWG sync.WaitGroup
		senderWG.Add(1)
		go func() {
			defer senderWG.Done()
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				m, _, err := r.App.SendMessage(ctx, alice, room.ID, "live", fmt.Sprint("c", i))
				if err != nil {
					t.Errorf("send %d: %v", i, err)
					return
				}
				sent.Store(m.Seq)
			}
		}()

		first := make([]*client, clients)
		for i := range clients {
			first[i] = dial(t, r.URL, tokens[i])
		}
		var reconnected sync.WaitGroup
		reconnected.Add(clients)
		seconds := make([]*client, clients)
		errs := make(chan error, clients)
		var final atomic.Int64
		finalSet := make(chan struct{})
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- func() error {
					// Reconnected, or failed before: either way the sender
					// need not wait for this client any longer.
					var once sync.Once
					signal := func() { once.Do(reconnected.Done) }
					defer signal()
					c := first[i]
					ready := <-c.events
					if ready.Type != "ready" {
						return fmt.Errorf("client %d: first event %q", i, ready.Type)
					}
					from := ready.Rooms[key] + 1
					a, err := collectRun(c, room.ID, from, time.Minute, nil, func(got []int64, _ bool) bool { return len(got) >= perConn })
					if err != nil {
						return fmt.Errorf("client %d, first connection: %w", i, err)
					}
					_ = c.ws.Close()
					last := a[len(a)-1]
					c2, err := dialErr(t, r.URL+"?resume="+key+":"+strconv.FormatInt(last, 10), tokens[i])
					if err != nil {
						return fmt.Errorf("client %d: %w", i, err)
					}
					seconds[i] = c2
					signal()
					_, err = collectRun(c2, room.ID, last+1, 2*time.Minute, finalSet, func(got []int64, resumed bool) bool {
						select {
						case <-finalSet:
							return resumed && len(got) > 0 && got[len(got)-1] >= final.Load()
						default:
							return false
						}
					})
					if err != nil {
						return fmt.Errorf("client %d, after resume from %d: %w", i, last, err)
					}
					return nil
				}()
			}()
		}
		reconnected.Wait()
		close(stop)
		senderWG.Wait()
		// Nothing more is sent: the last committed seq is the marker every
		// client must reach.
		final.Store(sent.Load())
		close(finalSet)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		for _, c := range seconds {
			if c != nil {
				_ = c.ws.Close()
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		r := single(t, hub.Options{})
		_, token := newUser(t, r.App)
		for _, bad := range []string{"x", "1", "1:", ":1", "0:1", "-1:1", "1:-1", "1:1,1:2", "1:1,,2:2", "99999999999999999999:1"} {
			_, err := dialErr(t, r.URL+"?resume="+bad, token)
			if err == nil {
				t.Errorf("resume=%q upgraded", bad)
				continue
			}
			if he, ok := err.(*handshakeError); !ok || he.status != http.StatusUnprocessableEntity {
				t.Errorf("resume=%q: %v, want status 422", bad, err)
			}
		}
	})
	t.Run("NotMember", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, _ := newUser(t, r.App)
		_, tb := newUser(t, r.App)
		private := newRoom(t, r.App, alice, chat.RoomPrivate)
		c := dial(t, r.URL+"?resume="+strconv.FormatInt(private.ID, 10)+":0", tb)
		c.next(wait, "ready")
		e := c.next(wait, "error", "message", "resumed")
		if e.Type != "error" || e.Code != "not_found" || e.RoomID != private.ID {
			t.Fatalf("got %+v, want not_found for room %d", e, private.ID)
		}
		c.next(wait, "resumed")
	})
}

type handshakeError struct {
	status int
	err    error
}

func (e *handshakeError) Error() string { return fmt.Sprintf("status %d: %v", e.status, e.err) }

// dialErr dials like dial but returns the failure, for goroutines and for
// refusals the test expects.
func dialErr(tb testing.TB, url, token string) (*client, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(url+"&token="+token, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, &handshakeError{status: status, err: err}
	}
	c := &client{tb: tb, ws: ws, events: make(chan event, 20000), closed: make(chan error, 1)}
	go c.readLoop()
	return c, nil
}
