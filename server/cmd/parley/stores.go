package main

import "github.com/parleychat/parley/server/chat"

// storeSet is what the app reads and writes through: the PostgreSQL store,
// possibly wrapped by caches.
type storeSet struct {
	users    chat.UserStore
	sessions chat.SessionStore
	rooms    chat.RoomStore
	messages chat.MessageStore
}
