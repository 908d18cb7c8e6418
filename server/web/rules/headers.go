package rules

import (
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// SecurityHeaders are set on every answer, API and pages alike: no MIME
// sniffing (a JSON answer is never run as a script or shown as HTML), no
// framing (clickjacking), and no full URL leaking to other sites in
// Referer. Pages add their Content-Security-Policy on top.
func SecurityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Next()
}

// RetryAfter is the Retry-After value for a wait: whole seconds, at least
// one, as HTTP wants.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
