package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// DefaultRequestTimeout bounds an API request unless configured. An API
// answer takes milliseconds; one still waiting after seconds is queued
// behind a saturated resource (the PostgreSQL pool above all, where
// database/sql would wait forever), and its client is better told so.
const DefaultRequestTimeout = 5 * time.Second

// deadlineRetryAfter is the hint of a request refused at its deadline.
const deadlineRetryAfter = 2 * time.Second

// withDeadline gives the request's context a deadline, so that every
// blocking call under it (a pool acquisition, a query, a Valkey round trip)
// ends by then; a request that fails because the deadline passed answers
// 503 unavailable with Retry-After, counted as reason "deadline", instead
// of an internal error or a hang that the proxy turns into a 504. So does
// one that failed on a shorter timeout of its own (a store's query
// timeout): either way a dependency was too busy to answer in time.
func (s *Server) withDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), s.requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	err := c.Next()
	timedOut := ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded)
	if err != nil && timedOut && chat.ErrorCode(err) == chat.EINTERNAL {
		s.deadlines.Add()
		s.log.DebugContext(ctx, "request deadline passed", "err", err, "path", c.Path(), "request_id", requestID(c))
		return chat.Unavailable(deadlineRetryAfter, "The server is busy; try again in a moment.")
	}
	return err
}
