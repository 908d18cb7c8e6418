// Package markup turns a message body, as stored, into the small Markdown
// subset that Parley shows: bold, italic, strike, inline code, fenced code
// blocks, block quotes, lists, auto-detected links and @mentions. Raw HTML
// is never rendered; every character of the body ends up escaped text or
// inside one of the few elements below.
//
// The browser app has its own implementation of the same rules
// (frontend/src/lib/markup.ts). Both must give the same output for every
// input: the vectors in testdata/vectors.json are read by the tests of
// both, and docs/formatting.md states the rules. Change all three together.
//
// Parsing is linear in the body's length: no rule looks back further than
// one character, emphasis nests at most one level per kind, and a code
// span's closing run is found from a table built in one pass.
package markup

import "strings"

// Version names the rules. It changes whenever a body would render
// differently, so that pages cached by their data version are re-rendered.
const Version = "1"

// BlockKind is what a block is.
type BlockKind uint8

// The blocks.
const (
	Paragraph BlockKind = iota + 1
	CodeBlock
	Quote
	BulletList
	NumberedList
)

// Block is one block of a body.
type Block struct {
	Kind BlockKind
	// Lines are a paragraph's lines (shown with a line break between them)
	// or a list's items.
	Lines [][]Inline
	// Text is a code block's content, verbatim.
	Text string
	// Children are a quote's blocks.
	Children []Block
	// Start is the number of a numbered list's first item.
	Start int
}

// InlineKind is what a piece of a line is.
type InlineKind uint8

// The inline pieces.
const (
	Text InlineKind = iota + 1
	Strong
	Emphasis
	Strike
	Code
	Link
	Mention
)

// Inline is one piece of a line.
type Inline struct {
	Kind InlineKind
	// Text is the text of Text, Code and Link (the URL as written), and
	// the name of a Mention without its "@".
	Text string
	// Href is a Link's target: always http, https or mailto.
	Href string
	// Children are the content of Strong, Emphasis and Strike.
	Children []Inline
}

// Parse splits body into blocks.
func Parse(body string) []Block {
	return parseBlocks(new(inlineParser), lines(normalize(body)), 0)
}

// normalize makes line ends "\n" and replaces what no renderer may show:
// invalid UTF-8 and NUL become U+FFFD.
func normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.ContainsAny(s, "\r\x00") {
		s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\uFFFD").Replace(s)
	}
	return s
}

func lines(s string) []string { return strings.Split(s, "\n") }
