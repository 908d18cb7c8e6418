package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MentionRoom is the name that mentions every member of a room (written
// @room) where the room's owner allows it. It never names a user, even one
// whose username is "room".
const MentionRoom = "room"

// MaxMentions bounds the distinct @names of one message that are looked
// up; later ones are plain text. It keeps a pasted list of names from
// turning one send into hundreds of notifications.
const MaxMentions = 20

// Mentions are the mention tokens of a message body: usernames as typed
// (lowercased, each once, in order of first appearance, at most
// MaxMentions) and whether @room appears. Whether a name is a member of the
// room, and so really mentioned, is the store's to decide when it commits
// the message.
type Mentions struct {
	Names []string
	Room  bool
}

// Empty reports whether the body mentions nobody.
func (m Mentions) Empty() bool { return len(m.Names) == 0 && !m.Room }

// ParseMentions finds the mention tokens of a message body. A token is '@'
// at a word boundary (not after a letter, digit, '_', '.', '-', '@' or '`',
// so "ann@example.com" is no mention) followed by a username: 3 to 32 of
// a-z 0-9 '_' '.' '-' in any letter case, not followed by another letter
// or digit. A trailing '.' or '-' is read as punctuation ("thanks @bob.").
// Code is not scanned: a span between equal runs of backticks, and a
// fenced block from a line starting with ``` (or ~~~) to the line closing
// it or to the end. Bodies without '@' cost one byte scan.
func ParseMentions(body string) Mentions {
	var m Mentions
	if strings.IndexByte(body, '@') < 0 {
		return m
	}
	seen := map[string]bool{}
	for i := 0; i < len(body); {
		switch c := body[i]; {
		case (c == '`' || c == '~') && atLineStart(body, i) && runLen(body, i, c) >= 3:
			i = skipFence(body, i, c)
		case c == '`':
			i = skipCodeSpan(body, i)
		case c == '@' && boundaryBefore(body, i):
			name, end := mentionName(body, i+1)
			i = end
			if name == "" {
				continue
			}
			if name == MentionRoom {
				m.Room = true
				continue
			}
			if !seen[name] && len(m.Names) < MaxMentions {
				seen[name] = true
				m.Names = append(m.Names, name)
			}
		default:
			i++
		}
	}
	return m
}

// nameByte reports whether c may appear in a username.
func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// boundaryBefore reports whether the '@' at i starts a word.
func boundaryBefore(body string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(body[:i])
	if r < utf8.RuneSelf && (nameByte(byte(r)) || r == '@' || r == '`') {
		return false
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// mentionName reads the username after an '@' at from-1 and returns it
// lowercased ("" when it is not one) and where scanning goes on.
func mentionName(body string, from int) (string, int) {
	end := from
	for end < len(body) && nameByte(body[end]) {
		end++
	}
	if end < len(body) {
		if r, _ := utf8.DecodeRuneInString(body[end:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return "", end
		}
	}
	name := strings.TrimRight(body[from:end], ".-")
	if len(name) < UsernameMinLen || len(name) > UsernameMaxLen {
		return "", end
	}
	return strings.ToLower(name), end
}

// atLineStart reports whether i begins a line, after up to three spaces.
func atLineStart(body string, i int) bool {
	j := i
	for j > 0 && i-j < 3 && body[j-1] == ' ' {
		j--
	}
	return j == 0 || body[j-1] == '\n'
}

// runLen counts the bytes equal to c from i.
func runLen(body string, i int, c byte) int {
	n := 0
	for i+n < len(body) && body[i+n] == c {
		n++
	}
	return n
}

// skipFence returns where the fenced block opened at i ends: after the
// line that closes it (a run of at least as many fence characters at a
// line start), or at the end of the body.
func skipFence(body string, i int, c byte) int {
	n := runLen(body, i, c)
	for j := i + n; j < len(body); j++ {
		if body[j] == c && atLineStart(body, j) && runLen(body, j, c) >= n {
			end := strings.IndexByte(body[j:], '\n')
			if end < 0 {
				return len(body)
			}
			return j + end + 1
		}
	}
	return len(body)
}

// skipCodeSpan returns where the code span opened by the backtick run at
// i ends, or just past the run when no equal run closes it (the backticks
// are then literal).
func skipCodeSpan(body string, i int) int {
	n := runLen(body, i, '`')
	for j := i + n; j < len(body); {
		if body[j] != '`' {
			j++
			continue
		}
		k := runLen(body, j, '`')
		if k == n {
			return j + k
		}
		j += k
	}
	return i + n
}
