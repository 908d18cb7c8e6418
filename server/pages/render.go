package pages

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/parleychat/parley/server/chat"
)

// view is the data of every template; each page fills what it shows.
type view struct {
	User *chat.User
	// Error is a problem with what was just posted, shown above the form.
	Error string
	// Form values echoed back after a failed post (never the password).
	Username    string
	DisplayName string
	Body        string
	ClientID    string

	Rooms    []chat.Room
	Room     *chat.Room
	Messages []chat.Message
	HasMore  bool

	Status  int
	Message string
}

// statusOf maps the domain's error codes to HTTP statuses, as the JSON API
// does.
var statusOf = map[string]int{
	chat.EBADREQUEST:      fiber.StatusBadRequest,
	chat.EINVALIDJSON:     fiber.StatusBadRequest,
	chat.EUNAUTHENTICATED: fiber.StatusUnauthorized,
	chat.EFORBIDDEN:       fiber.StatusForbidden,
	chat.ENOTFOUND:        fiber.StatusNotFound,
	chat.ECONFLICT:        fiber.StatusConflict,
	chat.ETOOLARGE:        fiber.StatusRequestEntityTooLarge,
	chat.EUNSUPPORTED:     fiber.StatusUnsupportedMediaType,
	chat.EINVALID:         fiber.StatusUnprocessableEntity,
	chat.ERATELIMITED:     fiber.StatusTooManyRequests,
	chat.EUNAVAILABLE:     fiber.StatusServiceUnavailable,
}

func statusFor(err error) int {
	if s, ok := statusOf[chat.ErrorCode(err)]; ok {
		return s
	}
	return fiber.StatusInternalServerError
}

// page renders a template and sends it. A 200 answer to a GET carries an
// ETag (etag, or else a hash of the bytes) and honours If-None-Match; any
// other answer is not stored, since it reflects one post or one failure.
func (p *Pages) page(c *fiber.Ctx, status int, name, title string, v *view, etag string) error {
	body, err := p.layout.render(name, title, v)
	if err != nil {
		p.log.Error("pages: render", "page", name, "err", err)
		setHTMLHeaders(c, "no-store")
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.Status(fiber.StatusInternalServerError).SendString("Internal error.")
	}
	cacheable := status == fiber.StatusOK && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead)
	if !cacheable {
		setHTMLHeaders(c, "no-store")
	} else {
		if etag == "" {
			etag = etagOf(p.layout.version, string(body))
		}
		if p.notModified(c, v.User != nil, etag) {
			return nil
		}
	}
	c.Set(fiber.HeaderContentType, htmlContentType)
	return c.Status(status).Send(body)
}

// notModified sets the headers of a cacheable page and answers 304 when
// the client already holds etag.
func (p *Pages) notModified(c *fiber.Ctx, private bool, etag string) bool {
	cc := "no-cache"
	if private {
		cc = "private, no-cache"
	}
	setHTMLHeaders(c, cc)
	c.Set(fiber.HeaderETag, etag)
	if !etagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return false
	}
	c.Status(fiber.StatusNotModified)
	return true
}

// etagMatch is If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatch(inm, etag string) bool {
	for tag := range strings.SplitSeq(inm, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// errorPage shows err with its status. Internal errors are logged and
// shown only as "Internal error.".
func (p *Pages) errorPage(c *fiber.Ctx, u *chat.User, err error) error {
	status := statusFor(err)
	if status == fiber.StatusInternalServerError {
		p.log.Error("pages: request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	v := &view{User: u, Status: status, Message: chat.ErrorMessage(err)}
	return p.page(c, status, "error", utils.StatusMessage(status), v, "")
}
