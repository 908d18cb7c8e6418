package postgres

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

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
	return failed(what, err)
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

// failed wraps an infrastructure error with what was being done; a lost
// or refused connection (PostgreSQL restarting, unreachable, out of
// connections) becomes EUNAVAILABLE, so that the caller hears "try again"
// rather than an internal error. The cause stays in the chain for logs.
func failed(what string, err error) error {
	if isUnavailable(err) {
		return fmt.Errorf("%w: postgres: %s: %w", errDatabaseUnavailable(), what, err)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// unavailableRetry is the wait suggested while the database is away.
const unavailableRetry = 2 * time.Second

func errDatabaseUnavailable() *chat.Error {
	return chat.Unavailable(unavailableRetry, "The database is unavailable; try again in a moment.")
}

// isUnavailable reports whether err says PostgreSQL could not be reached
// or went away, rather than that it refused the statement.
func isUnavailable(err error) bool {
	if pe := (*pq.Error)(nil); errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(string(pe.Code), "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, starting up
			pe.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || (errors.As(err, &ne) && !ne.Timeout())
}
