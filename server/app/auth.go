package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// tokenBytes is the entropy of a session token: 256 bits.
const tokenBytes = 32

// Register creates an account and signs it in, returning the session token.
func (a *App) Register(ctx context.Context, username, password, displayName string) (*chat.User, string, error) {
	username = chat.NormalizeUsername(username)
	if err := chat.ValidateUsername(username); err != nil {
		return nil, "", err
	}
	if err := chat.ValidatePassword(password); err != nil {
		return nil, "", err
	}
	displayName = strings.TrimSpace(displayName)
	if err := chat.ValidateDisplayName(displayName); err != nil {
		return nil, "", err
	}
	if displayName == "" {
		displayName = username
	}
	hash, err := a.passwords.hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	u, err := a.users.CreateUser(ctx, username, displayName, hash)
	if err != nil {
		if chat.ErrorCode(err) == chat.ECONFLICT && chat.ErrorField(err) == "" {
			return nil, "", &chat.Error{Code: chat.ECONFLICT, Field: "username", Message: "That username is taken."}
		}
		return nil, "", err
	}
	token, err := a.startSession(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// Login checks a username and password and starts a session.
func (a *App) Login(ctx context.Context, username, password string) (*chat.User, string, error) {
	badCredentials := chat.Errorf(chat.EUNAUTHENTICATED, "Wrong username or password.")
	// Text the store cannot hold is refused before it is looked up: it
	// would otherwise fail there as an internal error.
	if !chat.ValidText(username) {
		return nil, "", chat.Invalid("username", "Username must be valid UTF-8 without NUL characters.")
	}
	if !chat.ValidText(password) {
		return nil, "", chat.Invalid("password", "Password must be valid UTF-8 without NUL characters.")
	}
	username = chat.NormalizeUsername(username)
	if username == "" || password == "" || len(password) > 4*chat.PasswordMaxLen {
		return nil, "", badCredentials
	}
	cred, err := a.users.FindCredentials(ctx, username)
	switch {
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		// Spend the same time as for a real account, so that timing does
		// not tell which usernames exist.
		if _, err := a.passwords.verify(ctx, password, a.passwords.dummy); err != nil {
			return nil, "", err
		}
		return nil, "", badCredentials
	case err != nil:
		return nil, "", err
	}
	ok, err := a.passwords.verify(ctx, password, cred.PasswordHash)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", badCredentials
	}
	token, err := a.startSession(ctx, cred.User.ID)
	if err != nil {
		return nil, "", err
	}
	u := cred.User
	return &u, token, nil
}

// Logout revokes the session of token at once, and has every live
// connection opened with it closed.
func (a *App) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	userID, err := a.sessions.DeleteSession(ctx, hashToken(token))
	if err != nil {
		return err
	}
	if userID != 0 {
		a.notify.SessionEnded(ctx, userID, SessionID(token))
	}
	return nil
}

// Authenticate returns the user a session token belongs to.
func (a *App) Authenticate(ctx context.Context, token string) (*chat.User, error) {
	u, _, err := a.AuthenticateSession(ctx, token)
	return u, err
}

// AuthenticateSession is Authenticate plus the session itself, for
// callers that must notice when it ends (a live connection).
func (a *App) AuthenticateSession(ctx context.Context, token string) (*chat.User, chat.Session, error) {
	if token == "" || len(token) > 128 {
		return nil, chat.Session{}, chat.Errorf(chat.EUNAUTHENTICATED, "Sign in first.")
	}
	in, err := a.findSession(ctx, hashToken(token))
	if err != nil {
		return nil, chat.Session{}, err
	}
	u := in.User
	return &u, chat.Session{ID: SessionID(token), UserID: u.ID, ExpiresAt: in.ExpiresAt}, nil
}

// SessionAlive reports whether the session named by id (see SessionID)
// still exists and has not expired: nil if so, EUNAUTHENTICATED if not.
func (a *App) SessionAlive(ctx context.Context, sessionID string) error {
	hash, err := hex.DecodeString(sessionID)
	if err != nil || len(hash) != sha256.Size {
		return sessionEnded()
	}
	_, err = a.findSession(ctx, hash)
	return err
}

// PruneSessions deletes the sessions past their expiry and returns how
// many. Expired sessions are already refused; this reclaims their rows.
func (a *App) PruneSessions(ctx context.Context) (int64, error) {
	return a.sessions.DeleteExpiredSessions(ctx)
}

func (a *App) findSession(ctx context.Context, hash []byte) (*chat.SignIn, error) {
	in, err := a.sessions.FindSession(ctx, hash)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil, sessionEnded()
	}
	return in, err
}

func sessionEnded() error {
	return chat.Errorf(chat.EUNAUTHENTICATED, "Your session has ended; sign in again.")
}

// SessionID names a session by its token without revealing the token.
func SessionID(token string) string { return hex.EncodeToString(hashToken(token)) }

// SearchUsers finds users whose username starts with prefix.
func (a *App) SearchUsers(ctx context.Context, u *chat.User, prefix string) ([]chat.User, error) {
	if !chat.ValidText(prefix) {
		return nil, chat.Invalid("q", "The search must be valid UTF-8 without NUL characters.")
	}
	prefix = chat.NormalizeUsername(prefix)
	if len(prefix) > chat.UsernameMaxLen {
		return nil, chat.Invalid("q", "The search must be at most %d characters.", chat.UsernameMaxLen)
	}
	users, err := a.users.SearchUsers(ctx, prefix, chat.UserSearchLimit)
	if err != nil {
		return nil, err
	}
	if users == nil {
		users = []chat.User{}
	}
	return users, nil
}

func (a *App) startSession(ctx context.Context, userID int64) (string, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("app: make session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	if err := a.sessions.CreateSession(ctx, userID, hashToken(token), time.Now().Add(a.sessionTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// hashToken is what the store keeps instead of the token itself.
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
