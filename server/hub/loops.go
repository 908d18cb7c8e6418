package hub

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/chat"
)

func (h *Hub) publishLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case it := <-h.pubq:
			pctx, cancel := context.WithTimeout(ctx, h.o.WriteTimeout)
			err := h.broker.Publish(pctx, it.topic, it.payload)
			cancel()
			switch {
			case err == nil:
				if !it.at.IsZero() {
					h.m.observeStage(chat.StagePublish, time.Since(it.at))
				}
				if h.pubFailing.CompareAndSwap(true, false) {
					h.log.Info("hub: publishing again")
				}
				if h.pubLost.CompareAndSwap(true, false) {
					h.announceLost()
				}
			case ctx.Err() != nil:
				return
			default:
				h.m.publishErrors.Inc()
				h.pubLost.Store(true)
				// Once per outage: the broker's own health says the rest.
				if h.pubFailing.CompareAndSwap(false, true) {
					h.log.Warn("hub: publish failing; remote clients will catch up by resume", "topic", it.topic, "err", err)
				}
			}
		}
	}
}

// controlLoop applies remote joins and leaves off the broker's receive
// path, because they (un)subscribe on the broker themselves.
func (h *Hub) controlLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-h.ctlq:
			h.deliverEnvelope(e)
		}
	}
}

// pingLoop queues a protocol ping to every connection each PingInterval:
// one ticker for the replica instead of one per connection.
func (h *Hub) pingLoop(ctx context.Context) {
	t := time.NewTicker(h.o.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.eachConn(func(c *conn) { c.push(pingFrame) })
		}
	}
}

// publish delivers payload to this replica's connections at once and queues
// it for the other replicas; it never waits on the broker.
func (h *Hub) publish(topic string, payload []byte) {
	h.publishAt(topic, payload, time.Time{})
}

// publishAt is publish for a message committed at, whose hop to the broker
// is measured from then.
func (h *Hub) publishAt(topic string, payload []byte, at time.Time) {
	h.deliver(payload)
	select {
	case h.pubq <- pubItem{topic: topic, payload: payload, at: at}:
	default:
		h.m.publishErrors.Inc()
		h.pubLost.Store(true)
		h.log.Warn("hub: publish queue full; remote clients will catch up by resume", "topic", topic)
	}
}

// announceLost tells the other replicas that events of this one were lost
// (a leave, a logout), so they re-check their connections now rather than
// at their next periodic re-check. It queues without waiting; if even that
// fails, the next successful publish tries again.
func (h *Hub) announceLost() {
	select {
	case h.pubq <- pubItem{topic: presenceTopic, payload: h.rawEnvelope(kindResync, 0, nil)}:
	default:
		h.pubLost.Store(true)
	}
}
