package hub_test

import (
	"testing"
	"time"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// closeTooMany is the documented close code of a socket over the per-user
// cap.
const closeTooMany = 4029

// firstEvent returns the type of the first event on c, or "" with the
// close code if the server closed it first.
func firstEvent(t *testing.T, c *client) (string, int) {
	t.Helper()
	select {
	case e, ok := <-c.events:
		if ok {
			return e.Type, 0
		}
		return "", c.closeCode(wait)
	case <-time.After(wait):
		t.Fatalf("no event within %v", wait)
		return "", 0
	}
}

func TestSocketCap(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		_, token := newUser(t, r.App)
		// The default cap is 20 sockets per user: the 21st is refused.
		var open []*client
		for range 20 {
			c := dial(t, r.URL, token)
			c.next(wait, "ready")
			open = append(open, c)
		}
		if typ, code := firstEvent(t, dial(t, r.URL, token)); code != closeTooMany {
			t.Fatalf("21st socket: event %q, close code %d; want close %d", typ, code, closeTooMany)
		}
		// Closing one makes room again, once the server has noticed.
		_ = open[0].ws.Close()
		deadline := time.Now().Add(wait)
		for {
			typ, _ := firstEvent(t, dial(t, r.URL, token))
			if typ == "ready" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no room for a new socket after one closed")
			}
		}
	})
	t.Run("ErrTooManyAcrossReplicas", func(t *testing.T) {
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{MaxSocketsPerUser: 2})
		_, token := newUser(t, rs[0].App)
		dial(t, rs[0].URL, token).next(wait, "ready")
		dial(t, rs[1].URL, token).next(wait, "ready")
		for i, r := range rs {
			if typ, code := firstEvent(t, dial(t, r.URL, token)); code != closeTooMany {
				t.Fatalf("third socket on replica %d: event %q, close code %d; want close %d", i, typ, code, closeTooMany)
			}
		}
	})
}
