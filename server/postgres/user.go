package postgres

import (
	"context"
	"strings"

	"github.com/parleychat/parley/server/chat"
)

// CreateUser stores a new account under its lowercased username; an empty
// display name becomes the username. ECONFLICT if the username is taken.
func (s *Store) CreateUser(ctx context.Context, username, displayName, passwordHash string) (*chat.User, error) {
	username = chat.NormalizeUsername(username)
	if displayName == "" {
		displayName = username
	}
	var u chat.User
	err := s.primary.GetContext(ctx, &u, `
		INSERT INTO users (username, display_name, password_hash)
		VALUES ($1, $2, $3)
		RETURNING id, username, display_name`, username, displayName, passwordHash)
	if err != nil {
		return nil, wrap(err, "insert user", "User not found.")
	}
	return &u, nil
}

// FindCredentials returns the account and password hash of a username in
// any case; ENOTFOUND if none.
func (s *Store) FindCredentials(ctx context.Context, username string) (*chat.Credentials, error) {
	var row struct {
		chat.User
		PasswordHash string `db:"password_hash"`
	}
	err := s.primary.GetContext(ctx, &row, `
		SELECT id, username, display_name, password_hash
		FROM users WHERE username = $1`, chat.NormalizeUsername(username))
	if err != nil {
		return nil, wrap(err, "find credentials", "User not found.")
	}
	return &chat.Credentials{User: row.User, PasswordHash: row.PasswordHash}, nil
}

// FindUser returns one user by id; ENOTFOUND if none.
func (s *Store) FindUser(ctx context.Context, id int64) (*chat.User, error) {
	var u chat.User
	err := s.primary.GetContext(ctx, &u, `SELECT id, username, display_name FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, wrap(err, "find user", "User not found.")
	}
	return &u, nil
}

// SearchUsers returns up to limit users (at most chat.UserSearchLimit)
// whose username starts with prefix in any case, ordered by username. It
// reads the replica: a user registered a moment ago may be missing.
func (s *Store) SearchUsers(ctx context.Context, prefix string, limit int) ([]chat.User, error) {
	if limit <= 0 || limit > chat.UserSearchLimit {
		limit = chat.UserSearchLimit
	}
	users := []chat.User{}
	err := s.replica.SelectContext(ctx, &users, `
		SELECT id, username, display_name FROM users
		WHERE username LIKE $1 || '%'
		ORDER BY username LIMIT $2`, likeEscape(chat.NormalizeUsername(prefix)), limit)
	if err != nil {
		return nil, wrap(err, "search users", "User not found.")
	}
	return users, nil
}

// likeEscape makes s match itself literally in a LIKE pattern ('_' is a
// valid username character and must not match any character).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
