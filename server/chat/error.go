package chat

import (
	"errors"
	"fmt"
	"time"
)

// Error codes shared by the HTTP API and the WebSocket protocol. Each maps to
// one HTTP status in the web package.
const (
	EBADREQUEST      = "bad_request"
	EINVALIDJSON     = "invalid_json"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	ETOOLARGE        = "too_large"
	EUNSUPPORTED     = "unsupported_media_type"
	EINVALID         = "invalid"
	ERATELIMITED     = "rate_limited"
	EUNAVAILABLE     = "unavailable"
	EINTERNAL        = "internal"
)

// Error is a failure the caller can act on: a code from the list above, a
// message safe to show, and for EINVALID the name of the offending field.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfter, on ERATELIMITED and EUNAVAILABLE, is how long the caller
	// should wait: the Retry-After header on HTTP, retry_after on the socket.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("parley error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("parley error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EINVALID error naming the field that broke a rule.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// RateLimited builds an ERATELIMITED error that says when to retry.
func RateLimited(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: ERATELIMITED, RetryAfter: retryAfter, Message: fmt.Sprintf(format, args...)}
}

// Unavailable builds an EUNAVAILABLE error that says when to retry: the
// server is at capacity and refused the work rather than queue it.
func Unavailable(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: EUNAVAILABLE, RetryAfter: retryAfter, Message: fmt.Sprintf(format, args...)}
}

// ErrorRetryAfter returns how long an ERATELIMITED or EUNAVAILABLE error
// asks the caller to wait, and zero for any other error.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && (e.Code == ERATELIMITED || e.Code == EUNAVAILABLE) {
		return e.RetryAfter
	}
	return 0
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the human message of an *Error, and a generic text for
// internal errors so that their details never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Internal error."
	}
}

// ErrorField returns the offending field of an EINVALID error, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
