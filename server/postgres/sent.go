package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// FindSent returns the message userID sent to roomID under clientID;
// ENOTFOUND if none. It reads the primary: a retry asks right after the
// first send committed.
func (s *Store) FindSent(ctx context.Context, roomID, userID int64, clientID string) (*chat.Message, error) {
	var m chat.Message
	err := s.primary.GetContext(ctx, &m, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.user_id = $2 AND m.client_id = $3`, roomID, userID, clientID)
	if err != nil {
		return nil, wrap(err, "find sent message", "Message not found.")
	}
	return &m, nil
}
