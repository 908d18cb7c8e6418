package markup

import "strings"

// maxQuoteDepth is how deep quotes nest; a ">" deeper than that is text.
// It bounds the work per line, which is what keeps parsing linear.
const maxQuoteDepth = 4

// maxStartDigits keeps a numbered list's first number in an int on every
// platform and identical in both implementations.
const maxStartDigits = 9

func parseBlocks(p *inlineParser, ls []string, depth int) []Block {
	var out []Block
	for i := 0; i < len(ls); {
		line := ls[i]
		if blank(line) {
			i++
			continue
		}
		if n := fenceOpen(line); n > 0 {
			j := i + 1
			for j < len(ls) && !fenceClose(ls[j], n) {
				j++
			}
			out = append(out, Block{Kind: CodeBlock, Text: strings.Join(ls[i+1:j], "\n")})
			i = j + 1
			continue
		}
		if depth < maxQuoteDepth && quoted(line) {
			var inner []string
			for ; i < len(ls) && quoted(ls[i]); i++ {
				inner = append(inner, unquote(ls[i]))
			}
			out = append(out, Block{Kind: Quote, Children: parseBlocks(p, inner, depth+1)})
			continue
		}
		if it, ok := listItem(line); ok {
			b := Block{Kind: BulletList}
			if it.numbered {
				b.Kind, b.Start = NumberedList, it.number
			}
			for ; i < len(ls); i++ {
				next, ok := listItem(ls[i])
				if !ok || next.numbered != it.numbered {
					break
				}
				b.Lines = append(b.Lines, p.parseInline(next.content))
			}
			out = append(out, b)
			continue
		}
		b := Block{Kind: Paragraph}
		for ; i < len(ls) && !blank(ls[i]) && (len(b.Lines) == 0 || !startsBlock(ls[i], depth)); i++ {
			b.Lines = append(b.Lines, p.parseInline(ls[i]))
		}
		out = append(out, b)
	}
	return out
}

// startsBlock reports whether line ends a paragraph by opening another block.
func startsBlock(line string, depth int) bool {
	if fenceOpen(line) > 0 || (depth < maxQuoteDepth && quoted(line)) {
		return true
	}
	_, ok := listItem(line)
	return ok
}

func blank(line string) bool {
	for i := 0; i < len(line); i++ {
		if !space(line[i]) {
			return false
		}
	}
	return true
}

// fenceOpen returns the length of the backtick run opening a code block
// (three or more at the start of the line), or 0. A backtick after the run
// makes it inline code instead, as in "```x```".
func fenceOpen(line string) int {
	n := backticks(line, 0)
	if n < 3 || strings.IndexByte(line[n:], '`') >= 0 {
		return 0
	}
	return n
}

// fenceClose reports whether line closes a block opened by n backticks:
// at least n backticks and nothing after them but spaces.
func fenceClose(line string, n int) bool {
	m := backticks(line, 0)
	return m >= n && blank(line[m:])
}

func backticks(s string, i int) int {
	j := i
	for j < len(s) && s[j] == '`' {
		j++
	}
	return j - i
}

func quoted(line string) bool { return len(line) > 0 && line[0] == '>' }

// unquote drops a quote's ">" and the one space after it.
func unquote(line string) string {
	line = line[1:]
	if len(line) > 0 && line[0] == ' ' {
		line = line[1:]
	}
	return line
}

type item struct {
	numbered bool
	number   int
	content  string
}

// listItem recognises "- x", "* x", "+ x", "1. x" and "1) x", after any
// indentation; the content must not be blank.
func listItem(line string) (item, bool) {
	i := 0
	for i < len(line) && space(line[i]) {
		i++
	}
	var it item
	switch {
	case i < len(line) && (line[i] == '-' || line[i] == '*' || line[i] == '+'):
		i++
	case i < len(line) && digit(line[i]):
		j := i
		for j < len(line) && digit(line[j]) {
			j++
		}
		if j-i > maxStartDigits || j >= len(line) || (line[j] != '.' && line[j] != ')') {
			return item{}, false
		}
		it.numbered = true
		for _, c := range []byte(line[i:j]) {
			it.number = it.number*10 + int(c-'0')
		}
		i = j + 1
	default:
		return item{}, false
	}
	if i >= len(line) || !space(line[i]) {
		return item{}, false
	}
	for i < len(line) && space(line[i]) {
		i++
	}
	if i == len(line) {
		return item{}, false
	}
	it.content = line[i:]
	return it, true
}

// space is the only whitespace the rules know: what a keyboard types.
func space(c byte) bool { return c == ' ' || c == '\t' }

func digit(c byte) bool { return c >= '0' && c <= '9' }

// word is an ASCII letter or digit, or any byte of a non-ASCII character:
// the rules look at one neighbour only, and the same test on a UTF-16 code
// unit in the browser gives the same answer.
func word(c byte) bool { return c >= 0x80 || alnum(c) }

// alnum is an ASCII letter or digit.
func alnum(c byte) bool { return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
