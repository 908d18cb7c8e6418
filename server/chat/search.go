package chat

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of message search.
const (
	SearchQueryMaxLen     = 200
	SearchDefaultLimit    = 20
	SearchMaxLimit        = 50
	SearchMaxTerms        = 16
	SearchPrefixMinLength = 2
)

// SearchTerm is one thing a message must contain: a word, or the words of
// a quoted phrase in that order.
type SearchTerm struct {
	Text string
	// Phrase: the words must follow each other.
	Phrase bool
	// Prefix: the word may go on (the last word of the query, still being
	// typed).
	Prefix bool
}

// Search is a parsed message search over the rooms the caller belongs to.
type Search struct {
	// Terms must all match.
	Terms []SearchTerm
	// From, when set, is the username the author must have (from:name).
	From string
	// In, when set, is the name the room must have (in:#name), compared
	// case-insensitively.
	In string
	// RoomID, when set, is the one room to search.
	RoomID int64
	// BeforeID, when set, asks for the matches older than that message id:
	// the next page.
	BeforeID int64
	// Limit is how many matches a page holds.
	Limit int
}

// SearchHit is a message that matched, with the words that matched marked.
type SearchHit struct {
	Message
	// Highlight is the body cut where the matching words start and end:
	// the even-indexed parts (from 0) are plain text, the odd-indexed ones
	// matched. Joined, the parts are exactly the body.
	Highlight []string `json:"highlight"`
}

// SearchStore finds messages.
type SearchStore interface {
	// SearchMessages returns the newest matches of s, newest first, in the
	// rooms userID belongs to (never another room, never a deleted
	// message), at most s.Limit, and whether older matches exist.
	SearchMessages(ctx context.Context, userID int64, s Search) (hits []SearchHit, hasMore bool, err error)
}

// ParseSearch reads the text of a search box: words (the last one matched
// as a prefix once it has SearchPrefixMinLength characters), "quoted
// phrases", from:username and in:#room-name (in:"#room name" when the
// name has spaces). Bad input answers EINVALID on field q.
func ParseSearch(q string) (Search, error) {
	var s Search
	if !ValidText(q) {
		return s, Invalid("q", "The search must be valid UTF-8 without NUL characters.")
	}
	if n := utf8.RuneCountInString(q); n > SearchQueryMaxLen || strings.TrimSpace(q) == "" {
		return s, Invalid("q", "The search must be 1 to %d characters.", SearchQueryMaxLen)
	}
	p := searchParser{rest: q}
	for {
		tok, ok := p.next()
		if !ok {
			break
		}
		switch {
		case tok.filter == "from":
			name := NormalizeUsername(strings.TrimPrefix(tok.text, "@"))
			if s.From != "" {
				return s, Invalid("q", "Use from: once.")
			}
			if ValidateUsername(name) != nil {
				return s, Invalid("q", "from: needs a username.")
			}
			s.From = name
		case tok.filter == "in":
			name := strings.TrimSpace(strings.TrimPrefix(tok.text, "#"))
			if s.In != "" {
				return s, Invalid("q", "Use in: once.")
			}
			if name == "" || utf8.RuneCountInString(name) > RoomNameMaxLen {
				return s, Invalid("q", "in: needs a room name, as in in:#general.")
			}
			s.In = name
		case !hasWordChar(tok.text):
			// Only punctuation: nothing a message could be found by.
		default:
			s.Terms = append(s.Terms, SearchTerm{Text: tok.text, Phrase: tok.quoted})
		}
	}
	if len(s.Terms) == 0 {
		return s, Invalid("q", "Give at least one word to search for.")
	}
	if len(s.Terms) > SearchMaxTerms {
		return s, Invalid("q", "Search for at most %d words or phrases.", SearchMaxTerms)
	}
	// The last word goes on as a prefix, unless it is too short for that
	// to narrow anything down.
	if last := &s.Terms[len(s.Terms)-1]; !last.Phrase && utf8.RuneCountInString(last.Text) >= SearchPrefixMinLength {
		last.Prefix = true
	}
	return s, nil
}

// ValidateSearchPage checks the paging and room parameters of a search and
// applies the default limit: a zero limit means the default, anything
// outside 1..SearchMaxLimit is refused.
func ValidateSearchPage(s *Search, limitGiven bool) error {
	switch {
	case s.RoomID < 0:
		return Invalid("room_id", "room_id must be a room's id.")
	case s.BeforeID < 0:
		return Invalid("before_id", "before_id must be a message id.")
	case s.Limit == 0 && !limitGiven:
		s.Limit = SearchDefaultLimit
	case s.Limit < 1 || s.Limit > SearchMaxLimit:
		return Invalid("limit", "limit must be between 1 and %d.", SearchMaxLimit)
	}
	return nil
}

// hasWordChar reports whether s holds a letter or a digit, without which
// no message can match it.
func hasWordChar(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// searchToken is a word, a quoted phrase, or a filter with its value.
type searchToken struct {
	text   string
	quoted bool
	filter string
}

type searchParser struct{ rest string }

// next reads the next token, skipping white space.
func (p *searchParser) next() (searchToken, bool) {
	p.rest = strings.TrimLeftFunc(p.rest, unicode.IsSpace)
	if p.rest == "" {
		return searchToken{}, false
	}
	for _, f := range [...]string{"from", "in"} {
		if len(p.rest) > len(f) && strings.EqualFold(p.rest[:len(f)], f) && p.rest[len(f)] == ':' {
			p.rest = p.rest[len(f)+1:]
			text, _ := p.value()
			return searchToken{text: text, filter: f}, true
		}
	}
	text, quoted := p.value()
	return searchToken{text: text, quoted: quoted}, true
}

// value reads a quoted string (to the closing quote, or the end) or a
// word (to the next white space or quote).
func (p *searchParser) value() (string, bool) {
	if strings.HasPrefix(p.rest, `"`) {
		body, rest, _ := strings.Cut(p.rest[1:], `"`)
		p.rest = rest
		return strings.Join(strings.Fields(body), " "), true
	}
	// A # may lead a quoted room name: in:#"my room".
	if strings.HasPrefix(p.rest, `#"`) {
		p.rest = p.rest[1:]
		return p.value()
	}
	end := strings.IndexFunc(p.rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
	if end < 0 {
		end = len(p.rest)
	}
	text := p.rest[:end]
	p.rest = p.rest[end:]
	return text, false
}
