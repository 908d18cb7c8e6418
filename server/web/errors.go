package web

import (
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
// limit says when to come back.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ce, status := rules.Classify(err)
	if status >= http.StatusInternalServerError {
		s.log.ErrorContext(c.UserContext(), "request failed", "err", err, "method", c.Method(), "path", c.Path(),
			"client", rules.ClientIP(c), "request_id", requestID(c))
	}
	if ce.Code == chat.ERATELIMITED {
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
