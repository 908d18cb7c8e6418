package web

import (
	"encoding/base64"
	"hash/fnv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/web/rules"
)

// perUserCaching makes browsers keep per-user answers but ask again every
// time, so the ETag turns a repeat into a 304 without sharing it with anyone.
const perUserCaching = "private, no-cache"

// etagOf is a strong validator for a body; 128 bits of FNV are plenty to
// tell versions of one resource apart.
func etagOf(parts ...[]byte) string {
	h := fnv.New128a()
	for _, p := range parts {
		_, _ = h.Write(p)
		_, _ = h.Write([]byte{0})
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)) + `"`
}

func setValidators(c *fiber.Ctx, etag string) {
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, perUserCaching)
	c.Set(fiber.HeaderVary, "Authorization, Cookie")
}

// notModified answers 304 when the caller already holds etag.
func (s *Server) notModified(c *fiber.Ctx, etag string) bool {
	setValidators(c, etag)
	if rules.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Status(fiber.StatusNotModified)
		if s.counted != nil {
			s.counted(strings.Clone(c.Route().Path))
		}
		return true
	}
	return false
}

// sendCacheable answers a GET whose only version is its body: the ETag is
// the body's hash, so the database work is done but the bytes are not sent
// again.
func (s *Server) sendCacheable(c *fiber.Ctx, v any) error {
	body, err := encodeJSON(v)
	if err != nil {
		return err
	}
	if s.notModified(c, etagOf(body)) {
		return nil
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(body)
}
