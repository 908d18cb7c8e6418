package postgres

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// CreateSession stores a session by the hash of its token.
func (s *Store) CreateSession(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error {
	_, err := s.primary.ExecContext(ctx, `
		INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, userID, expiresAt)
	return wrap(err, "insert session", "User not found.")
}

// FindSession returns the user and expiry of an unexpired session;
// ENOTFOUND if it does not exist or has expired. It reads the primary so
// that a session is usable the moment it is created.
func (s *Store) FindSession(ctx context.Context, tokenHash []byte) (*chat.SignIn, error) {
	var row struct {
		chat.User
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := s.primary.GetContext(ctx, &row, `
		SELECT u.id, u.username, u.display_name, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > now()`, tokenHash)
	if err != nil {
		return nil, wrap(err, "find session", "Session not found.")
	}
	return &chat.SignIn{User: row.User, ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// DeleteSession revokes a session and returns its user's id, 0 when there
// was none; deleting a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) (int64, error) {
	var ids []int64
	if err := s.primary.SelectContext(ctx, &ids, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, tokenHash); err != nil {
		return 0, failed("delete session", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// DeleteExpiredSessions removes sessions past their expiry and returns how
// many; FindSession already ignores them, this only reclaims space.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.primary.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= now()`)
	if err != nil {
		return 0, failed("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, failed("delete expired sessions", err)
	}
	return n, nil
}
