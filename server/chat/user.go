package chat

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person with an account. It never carries the password hash.
type User struct {
	ID          int64  `json:"id" db:"id"`
	Username    string `json:"username" db:"username"`
	DisplayName string `json:"display_name" db:"display_name"`
}

// Member is a user as listed in a room, with their presence.
type Member struct {
	User
	Online bool `json:"online"`
}

// Credentials is what the store keeps to check a login.
type Credentials struct {
	User         User
	PasswordHash string
}

// Limits on account fields, from the public contract.
const (
	UsernameMinLen    = 3
	UsernameMaxLen    = 32
	PasswordMinLen    = 8
	PasswordMaxLen    = 128
	DisplayNameMaxLen = 64
	UserSearchLimit   = 20
)

// NormalizeUsername lowercases a username: usernames are unique regardless
// of case, and stored lowercased.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks an already normalized username.
func ValidateUsername(s string) error {
	if len(s) < UsernameMinLen || len(s) > UsernameMaxLen {
		return Invalid("username", "Username must be %d to %d characters.", UsernameMinLen, UsernameMaxLen)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return Invalid("username", "Username may contain only a-z, 0-9, '_', '.' and '-'.")
		}
	}
	return nil
}

// ValidatePassword checks a password's length in characters.
func ValidatePassword(s string) error {
	if err := validateText("password", "Password", s); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(s); n < PasswordMinLen || n > PasswordMaxLen {
		return Invalid("password", "Password must be %d to %d characters.", PasswordMinLen, PasswordMaxLen)
	}
	return nil
}

// ValidateDisplayName checks a display name (empty means "use the
// username"): see ValidateLabel. Whether it passes for another user's
// username is the store's check (FoldName), as it needs the other users.
func ValidateDisplayName(s string) error {
	if err := ValidateLabel("display_name", "Display name", s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > DisplayNameMaxLen {
		return Invalid("display_name", "Display name must be at most %d characters.", DisplayNameMaxLen)
	}
	return nil
}

// UserStore keeps accounts.
type UserStore interface {
	// CreateUser stores a new account; ECONFLICT if the username is taken.
	CreateUser(ctx context.Context, username, displayName, passwordHash string) (*User, error)
	// FindCredentials returns the account and its password hash; ENOTFOUND if none.
	FindCredentials(ctx context.Context, username string) (*Credentials, error)
	// FindUser returns one user by id; ENOTFOUND if none.
	FindUser(ctx context.Context, id int64) (*User, error)
	// SearchUsers returns up to limit users whose username starts with prefix.
	SearchUsers(ctx context.Context, prefix string, limit int) ([]User, error)
}

// Session is one sign-in. ID is the hex SHA-256 of its token: it names the
// session in logs, events and caches without being usable to sign in.
type Session struct {
	ID        string
	UserID    int64
	ExpiresAt time.Time
}

// SignIn is a live session's user and when the session expires.
type SignIn struct {
	User      User      `json:"user"`
	ExpiresAt time.Time `json:"expires_at"`
}

// SessionStore keeps sign-in sessions by the hash of their opaque token, so
// a stolen database does not yield usable tokens.
type SessionStore interface {
	CreateSession(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error
	// FindSession returns the session's user and expiry; ENOTFOUND if it
	// does not exist or has expired.
	FindSession(ctx context.Context, tokenHash []byte) (*SignIn, error)
	// DeleteSession revokes a session and returns whose it was (0 if there
	// was none); deleting a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash []byte) (userID int64, err error)
	// DeleteExpiredSessions removes the sessions past their expiry and
	// returns how many.
	DeleteExpiredSessions(ctx context.Context) (int64, error)
}
