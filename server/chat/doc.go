// Package chat holds Parley's domain: users, rooms, messages, their rules,
// the error type every layer speaks, and the interfaces of the services that
// store them. It imports nothing of Fiber, sqlx or valkey-go so that every
// other package can depend on it and it on none of them.
package chat
