package markup

import (
	"slices"
	"strings"
)

// A mention's name is as long as a username can be.
const (
	minMention = 3
	maxMention = 32
)

// frame is an emphasis opened on the line and not closed yet.
type frame struct {
	kind  InlineKind
	char  byte
	delim string // as typed: it becomes text again if never closed
	nodes []Inline
}

type inlineParser struct {
	s     string
	stack []frame // stack[0] is the line itself
	// Text not yet put in a node: s[litFrom:litTo] while it is one piece
	// of the line (no copy), joined in buf once an escape splits it.
	litFrom, litTo int
	buf            []byte
	runs           []run // backtick runs, for code spans
	run            int   // the first run not behind the cursor
	// spare holds each stack level's node buffer between uses, so that a
	// body's nodes are gathered in reused buffers and copied out once at
	// their exact size.
	spare [][]Inline
}

// run is a run of backticks; next is the index of the next run of the
// same length, or -1.
type run struct{ start, n, next int }

// parseInline parses one line. p is reused from line to line.
func (p *inlineParser) parseInline(s string) []Inline {
	p.s, p.stack, p.run = s, append(p.stack[:0], frame{nodes: p.buffer(0)}), 0
	p.litFrom, p.litTo, p.buf = 0, 0, p.buf[:0]
	p.runs = p.runs[:0]
	if strings.IndexByte(s, '`') >= 0 {
		p.runs = backtickRuns(p.runs, s)
	}
	a := 0 // start of the plain text not yet added
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && escapable(s[i+1]):
			p.text(a, i)
			p.text(i+1, i+2)
			i += 2
			a = i
			continue
		case c == '`':
			p.text(a, i)
			i = p.code(i)
			a = i
			continue
		case c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'm' || c == 'M':
			if e, href, ok := link(s, i); ok {
				p.text(a, i)
				p.add(Inline{Kind: Link, Text: s[i:e], Href: href})
				i, a = e, e
				continue
			}
		case c == '@':
			if e, ok := mention(s, i); ok {
				p.text(a, i)
				p.add(Inline{Kind: Mention, Text: s[i+1 : e]})
				i, a = e, e
				continue
			}
		case c == '*' || c == '_' || c == '~':
			p.text(a, i)
			i = p.delimiter(i)
			a = i
			continue
		}
		i++
	}
	p.text(a, len(s))
	p.flush()
	for len(p.stack) > 1 {
		p.unwind()
	}
	nodes := slices.Clone(p.stack[0].nodes)
	p.spare[0] = p.stack[0].nodes[:0]
	return nodes
}

// buffer returns an empty node buffer for stack level k.
func (p *inlineParser) buffer(k int) []Inline {
	for len(p.spare) <= k {
		p.spare = append(p.spare, nil)
	}
	return p.spare[k][:0]
}

// text adds s[i:j] to the pending text, without a copy while the pieces
// follow each other in the line.
func (p *inlineParser) text(i, j int) {
	switch {
	case i == j:
	case len(p.buf) > 0:
		p.buf = append(p.buf, p.s[i:j]...)
	case p.litFrom == p.litTo:
		p.litFrom, p.litTo = i, j
	case p.litTo == i:
		p.litTo = j
	default:
		p.buf = append(append(p.buf, p.s[p.litFrom:p.litTo]...), p.s[i:j]...)
	}
}

// flush puts pending text into the innermost open frame.
func (p *inlineParser) flush() {
	t := p.s[p.litFrom:p.litTo]
	if len(p.buf) > 0 {
		t = string(p.buf)
		p.buf = p.buf[:0]
	}
	p.litFrom, p.litTo = 0, 0
	if t == "" {
		return
	}
	top := &p.stack[len(p.stack)-1]
	top.nodes = append(top.nodes, Inline{Kind: Text, Text: t})
}

func (p *inlineParser) add(n Inline) {
	p.flush()
	top := &p.stack[len(p.stack)-1]
	top.nodes = append(top.nodes, n)
}

// unwind turns the innermost open frame back into text.
func (p *inlineParser) unwind() {
	k := len(p.stack) - 1
	f := p.stack[k]
	p.stack = p.stack[:k]
	top := &p.stack[k-1]
	top.nodes = append(top.nodes, Inline{Kind: Text, Text: f.delim})
	top.nodes = append(top.nodes, f.nodes...)
	p.spare[k] = f.nodes[:0]
}

// close ends the frame at index k; frames opened inside it and still open
// become text.
func (p *inlineParser) close(k int) {
	p.flush()
	for len(p.stack)-1 > k {
		p.unwind()
	}
	f := p.stack[k]
	p.stack = p.stack[:k]
	p.add(Inline{Kind: f.kind, Children: slices.Clone(f.nodes)})
	p.spare[k] = f.nodes[:0]
}

func (p *inlineParser) open(kind InlineKind, char byte, delim string) {
	p.flush()
	p.stack = append(p.stack, frame{kind: kind, char: char, delim: delim, nodes: p.buffer(len(p.stack))})
}

// find returns the index of the open frame of kind made of char, or -1.
// A kind is open at most once, so the stack holds at most five frames.
func (p *inlineParser) find(kind InlineKind, char byte) int {
	for k := len(p.stack) - 1; k > 0; k-- {
		if p.stack[k].kind == kind && p.stack[k].char == char {
			return k
		}
	}
	return -1
}

// delimiter handles the run of '*', '_' or '~' at i and returns where the
// run ends. "*" and "_" emphasise, "**" and "__" make strong, "***" and
// "___" both, "~~" strikes through; other runs are text. A run opens when
// the next character is not a space and closes when the previous one is
// not; "_" also needs no letter or digit outside it, so snake_case stays.
func (p *inlineParser) delimiter(i int) int {
	s, c := p.s, p.s[i]
	j := i
	for j < len(s) && s[j] == c {
		j++
	}
	n := j - i
	prev, next := byte(' '), byte(' ')
	if i > 0 {
		prev = s[i-1]
	}
	if j < len(s) {
		next = s[j]
	}
	canOpen, canClose := !space(next), !space(prev)
	if c == '_' {
		canOpen = canOpen && !word(prev)
		canClose = canClose && !word(next)
	}
	switch {
	case c == '~' && n == 2:
		p.single(Strike, c, i, j, canOpen, canClose)
	case c != '~' && n == 1:
		p.single(Emphasis, c, i, j, canOpen, canClose)
	case c != '~' && n == 2:
		p.single(Strong, c, i, j, canOpen, canClose)
	case c != '~' && n == 3:
		p.triple(c, i, j, canOpen, canClose)
	default:
		p.text(i, j)
	}
	return j
}

// single handles the run s[i:j] of one kind.
func (p *inlineParser) single(kind InlineKind, c byte, i, j int, canOpen, canClose bool) {
	k := p.find(kind, c)
	switch {
	case canClose && k >= 0:
		p.close(k)
	case canOpen && k < 0:
		p.open(kind, c, p.s[i:j])
	default:
		p.text(i, j)
	}
}

// triple closes the emphasis and the strong made of c, the inner one
// first, or opens both (emphasis outside); what a close leaves over is text.
func (p *inlineParser) triple(c byte, i, j int, canOpen, canClose bool) {
	em, st := p.find(Emphasis, c), p.find(Strong, c)
	switch {
	case canClose && (em >= 0 || st >= 0):
		used := 0
		if st > em {
			p.close(st)
			used += 2
			if em >= 0 {
				p.close(em)
				used++
			}
		} else {
			p.close(em)
			used++
			if st >= 0 {
				p.close(st)
				used += 2
			}
		}
		p.text(i+used, j)
	case canOpen && em < 0 && st < 0:
		p.open(Emphasis, c, p.s[i:i+1])
		p.open(Strong, c, p.s[i+1:j])
	default:
		p.text(i, j)
	}
}

// code handles the backtick run at i: inline code up to the next run of
// the same length, or the run as text when there is none.
func (p *inlineParser) code(i int) int {
	for p.runs[p.run].start < i {
		p.run++
	}
	r := p.runs[p.run]
	if r.next < 0 {
		p.text(i, i+r.n)
		return i + r.n
	}
	end := p.runs[r.next]
	text := p.s[i+r.n : end.start]
	// One space on each side lets code start or end with a backtick.
	if len(text) >= 2 && text[0] == ' ' && text[len(text)-1] == ' ' && strings.Trim(text, " ") != "" {
		text = text[1 : len(text)-1]
	}
	p.add(Inline{Kind: Code, Text: text})
	return end.start + end.n
}

func backtickRuns(runs []run, s string) []run {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		n := backticks(s, i)
		runs = append(runs, run{start: i, n: n, next: -1})
		i += n
	}
	last := map[int]int{}
	for k := len(runs) - 1; k >= 0; k-- {
		if j, ok := last[runs[k].n]; ok {
			runs[k].next = j
		}
		last[runs[k].n] = k
	}
	return runs
}

// escapable is ASCII punctuation but the backtick: a backslash before one
// shows it as itself. Code spans take backticks literally instead.
func escapable(c byte) bool {
	return c != '`' && ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
}

// link recognises a URL starting at i: http://, https://, mailto: or www.
// (case-insensitive) followed by a letter or digit, not glued to a word
// before it. It runs to a space or one of < > " `, then gives back trailing
// punctuation and unbalanced closing parentheses, which belong to the
// sentence. Only those schemes can ever become a link.
func link(s string, i int) (end int, href string, ok bool) {
	if i > 0 && alnum(s[i-1]) {
		return 0, "", false
	}
	plen := 0
	for _, prefix := range [...]string{"https://", "http://", "mailto:", "www."} {
		if hasPrefixFold(s[i:], prefix) {
			plen = len(prefix)
			break
		}
	}
	if plen == 0 || i+plen >= len(s) || !alnum(s[i+plen]) {
		return 0, "", false
	}
	e, opens, closes := i+plen, 0, 0
	for ; e < len(s) && !urlStop(s[e]); e++ {
		switch s[e] {
		case '(':
			opens++
		case ')':
			closes++
		}
	}
	for {
		c := s[e-1]
		if strings.IndexByte("?!.,:;*_~'", c) >= 0 {
			e--
		} else if c == ')' && closes > opens {
			e--
			closes--
		} else {
			break
		}
	}
	href = s[i:e]
	if plen == 4 { // www.
		href = "https://" + href
	}
	return e, href, true
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case only: Unicode
// folding would let "ſ" stand for "s".
func hasPrefixFold(s, lowerPrefix string) bool {
	if len(s) < len(lowerPrefix) {
		return false
	}
	for k := 0; k < len(lowerPrefix); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerPrefix[k] {
			return false
		}
	}
	return true
}

func urlStop(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`'
}

// mention recognises "@name" with a name of 3 to 32 username characters,
// not glued to a word before it; trailing dots end the sentence, not the
// name.
func mention(s string, i int) (end int, ok bool) {
	if i > 0 && alnum(s[i-1]) {
		return 0, false
	}
	e := i + 1
	for e < len(s) && (alnum(s[e]) || s[e] == '_' || s[e] == '.' || s[e] == '-') {
		e++
	}
	for e > i+1 && s[e-1] == '.' {
		e--
	}
	if n := e - i - 1; n < minMention || n > maxMention {
		return 0, false
	}
	return e, true
}
