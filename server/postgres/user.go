package postgres

import (
	"context"
	"strings"

	"github.com/parleychat/parley/server/chat"
)

// userNamesLockKey serializes account creation ("names" in ASCII): whether
// a new username or display name passes for someone else's depends on the
// other rows, which concurrent inserts could not see.
const userNamesLockKey int64 = 0x6e616d6573

// CreateUser stores a new account under its lowercased username; an empty
// display name becomes the username. ECONFLICT on field username if the
// username is taken or another user's display name folds to it, on field
// display_name if the display name folds to another user's username (see
// chat.FoldName), so that nobody can pass for someone else.
func (s *Store) CreateUser(ctx context.Context, username, displayName, passwordHash string) (*chat.User, error) {
	username = chat.NormalizeUsername(username)
	if displayName == "" {
		displayName = username
	}
	key := chat.FoldName(displayName)
	tx, err := s.primary.BeginTxx(ctx, nil)
	if err != nil {
		return nil, failed("create user: begin", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, userNamesLockKey); err != nil {
		return nil, failed("create user: lock", err)
	}
	var clash struct {
		Display  bool `db:"display"`
		Username bool `db:"username"`
	}
	err = tx.GetContext(ctx, &clash, `
		SELECT EXISTS (SELECT 1 FROM users WHERE username = $2 AND username <> $1) AS display,
		       EXISTS (SELECT 1 FROM users WHERE display_key = $1 OR username = $1) AS username`, username, key)
	if err != nil {
		return nil, failed("create user: check names", err)
	}
	switch {
	case clash.Username:
		return nil, &chat.Error{Code: chat.ECONFLICT, Field: "username", Message: "That username is taken."}
	case clash.Display:
		return nil, &chat.Error{Code: chat.ECONFLICT, Field: "display_name", Message: "That display name is another user's username."}
	}
	var u chat.User
	err = tx.GetContext(ctx, &u, `
		INSERT INTO users (username, display_name, display_key, password_hash)
		VALUES ($1, $2, $3, $4)
		RETURNING id, username, display_name`, username, displayName, key, passwordHash)
	if err != nil {
		return nil, wrap(err, "insert user", "User not found.")
	}
	if err := tx.Commit(); err != nil {
		return nil, failed("create user: commit", err)
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
// reads the replica unless ctx asks for more: a user registered a moment
// ago may be missing.
func (s *Store) SearchUsers(ctx context.Context, prefix string, limit int) ([]chat.User, error) {
	if limit <= 0 || limit > chat.UserSearchLimit {
		limit = chat.UserSearchLimit
	}
	users := []chat.User{}
	err := s.selectRouted(ctx, true, nil, &users, `
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
