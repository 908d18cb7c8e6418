package web

import (
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// errorHandler is Fiber's single error path: every failure leaves as the
// contract's JSON, and internal details are logged, never shown. A rate
// limit and a replica at capacity (503 unavailable) say when to come back.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ce, status := rules.Classify(err)
	if status >= http.StatusInternalServerError {
		// A refusal at capacity is the replica working as designed, and a
		// storm makes thousands: /metrics counts them, the log need not.
		level := slog.LevelError
		if ce.Code == chat.EUNAVAILABLE {
			level = slog.LevelDebug
		}
		s.log.Log(c.UserContext(), level, "request failed", "err", err, "method", c.Method(), "path", c.Path(),
			"client", rules.ClientIP(c), "request_id", requestID(c))
	}
	if ce.Code == chat.ERATELIMITED || ce.Code == chat.EUNAVAILABLE {
		if retry := chat.ErrorRetryAfter(ce); retry > 0 {
			c.Set(fiber.HeaderRetryAfter, rules.RetryAfter(retry))
		} else if len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
			c.Set(fiber.HeaderRetryAfter, "1")
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return writeJSON(c, status, errorBody{Error: errorDetail{Code: ce.Code, Message: ce.Message, Field: ce.Field}})
}
