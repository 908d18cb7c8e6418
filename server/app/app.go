// Package app is Parley's application layer: it applies who may see and do
// what, on top of the stores, and tells the real-time layer about every
// committed change. The HTTP API, the WebSocket and the server-rendered pages
// all go through it, so each rule is written once.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/ratelimit"
)

// Notifier hears about every committed change that live clients must see.
// Its methods must not block for long: the change is already durable, and a
// client that misses the notice catches up by resuming from the store.
type Notifier interface {
	MessageCreated(ctx context.Context, m *chat.Message)
	MessageEdited(ctx context.Context, m *chat.Message)
	MessageDeleted(ctx context.Context, roomID, seq int64)
	MemberJoined(ctx context.Context, room *chat.Room, u chat.User)
	MemberLeft(ctx context.Context, room *chat.Room, u chat.User)
	ReadMoved(ctx context.Context, userID, roomID, seq int64)
	// ReactionChanged says someone added or removed a reaction.
	ReactionChanged(ctx context.Context, e chat.ReactionEvent)
	// SessionEnded says a session was revoked (logout): every live
	// connection opened with it must close, on every replica.
	SessionEnded(ctx context.Context, userID int64, sessionID string)
}

// Presence tells which users have a live connection anywhere in the cluster.
type Presence interface {
	Online(ctx context.Context, userIDs []int64) (map[int64]bool, error)
}

// Options are the collaborators and settings of an App.
type Options struct {
	Users    chat.UserStore
	Sessions chat.SessionStore
	Rooms    chat.RoomStore
	Messages chat.MessageStore
	// Reactions defaults to Messages when that keeps reactions too.
	Reactions chat.ReactionStore
	// Search finds messages; when nil, Messages is used if it can search.
	Search chat.SearchStore
	// Notifier defaults to one that tells nobody.
	Notifier Notifier
	// Presence defaults to everyone offline.
	Presence Presence
	// Passwords hashes and checks passwords; defaults to DefaultPasswordParams.
	Passwords PasswordParams
	// Hashing bounds concurrent password hashing; a zero Workers takes
	// DefaultHashAdmission.
	Hashing HashAdmission
	// SessionTTL is how long a sign-in lasts; defaults to DefaultSessionTTL.
	SessionTTL time.Duration
	// SendLimiter counts each user's sends, over HTTP and the WebSocket
	// alike; with Valkey it is shared by every replica. Nil sends unlimited.
	SendLimiter ratelimit.Limiter
	// SendRate sends per SendWindow are allowed to one user; default
	// DefaultSendRate per DefaultSendWindow.
	SendRate   int
	SendWindow time.Duration
	// ReactionRate reaction changes per ReactionWindow are allowed to one
	// user, counted by SendLimiter; default DefaultReactionRate per
	// DefaultReactionWindow.
	ReactionRate   int
	ReactionWindow time.Duration
	Logger         *slog.Logger
}

// The default send limit: a burst of typing and pasting fits, a script
// flooding a room does not.
const (
	DefaultSendRate   = 30
	DefaultSendWindow = 10 * time.Second
)

// DefaultSessionTTL is how long a sign-in lasts unless configured.
const DefaultSessionTTL = 30 * 24 * time.Hour

// App implements Parley's use cases for a signed-in (or signing-in) user.
type App struct {
	users      chat.UserStore
	sessions   chat.SessionStore
	rooms      chat.RoomStore
	messages   chat.MessageStore
	reactions  chat.ReactionStore
	search     chat.SearchStore
	notify     Notifier
	presence   Presence
	passwords  *passwordHasher
	sessionTTL time.Duration
	sendLimit  ratelimit.Limiter
	sendRate   int
	sendWindow time.Duration
	log        *slog.Logger

	reactionRate   int
	reactionWindow time.Duration
}

// New builds an App from its options.
func New(o Options) *App {
	a := &App{
		users:      o.Users,
		sessions:   o.Sessions,
		rooms:      o.Rooms,
		messages:   o.Messages,
		search:     o.Search,
		notify:     o.Notifier,
		presence:   o.Presence,
		passwords:  newPasswordHasher(o.Passwords, o.Hashing),
		sessionTTL: o.SessionTTL,
		sendLimit:  o.SendLimiter,
		sendRate:   o.SendRate,
		sendWindow: o.SendWindow,
		log:        o.Logger,

		reactions:      o.Reactions,
		reactionRate:   o.ReactionRate,
		reactionWindow: o.ReactionWindow,
	}
	if rs, ok := o.Messages.(chat.ReactionStore); ok && a.reactions == nil {
		a.reactions = rs
	}
	if a.reactionRate <= 0 {
		a.reactionRate = DefaultReactionRate
	}
	if a.reactionWindow <= 0 {
		a.reactionWindow = DefaultReactionWindow
	}
	if a.sendRate <= 0 {
		a.sendRate = DefaultSendRate
	}
	if a.sendWindow <= 0 {
		a.sendWindow = DefaultSendWindow
	}
	if a.search == nil {
		a.search, _ = o.Messages.(chat.SearchStore)
	}
	if a.notify == nil {
		a.notify = nopNotifier{}
	}
	if a.presence == nil {
		a.presence = nobodyOnline{}
	}
	if a.sessionTTL <= 0 {
		a.sessionTTL = DefaultSessionTTL
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a
}

// SetNotifier replaces the notifier. The real-time hub needs the App to
// exist before it can be built, so main wires it afterwards, before serving.
func (a *App) SetNotifier(n Notifier) { a.notify = n }

// SetPresence replaces the presence source, for the same reason.
func (a *App) SetPresence(p Presence) { a.presence = p }

// SessionTTL is how long a new session stays valid.
func (a *App) SessionTTL() time.Duration { return a.sessionTTL }

type nopNotifier struct{}

func (nopNotifier) MessageCreated(context.Context, *chat.Message)       {}
func (nopNotifier) MessageEdited(context.Context, *chat.Message)        {}
func (nopNotifier) MessageDeleted(context.Context, int64, int64)        {}
func (nopNotifier) MemberJoined(context.Context, *chat.Room, chat.User) {}
func (nopNotifier) MemberLeft(context.Context, *chat.Room, chat.User)   {}
func (nopNotifier) ReadMoved(context.Context, int64, int64, int64)      {}
func (nopNotifier) ReactionChanged(context.Context, chat.ReactionEvent) {}
func (nopNotifier) SessionEnded(context.Context, int64, string)         {}

type nobodyOnline struct{}

func (nobodyOnline) Online(context.Context, []int64) (map[int64]bool, error) {
	return map[int64]bool{}, nil
}
