package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

// statusOf maps each error code of the contract to its HTTP status.
var statusOf = map[string]int{
	chat.EBADREQUEST:      http.StatusBadRequest,
	chat.EINVALIDJSON:     http.StatusBadRequest,
	chat.EUNAUTHENTICATED: http.StatusUnauthorized,
	chat.EFORBIDDEN:       http.StatusForbidden,
	chat.ENOTFOUND:        http.StatusNotFound,
	chat.ECONFLICT:        http.StatusConflict,
	chat.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	chat.EUNSUPPORTED:     http.StatusUnsupportedMediaType,
	chat.EINVALID:         http.StatusUnprocessableEntity,
	chat.ERATELIMITED:     http.StatusTooManyRequests,
	chat.EUNAVAILABLE:     http.StatusServiceUnavailable,
	chat.EINTERNAL:        http.StatusInternalServerError,
}

// codeOfStatus maps the statuses Fiber itself produces (body too large,
// unknown route, wrong method…) back to the contract's codes.
var codeOfStatus = map[int]string{
	http.StatusBadRequest:            chat.EBADREQUEST,
	http.StatusUnauthorized:          chat.EUNAUTHENTICATED,
	http.StatusForbidden:             chat.EFORBIDDEN,
	http.StatusNotFound:              chat.ENOTFOUND,
	http.StatusMethodNotAllowed:      chat.ENOTFOUND,
	http.StatusConflict:              chat.ECONFLICT,
	http.StatusRequestEntityTooLarge: chat.ETOOLARGE,
	http.StatusUnsupportedMediaType:  chat.EUNSUPPORTED,
	http.StatusUnprocessableEntity:   chat.EINVALID,
	http.StatusTooManyRequests:       chat.ERATELIMITED,
	http.StatusServiceUnavailable:    chat.EUNAVAILABLE,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// toChatError turns any error a handler or Fiber returns into the domain
// error whose code and message the client will see.
func toChatError(err error) *chat.Error {
	var ce *chat.Error
	if errors.As(err, &ce) {
		return ce
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := codeOfStatus[fe.Code]
		if !ok {
			code = chat.EINTERNAL
		}
		msg := fe.Message
		if code == chat.ETOOLARGE {
			msg = "The request body is too large."
		}
		if code == chat.ENOTFOUND {
			msg = "Not found."
		}
		return &chat.Error{Code: code, Message: msg}
	}
	return &chat.Error{Code: chat.EINTERNAL, Message: chat.ErrorMessage(err)}
}

// errorHandler is Fiber's single error path: every failure leaves as the
// contract's JSON, and internal details are logged, never shown.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ce := toChatError(err)
	status, ok := statusOf[ce.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.ErrorContext(c.UserContext(), "request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", requestID(c))
	}
	if ce.Code == chat.ERATELIMITED && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, "1")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return writeJSON(c, status, errorBody{Error: errorDetail{Code: ce.Code, Message: ce.Message, Field: ce.Field}})
}
