package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
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
	// Parent is the first message of the thread a thread page shows.
	Parent *chat.Message
	// At is the seq a room page opened at (?at=, a search result's).
	At int64

	Search *searchView

	Status  int
	Message string

	// Zone and Now are the reader's time zone and the moment of the
	// render, from which message times are written (see clock).
	Zone *time.Location
	Now  time.Time
}

// Clock writes a message's time by the rule the SPA shares.
func (v *view) Clock(t time.Time) string { return clock(t, v.Now, v.zone()) }

// FullClock writes a message's full date, time and zone.
func (v *view) FullClock(t time.Time) string { return fullClock(t, v.zone()) }

func (v *view) zone() *time.Location {
	if v.Zone == nil {
		return time.UTC
	}
	return v.Zone
}

func statusFor(err error) int { return rules.Status(err) }

// page renders a template and sends it. A 200 answer to a GET carries an
// ETag (etag, or else a hash of the bytes) and honours If-None-Match; any
// other answer is not stored, since it reflects one post or one failure.
func (p *Pages) page(c *fiber.Ctx, status int, name, title string, v *view, etag string) error {
	body, err := p.layout.render(name, title, v)
	if err != nil {
		p.log.Error("pages: render", "page", name, "client", rules.ClientIP(c), "err", err)
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
	if !rules.ETagMatch(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return false
	}
	c.Status(fiber.StatusNotModified)
	return true
}

// errorPage shows err with its status. Internal errors are logged and
// shown only as "Internal error.".
func (p *Pages) errorPage(c *fiber.Ctx, u *chat.User, err error) error {
	status := statusFor(err)
	if status == fiber.StatusInternalServerError {
		p.log.Error("pages: request failed", "method", c.Method(), "path", c.Path(), "client", rules.ClientIP(c), "err", err)
	}
	setRetryAfter(c, err)
	v := &view{User: u, Status: status, Message: chat.ErrorMessage(err)}
	return p.page(c, status, "error", utils.StatusMessage(status), v, "")
}

// setRetryAfter tells a rate-limited browser when to come back.
func setRetryAfter(c *fiber.Ctx, err error) {
	if retry := chat.ErrorRetryAfter(err); retry > 0 {
		c.Set(fiber.HeaderRetryAfter, rules.RetryAfter(retry))
	}
}
