package web

import (
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

// limitAuth slows password guessing and sign-up floods: each client address
// gets AuthRate attempts a minute across every replica. If the limiter's
// store is down the attempt goes through: locking everyone out would be
// worse than a short window without the limit.
func (s *Server) limitAuth(c *fiber.Ctx) error {
	if s.limiter == nil || s.authRate <= 0 {
		return c.Next()
	}
	ok, retry, err := s.limiter.Allow(c.UserContext(), "auth:"+c.IP(), s.authRate, time.Minute)
	if err != nil {
		s.log.WarnContext(c.UserContext(), "auth rate limit unavailable", "err", err)
		return c.Next()
	}
	if !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		return chat.Errorf(chat.ERATELIMITED, "Too many sign-in attempts; try again in a minute.")
	}
	return c.Next()
}

// LimitAuth is the sign-in rate limit as middleware, for the sign-in forms
// of the server-rendered pages.
func (s *Server) LimitAuth() fiber.Handler { return s.limitAuth }
