package static

import (
	"github.com/gofiber/fiber/v2"
)

var (
	hdrVary           = []byte("Vary")
	hdrETag           = []byte("ETag")
	hdrCacheControl   = []byte("Cache-Control")
	hdrNoSniff        = []byte("X-Content-Type-Options")
	valAcceptEncoding = []byte("Accept-Encoding")
	valNoSniff        = []byte("nosniff")
	valTextPlain      = []byte("text/plain; charset=utf-8")
	bodyNotFound      = []byte("Not Found\n")
)

// Register adds the build's routes to r: every path under the immutable
// folder (an unknown one answers a plain 404, never the SPA shell, so a
// stale chunk fails loudly instead of being parsed as HTML), and the other
// files of the build by their exact path. Register it after the API routes
// and before the pages' catch-all.
func (h *Handler) Register(r fiber.Router) {
	r.Get(h.immutable+"*", h.serveImmutable)
	r.Use(h.serveRoot)
}

func (h *Handler) serveImmutable(c *fiber.Ctx) error {
	f := h.files[c.Path()]
	if f == nil {
		return notFound(c)
	}
	return h.send(c, f)
}

// serveRoot is a middleware rather than one route per file so that any file
// name is served as it is, whatever Fiber would make of it as a pattern.
func (h *Handler) serveRoot(c *fiber.Ctx) error {
	m := c.Method()
	if m != fiber.MethodGet && m != fiber.MethodHead {
		return c.Next()
	}
	f := h.files[c.Path()]
	if f == nil {
		return c.Next()
	}
	return h.send(c, f)
}

func (h *Handler) send(c *fiber.Ctx, f *file) error {
	req := &c.Context().Request.Header
	resp := &c.Context().Response.Header
	v := f.variants[chooseEncoding(req.Peek(fiber.HeaderAcceptEncoding), &f.available)]
	if v == nil {
		// Only siblings without an original could get here, and those are
		// served as files of their own: keep the handler total anyway.
		return notFound(c)
	}
	resp.DelAllCookies()
	resp.SetCanonical(hdrVary, valAcceptEncoding)
	resp.SetCanonical(hdrETag, v.etag)
	resp.SetCanonical(hdrCacheControl, f.cacheControl)
	resp.SetCanonical(hdrNoSniff, valNoSniff)
	if inm := req.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 && etagMatch(inm, v.etag) {
		c.Context().Response.SetStatusCode(fiber.StatusNotModified)
		c.Context().Response.ResetBody()
		return nil
	}
	resp.SetContentTypeBytes(f.contentType)
	if len(v.encoding) > 0 {
		resp.SetContentEncodingBytes(v.encoding)
	}
	// The body is shared, never copied: fasthttp only reads it. On HEAD
	// fasthttp skips it but still announces its length.
	c.Context().Response.SetBodyRaw(v.body)
	return nil
}

func notFound(c *fiber.Ctx) error {
	resp := &c.Context().Response
	resp.Header.DelAllCookies()
	resp.SetStatusCode(fiber.StatusNotFound)
	resp.Header.SetContentTypeBytes(valTextPlain)
	resp.Header.SetCanonical(hdrCacheControl, cacheRevalidate)
	resp.Header.SetCanonical(hdrNoSniff, valNoSniff)
	resp.SetBodyRaw(bodyNotFound)
	return nil
}
