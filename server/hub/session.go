package hub

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// maxSessionID bounds the session names the hub accepts from the app and
// from the broker; real ones are 64 hex digits.
const maxSessionID = 128

// SessionEnded closes the live connections opened with a revoked session,
// on this replica at once and on the others through the user's topic.
// Because that publish can be lost, every replica also re-checks its
// connections' sessions (see RecheckInterval).
func (h *Hub) SessionEnded(_ context.Context, userID int64, sessionID string) {
	if userID <= 0 || sessionID == "" || len(sessionID) > maxSessionID {
		return
	}
	h.publish(userTopic(userID), h.rawEnvelope(kindSessionEnded, userID, []byte(sessionID)))
}

// closeSession closes the local connections of userID opened with session
// sessionID.
func (h *Hub) closeSession(userID int64, sessionID, why string) {
	if sessionID == "" {
		return
	}
	for _, c := range h.userConnsOf(userID) {
		if c.session.ID == sessionID {
			c.close(closeSessionEnded, why)
		}
	}
}

// sessionFrom reads the session the authentication layer left, if any, and
// keeps it only if it belongs to the user.
func sessionFrom(v any, u *chat.User) chat.Session {
	s, ok := v.(chat.Session)
	if !ok {
		if p, isPtr := v.(*chat.Session); isPtr && p != nil {
			s, ok = *p, true
		}
	}
	if !ok || len(s.ID) > maxSessionID || (s.UserID != 0 && s.UserID != u.ID) {
		return chat.Session{}
	}
	return s
}

// expired says the session's lifetime is over.
func (c *conn) expired(now time.Time) bool {
	return !c.session.ExpiresAt.IsZero() && !now.Before(c.session.ExpiresAt)
}

// watchExpiry closes the connection when its session expires; the returned
// function stops watching.
func (c *conn) watchExpiry() (stop func()) {
	if c.session.ExpiresAt.IsZero() {
		return func() {}
	}
	t := time.AfterFunc(time.Until(c.session.ExpiresAt), func() {
		c.close(closeSessionEnded, "session expired, sign in again")
	})
	return func() { t.Stop() }
}

// sessionOK checks, before a send is accepted, that the connection's
// session still signs its user in: the close announced by SessionEnded may
// not have arrived yet, or may have been lost. It closes the connection
// when not.
func (c *conn) sessionOK(ctx context.Context, ch Chat) bool {
	if c.expired(time.Now()) {
		c.close(closeSessionEnded, "session expired, sign in again")
		return false
	}
	if c.session.ID == "" {
		return true
	}
	err := ch.SessionAlive(ctx, c.session.ID)
	switch chat.ErrorCode(err) {
	case "":
		return true
	case chat.EUNAUTHENTICATED:
		c.close(closeSessionEnded, "session ended, sign in again")
		return false
	default:
		// The store is unreachable: the send itself will fail or be
		// checked by the next re-check; refusing here would only turn an
		// outage into lost sends.
		c.h.log.Warn("hub: session check", "user", c.user.ID, "err", err)
		return true
	}
}
