package main

import (
	"context"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/hub"
)

// watchedBroker tells the cache of each change it receives before the hub
// delivers it: the invalidation of the versions involved travels on
// another connection and may arrive later, and a read answered after the
// change reached this replica's sockets must not predate it.
type watchedBroker struct {
	hub.Broker
	stores *cache.Stores
}

func (b watchedBroker) Run(ctx context.Context, deliver func(topic string, payload []byte), connected func()) error {
	return b.Broker.Run(ctx, func(topic string, payload []byte) {
		switch c, room, user := hub.PeekChange(payload); c {
		case hub.ChangeSent:
			b.stores.RoomChanged(room, true)
		case hub.ChangeRoom:
			b.stores.RoomChanged(room, false)
		case hub.ChangeMembership:
			b.stores.MembershipChanged(user)
		}
		deliver(topic, payload)
	}, connected)
}
