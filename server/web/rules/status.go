package rules

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

// StatusOf is the HTTP status of an error code; 500 for an unknown one.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Status is the HTTP status err answers with.
func Status(err error) int {
	_, status := Classify(err)
	return status
}

// fiberCode maps the statuses Fiber and fasthttp produce by themselves
// (unknown route, wrong method, slow request, oversized body, URI or
// headers…) to the contract's codes. Those statuses are kept on the
// answer: a client that sent a 10 KiB header needs 431, not 400.
var fiberCode = map[int]string{
	http.StatusBadRequest:                   chat.EBADREQUEST,
	http.StatusUnauthorized:                 chat.EUNAUTHENTICATED,
	http.StatusForbidden:                    chat.EFORBIDDEN,
	http.StatusNotFound:                     chat.ENOTFOUND,
	http.StatusMethodNotAllowed:             chat.ENOTFOUND,
	http.StatusNotAcceptable:                chat.EBADREQUEST,
	http.StatusRequestTimeout:               chat.EBADREQUEST,
	http.StatusConflict:                     chat.ECONFLICT,
	http.StatusLengthRequired:               chat.EBADREQUEST,
	http.StatusPreconditionFailed:           chat.EBADREQUEST,
	http.StatusRequestEntityTooLarge:        chat.ETOOLARGE,
	http.StatusRequestURITooLong:            chat.ETOOLARGE,
	http.StatusUnsupportedMediaType:         chat.EUNSUPPORTED,
	http.StatusRequestedRangeNotSatisfiable: chat.EBADREQUEST,
	http.StatusExpectationFailed:            chat.EBADREQUEST,
	http.StatusUnprocessableEntity:          chat.EINVALID,
	http.StatusTooManyRequests:              chat.ERATELIMITED,
	http.StatusRequestHeaderFieldsTooLarge:  chat.ETOOLARGE,
	http.StatusNotImplemented:               chat.EBADREQUEST,
	http.StatusServiceUnavailable:           chat.EUNAVAILABLE,
	http.StatusGatewayTimeout:               chat.EUNAVAILABLE,
}

// fiberStatus is the status kept for a Fiber error: 405 is answered as the
// contract's 404 (no such route for that method), 501 (an unknown method)
// as 400.
var fiberStatus = map[int]int{
	http.StatusMethodNotAllowed: http.StatusNotFound,
	http.StatusNotImplemented:   http.StatusBadRequest,
}

var fiberMessage = map[string]string{
	chat.ENOTFOUND:    "Not found.",
	chat.ETOOLARGE:    "The request is too large.",
	chat.EBADREQUEST:  "The request is malformed.",
	chat.EUNAVAILABLE: "The service is unavailable; try again.",
}

// Classify turns any error a handler, a middleware or Fiber returns into
// the domain error the client will see and its HTTP status.
func Classify(err error) (*chat.Error, int) {
	var ce *chat.Error
	if errors.As(err, &ce) {
		return ce, StatusOf(ce.Code)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := fiberCode[fe.Code]
		switch {
		case ok:
		case fe.Code >= 400 && fe.Code < 500:
			code = chat.EBADREQUEST
		default:
			return &chat.Error{Code: chat.EINTERNAL, Message: "Internal error."}, http.StatusInternalServerError
		}
		status := fe.Code
		if s, ok := fiberStatus[fe.Code]; ok {
			status = s
		}
		if code == chat.ETOOLARGE && fe.Code == http.StatusRequestEntityTooLarge {
			return &chat.Error{Code: code, Message: "The request body is too large."}, status
		}
		msg := fiberMessage[code]
		if msg == "" {
			msg = fe.Message
		}
		return &chat.Error{Code: code, Message: msg}, status
	}
	return &chat.Error{Code: chat.EINTERNAL, Message: chat.ErrorMessage(err)}, http.StatusInternalServerError
}
