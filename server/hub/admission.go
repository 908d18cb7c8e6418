package hub

import (
	"errors"
	"strconv"
	"time"

	fws "github.com/gofiber/contrib/websocket"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/chat"
)

// newConnectGate bounds the connect phase. A storm of connects (a deploy,
// a Monday morning) would otherwise start every room load and
// subscription at once, exhaust the PostgreSQL pool and time them all
// out; past the slots and the short queue a socket is told to come back.
func newConnectGate(o Options) *admission.Gate {
	return admission.New(admission.Options{
		Name: "ws_connect", Slots: o.ConnectSlots, Queue: max(o.ConnectQueue, 0),
		Wait: o.ConnectWait, RetryAfter: o.ConnectRetryAfter,
		Message: "server busy",
	})
}

// ConnectGate is the admission gate of the connect phase, for metrics.
func (h *Hub) ConnectGate() *admission.Gate { return h.connectGate }

// ConnectRefusals counts the connects the gate admitted but that were
// refused later, because their rooms could not be loaded in time.
func (h *Hub) ConnectRefusals() *admission.Tally { return h.roomsUnavailable }

// tryLaterText is the reason of a 1013 close that asks the client to come
// back after retry: "<why>, retry_after=<seconds>" (docs/protocol.md).
// Whole seconds, at least 1, as on HTTP's Retry-After.
func tryLaterText(why string, retry time.Duration) string {
	secs := max(int64((retry+time.Second-1)/time.Second), 1)
	return why + ", retry_after=" + strconv.FormatInt(secs, 10)
}

// refuseConnect answers a socket the connect gate did not admit: 1013 with
// the hint of a refusal, 1001 when the wait ended because the hub is
// shutting down.
func refuseConnect(ws *fws.Conn, err error) {
	var ce *chat.Error
	if errors.As(err, &ce) && ce.Code == chat.EUNAVAILABLE {
		refuse(ws, closeTryLater, tryLaterText(ce.Message, ce.RetryAfter))
		return
	}
	refuse(ws, closeGoingAway, "server shutting down, reconnect")
}
