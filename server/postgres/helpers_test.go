package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
)

var userSeq atomic.Int64

// newUser creates a user with a unique name.
func newUser(tb testing.TB, s *postgres.Store) *chat.User {
	tb.Helper()
	name := fmt.Sprintf("user%d", userSeq.Add(1))
	u, err := s.CreateUser(context.Background(), name, "", "hash")
	if err != nil {
		tb.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// newRoom creates a public room owned by owner.
func newRoom(tb testing.TB, s *postgres.Store, owner *chat.User) *chat.Room {
	tb.Helper()
	r, err := s.CreateRoom(context.Background(), owner.ID, "general", "", chat.RoomPublic)
	if err != nil {
		tb.Fatalf("create room: %v", err)
	}
	return r
}

// send commits one message and fails the test on error.
func send(tb testing.TB, s *postgres.Store, roomID, userID int64, clientID string) *chat.Message {
	tb.Helper()
	m, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: roomID, UserID: userID, Body: "hello " + clientID, ClientID: clientID})
	if err != nil {
		tb.Fatalf("send %s: %v", clientID, err)
	}
	return m
}

// wantCode fails unless err carries the chat error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := chat.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}
