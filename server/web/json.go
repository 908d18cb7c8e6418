package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

// encodeJSON renders v without HTML escaping: message bodies go out exactly
// as they were sent, and escaping is the job of whoever renders HTML.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("web: encode json: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func writeJSON(c *fiber.Ctx, status int, v any) error {
	body, err := encodeJSON(v)
	if err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

// decodeJSON reads a JSON request body into v. Wrong content type → 415,
// broken JSON → 400 invalid_json, a field of the wrong type → 422 naming it.
// Unknown fields are ignored so that clients can be newer than the server.
func decodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return chat.Errorf(chat.EUNSUPPORTED, "Send the body as application/json.")
	}
	body := c.Body()
	// encoding/json would quietly turn broken UTF-8 into U+FFFD: refuse it.
	if !utf8.Valid(body) {
		return chat.Errorf(chat.EINVALIDJSON, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return chat.Invalid(typeErr.Field, "%s must be a %s.", typeErr.Field, typeErr.Type.String())
		}
		if errors.Is(err, io.EOF) {
			return chat.Errorf(chat.EINVALIDJSON, "The request body is empty; send a JSON object.")
		}
		return chat.Errorf(chat.EINVALIDJSON, "The request body is not valid JSON.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return chat.Errorf(chat.EINVALIDJSON, "The request body has data after the JSON object.")
	}
	return nil
}
