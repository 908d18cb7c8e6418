package pages

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/markup"
)

//go:embed templates/*.html style.css
var files embed.FS

// Headers of every HTML answer. The policy allows no inline script or
// style: the SPA's build and these pages need none.
const (
	contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	htmlContentType       = "text/html; charset=utf-8"
)

// layout wraps rendered markup in a document: the SPA's index.html with
// the markup inside <div id="root">, or a plain document without a build.
type layout struct {
	tmpl *template.Template
	// A page is pre + title + post + markup + suffix.
	pre, post, suffix []byte
	spa               bool
	styleURL          string
	style             []byte
	styleETag         string
	// version changes with anything that shapes a page other than its
	// data, so that ETags built from data versions change on a deploy.
	version string
	bufs    sync.Pool
}

func newLayout(shell []byte, log *slog.Logger) (*layout, error) {
	tmpl, err := template.New("pages").Funcs(template.FuncMap{
		"unread":      unread,
		"roomName":    roomName,
		"reactionRow": reactionRow,
		"isoTime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		// Message bodies: formatted, every character of the body escaped.
		"markup": markup.Render,
	}).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	style, err := files.ReadFile("style.css")
	if err != nil {
		return nil, fmt.Errorf("read stylesheet: %w", err)
	}
	styleSum := sha256.Sum256(style)
	l := &layout{
		tmpl:      tmpl,
		style:     style,
		styleETag: `"` + base64.RawURLEncoding.EncodeToString(styleSum[:9]) + `"`,
		// The hash in the name lets the stylesheet be cached for a year.
		styleURL: "/_pages/style." + base64.RawURLEncoding.EncodeToString(styleSum[:6]) + ".css",
	}
	link := []byte(`<link rel="stylesheet" href="` + l.styleURL + `">`)
	if shell != nil {
		if pre, post, suffix, ok := splitShell(shell, link); ok {
			l.pre, l.post, l.suffix, l.spa = pre, post, suffix, true
		} else {
			log.Warn("pages: index.html has no empty <div id=\"root\"></div> after </head>; using the plain layout")
		}
	}
	if !l.spa {
		l.pre = []byte("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, interactive-widget=resizes-content\">\n<title>")
		l.post = append(append([]byte("</title>\n"), link...), "\n</head>\n<body>\n<div id=\"root\">"...)
		l.suffix = []byte("</div>\n</body>\n</html>\n")
	}
	h := sha256.New()
	h.Write(shell)
	h.Write(style)
	h.Write(l.pre)
	h.Write([]byte(markup.Version))
	l.version = base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
	return l, nil
}

// splitShell cuts index.html around its title and its empty root element,
// and links the pages' stylesheet so that server-rendered markup is styled
// before any script runs.
func splitShell(shell, link []byte) (pre, post, suffix []byte, ok bool) {
	titleOpen, titleClose := []byte("<title>"), []byte("</title>")
	rootOpen, headClose := []byte(`<div id="root">`), []byte("</head>")
	k := bytes.Index(shell, headClose)
	r := bytes.Index(shell, rootOpen)
	if k < 0 || r < k {
		return nil, nil, nil, false
	}
	rest := shell[r+len(rootOpen):]
	if !bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte("</div>")) {
		return nil, nil, nil, false
	}
	i, j := bytes.Index(shell, titleOpen), bytes.Index(shell, titleClose)
	if i < 0 || j < i || j > k {
		// No title to replace: add one.
		pre = append(bytes.Clone(shell[:k]), titleOpen...)
		post = append(bytes.Clone(titleClose), link...)
	} else {
		pre = bytes.Clone(shell[:i+len(titleOpen)])
		post = append(bytes.Clone(shell[j:k]), link...)
	}
	post = append(post, shell[k:r+len(rootOpen)]...)
	return pre, post, bytes.Clone(rest), true
}

// render executes the named template inside the layout; an empty title
// leaves the page titled by the product name alone.
func (l *layout) render(name, title string, v *view) ([]byte, error) {
	buf, _ := l.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer l.bufs.Put(buf)
	buf.Reset()
	buf.Write(l.pre)
	if title != "" {
		title += " · "
	}
	template.HTMLEscape(buf, []byte(title+"Parley"))
	buf.Write(l.post)
	if err := l.tmpl.ExecuteTemplate(buf, name, v); err != nil {
		return nil, fmt.Errorf("pages: render %s: %w", name, err)
	}
	buf.Write(l.suffix)
	return bytes.Clone(buf.Bytes()), nil
}

// serveStyle answers the pages' own stylesheet; its URL changes with its
// content, so it is immutable.
func (l *layout) serveStyle(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderETag, l.styleETag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if c.Get(fiber.HeaderIfNoneMatch) == l.styleETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	return c.Send(l.style)
}

// setHTMLHeaders sets what every HTML answer carries. A page for a
// signed-in user is private: a shared cache must never hand it to another.
func setHTMLHeaders(c *fiber.Ctx, cacheControl string) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderCacheControl, cacheControl)
	c.Set(fiber.HeaderVary, "Cookie")
}

// etagOf is a strong validator of a page's bytes.
func etagOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12]) + `"`
}

func unread(r chat.Room) int64 {
	if r.Unread == nil {
		return 0
	}
	return *r.Unread
}

func roomName(r chat.Room) string {
	if r.Name != "" {
		return r.Name
	}
	if r.Kind == chat.RoomDirect {
		return "Direct message"
	}
	return "Room " + strconv.FormatInt(r.ID, 10)
}
