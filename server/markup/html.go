package markup

import (
	"html/template"
	"strconv"
	"sync"
)

// LinkRel is the rel of every link: the target gets neither the page
// (window.opener) nor the referrer, and search engines no vote.
const LinkRel = "noopener noreferrer nofollow"

// Render returns body as HTML. Safe to put in a page as is: all text is
// escaped and the only elements are p, br, strong, em, del, code, pre,
// blockquote, ul, ol, li, a (http, https and mailto only) and
// span.mention.
func Render(body string) template.HTML {
	bp, _ := buffers.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = AppendHTML((*bp)[:0], body)
	out := template.HTML(*bp)
	if cap(*bp) <= maxPooled {
		buffers.Put(bp)
	}
	return out
}

// buffers keeps Render from growing a fresh buffer for every message: a
// page renders up to fifty of them.
var buffers sync.Pool

// maxPooled keeps one huge body from pinning its buffer forever.
const maxPooled = 64 << 10

// AppendHTML appends body as HTML to dst.
func AppendHTML(dst []byte, body string) []byte {
	return appendBlocks(dst, Parse(body))
}

func appendBlocks(b []byte, blocks []Block) []byte {
	for i := range blocks {
		bl := &blocks[i]
		switch bl.Kind {
		case Paragraph:
			b = append(b, "<p>"...)
			for k, line := range bl.Lines {
				if k > 0 {
					b = append(b, "<br>"...)
				}
				b = appendInlines(b, line)
			}
			b = append(b, "</p>"...)
		case CodeBlock:
			b = append(b, "<pre><code>"...)
			b = appendEscaped(b, bl.Text)
			b = append(b, "</code></pre>"...)
		case Quote:
			b = append(b, "<blockquote>"...)
			b = appendBlocks(b, bl.Children)
			b = append(b, "</blockquote>"...)
		case BulletList, NumberedList:
			tag := "ul"
			if bl.Kind == NumberedList {
				tag = "ol"
			}
			b = append(b, '<')
			b = append(b, tag...)
			if bl.Kind == NumberedList && bl.Start != 1 {
				b = append(b, ` start="`...)
				b = strconv.AppendInt(b, int64(bl.Start), 10)
				b = append(b, '"')
			}
			b = append(b, '>')
			for _, it := range bl.Lines {
				b = append(b, "<li>"...)
				b = appendInlines(b, it)
				b = append(b, "</li>"...)
			}
			b = append(b, "</"...)
			b = append(b, tag...)
			b = append(b, '>')
		}
	}
	return b
}

func appendInlines(b []byte, nodes []Inline) []byte {
	for i := range nodes {
		n := &nodes[i]
		switch n.Kind {
		case Text:
			b = appendEscaped(b, n.Text)
		case Strong, Emphasis, Strike:
			tag := inlineTags[n.Kind]
			b = append(b, '<')
			b = append(b, tag...)
			b = append(b, '>')
			b = appendInlines(b, n.Children)
			b = append(b, "</"...)
			b = append(b, tag...)
			b = append(b, '>')
		case Code:
			b = append(b, "<code>"...)
			b = appendEscaped(b, n.Text)
			b = append(b, "</code>"...)
		case Link:
			b = append(b, `<a href="`...)
			b = appendEscaped(b, n.Href)
			b = append(b, `" rel="`+LinkRel+`" target="_blank">`...)
			b = appendEscaped(b, n.Text)
			b = append(b, "</a>"...)
		case Mention:
			b = append(b, `<span class="mention">@`...)
			b = appendEscaped(b, n.Text)
			b = append(b, "</span>"...)
		}
	}
	return b
}

var inlineTags = [...]string{Strong: "strong", Emphasis: "em", Strike: "del"}

// appendEscaped escapes like html/template, so that text reads the same
// whether a template or this package wrote it; valid in text and in
// double-quoted attributes.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
