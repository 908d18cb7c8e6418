package main

import (
	"context"

	"github.com/parleychat/parley/server/hub"
)

// watchedBroker tells the cache of each room change it receives before the
// hub delivers it: the invalidation of the room's version travels on
// another connection and may arrive later, and a read answered after the
// change reached this replica's sockets must not predate it.
type watchedBroker struct {
	hub.Broker
	changed func(room int64, sent bool)
}

func (b watchedBroker) Run(ctx context.Context, deliver func(topic string, payload []byte), connected func()) error {
	return b.Broker.Run(ctx, func(topic string, payload []byte) {
		if room, sent, ok := hub.PeekRoom(payload); ok {
			b.changed(room, sent)
		}
		deliver(topic, payload)
	}, connected)
}
