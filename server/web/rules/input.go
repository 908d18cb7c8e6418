package rules

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// maxFieldName bounds the field name echoed back in an error.
const maxFieldName = 64

// CheckInput refuses text no handler should ever see: a NUL byte or
// invalid UTF-8 in the path, a query parameter, the session cookie or a
// form field. PostgreSQL rejects NUL in text and every renderer would have
// to guess what broken UTF-8 means, so such a request is answered 400
// before it reaches a store.
func CheckInput(c *fiber.Ctx) error {
	if err := BadInput(c); err != nil {
		return err
	}
	return c.Next()
}

// BadInput is CheckInput's verdict, for a layer that answers in its own
// format (the pages show an HTML error).
func BadInput(c *fiber.Ctx) error {
	uri := c.Request().URI()
	if !clean(uri.Path()) || !clean(uri.PathOriginal()) {
		return bad("path")
	}
	var field string
	uri.QueryArgs().VisitAll(func(k, v []byte) {
		if field == "" && (!clean(k) || !clean(v)) {
			field = fieldName(k)
		}
	})
	if field != "" {
		return bad(field)
	}
	if t := c.Request().Header.Cookie(SessionCookie); !clean(t) {
		return bad(SessionCookie)
	}
	if c.Method() != fiber.MethodPost {
		return nil
	}
	ct := string(c.Request().Header.ContentType())
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if field == "" && (!clean(k) || !clean(v)) {
				field = fieldName(k)
			}
		})
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.Request().MultipartForm()
		if err != nil {
			return chat.Errorf(chat.EBADREQUEST, "The form is malformed.")
		}
		for k, vs := range form.Value {
			for _, v := range vs {
				if field == "" && (!clean([]byte(k)) || !clean([]byte(v))) {
					field = fieldName([]byte(k))
				}
			}
		}
	}
	if field != "" {
		return bad(field)
	}
	return nil
}

func clean(b []byte) bool { return bytes.IndexByte(b, 0) < 0 && utf8.Valid(b) }

// fieldName is a printable, bounded name for an offending parameter.
func fieldName(k []byte) string {
	if !clean(k) || len(k) > maxFieldName {
		return "query"
	}
	return string(k)
}

func bad(field string) error {
	return &chat.Error{Code: chat.EBADREQUEST, Field: field, Message: "The request holds a NUL byte or invalid UTF-8 in " + field + "."}
}
