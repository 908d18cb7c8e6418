package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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
		if chat.ErrorCode(err) == chat.ECONFLICT {
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

// Logout revokes the session of token at once.
func (a *App) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return a.sessions.DeleteSession(ctx, hashToken(token))
}

// Authenticate returns the user a session token belongs to.
func (a *App) Authenticate(ctx context.Context, token string) (*chat.User, error) {
	if token == "" || len(token) > 128 {
		return nil, chat.Errorf(chat.EUNAUTHENTICATED, "Sign in first.")
	}
	u, err := a.sessions.FindSession(ctx, hashToken(token))
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil, chat.Errorf(chat.EUNAUTHENTICATED, "Your session has ended; sign in again.")
	}
	return u, err
}

// SearchUsers finds users whose username starts with prefix.
func (a *App) SearchUsers(ctx context.Context, u *chat.User, prefix string) ([]chat.User, error) {
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
