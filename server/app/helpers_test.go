package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// cheapPasswords keeps argon2id real but small so that tests sign up fast.
var cheapPasswords = app.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

// env is an App on a database of its own, with the notices it sent.
type env struct {
	app   *app.App
	store *postgres.Store
	notes *notes
}

// newEnv builds an App on a fresh database; edit changes its options first.
func newEnv(tb testing.TB, edit func(*app.Options)) *env {
	tb.Helper()
	_, store := testenv.Open(tb)
	n := &notes{}
	o := app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords, Notifier: n}
	if edit != nil {
		edit(&o)
	}
	return &env{app: app.New(o), store: store, notes: n}
}

var userSeq atomic.Int64

// user registers a user with a fresh name and returns it with its token.
func (e *env) user(tb testing.TB) (*chat.User, string) {
	tb.Helper()
	name := fmt.Sprintf("user%d", userSeq.Add(1))
	u, token, err := e.app.Register(context.Background(), name, "password123", "")
	if err != nil {
		tb.Fatalf("register %s: %v", name, err)
	}
	return u, token
}

// send posts body to a room and fails the test on error.
func (e *env) send(tb testing.TB, u *chat.User, roomID int64, clientID string) *chat.Message {
	tb.Helper()
	m, _, err := e.app.SendMessage(context.Background(), u, roomID, "hello "+clientID, clientID)
	if err != nil {
		tb.Fatalf("send %s: %v", clientID, err)
	}
	return m
}

// wantInvalid fails unless err is EINVALID on field.
func wantInvalid(tb testing.TB, err error, field string) {
	tb.Helper()
	if chat.ErrorCode(err) != chat.EINVALID || chat.ErrorField(err) != field {
		tb.Fatalf("err = %v; want invalid on field %q", err, field)
	}
}

// wantCode fails unless err carries the chat error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := chat.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

type sessionEnded struct {
	userID    int64
	sessionID string
}

// notes is a Notifier that remembers the sessions it was told ended and
// the reaction changes it was told of.
type notes struct {
	mu        sync.Mutex
	ended     []sessionEnded
	reactions []chat.ReactionEvent
}

func (n *notes) MessageCreated(context.Context, *chat.Message)       {}
func (n *notes) MessageEdited(context.Context, *chat.Message)        {}
func (n *notes) MessageDeleted(context.Context, int64, int64)        {}
func (n *notes) MemberJoined(context.Context, *chat.Room, chat.User) {}
func (n *notes) MemberLeft(context.Context, *chat.Room, chat.User)   {}
func (n *notes) ReadMoved(context.Context, int64, int64, int64)      {}

func (n *notes) SessionEnded(_ context.Context, userID int64, sessionID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ended = append(n.ended, sessionEnded{userID, sessionID})
}

func (n *notes) ReactionChanged(_ context.Context, e chat.ReactionEvent) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reactions = append(n.reactions, e)
}

func (n *notes) reactionEvents() []chat.ReactionEvent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]chat.ReactionEvent(nil), n.reactions...)
}

func (n *notes) sessionsEnded() []sessionEnded {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]sessionEnded(nil), n.ended...)
}
