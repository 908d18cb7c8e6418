package postgres

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"github.com/parleychat/parley/server/chat"
)

// wrap turns a database error into what callers act on: no rows becomes
// ENOTFOUND, a unique violation ECONFLICT, a missing referenced row
// ENOTFOUND, a broken CHECK EINVALID; anything else is wrapped with what
// was being done, and stays internal.
func wrap(err error, what, notFound string) error {
	if err == nil {
		return nil
	}
	var ce *chat.Error
	switch {
	case errors.As(err, &ce):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return chat.Errorf(chat.ENOTFOUND, "%s", notFound)
	}
	if pe := pq.As(err, pqerror.UniqueViolation); pe != nil {
		return chat.Errorf(chat.ECONFLICT, "%s", conflictMessage(pe))
	}
	if pe := pq.As(err, pqerror.ForeignKeyViolation); pe != nil {
		return chat.Errorf(chat.ENOTFOUND, "%s", foreignKeyMessage(pe))
	}
	if pe := pq.As(err, pqerror.CheckViolation); pe != nil {
		return chat.Errorf(chat.EINVALID, "A value breaks the rule %s.", pe.Constraint)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

func conflictMessage(pe *pq.Error) string {
	switch pe.Constraint {
	case "users_username_key":
		return "Username is already taken."
	case "sessions_pkey":
		return "Session already exists."
	default:
		return "Already exists."
	}
}

func foreignKeyMessage(pe *pq.Error) string {
	switch pe.Constraint {
	case "sessions_user_id_fkey", "room_users_user_id_fkey", "messages_user_id_fkey", "rooms_owner_id_fkey":
		return "User not found."
	case "room_users_room_id_fkey", "messages_room_id_fkey":
		return "Room not found."
	default:
		return "Referenced row not found."
	}
}
