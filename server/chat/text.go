package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ValidText reports whether s may be stored in any text field: valid UTF-8
// without NUL, which PostgreSQL refuses in text columns.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// validateText is ValidText as the EINVALID error of field.
func validateText(field, label, s string) error {
	if !ValidText(s) {
		return Invalid(field, "%s must be valid UTF-8 without NUL characters.", label)
	}
	return nil
}

// ValidateLabel checks a name people see beside others' (display names,
// room names, topics): on top of ValidText it refuses controls, bidi
// overrides and every invisible format character (zero-width joiners and
// spaces, soft hyphen, BOM…), which let one name look like another or
// reorder what is shown around it.
func ValidateLabel(field, label, s string) error {
	if err := validateText(field, label, s); err != nil {
		return err
	}
	hidden := Invalid(field, "%s must not contain control, invisible or text-direction characters.", label)
	// Emoji are drawn with a variation selector and joined by ZWJ (❤️,
	// 👩‍💻): allowed right after a symbol, nowhere else, so that they
	// cannot make one name differ invisibly from another.
	var prev rune
	afterSymbol, wantSymbol := false, false
	for _, r := range s {
		symbol := unicode.In(r, unicode.So, unicode.Sk)
		switch {
		case wantSymbol && !symbol:
			return hidden
		case (r == zwj || r == vs15 || r == vs16) && afterSymbol && prev != zwj:
		case hiddenRune(r):
			return hidden
		}
		wantSymbol = r == zwj
		afterSymbol = symbol || (afterSymbol && (r == vs15 || r == vs16 || unicode.In(r, unicode.Mn)))
		prev = r
	}
	if wantSymbol {
		return hidden
	}
	return nil
}

const (
	zwj  = '\u200d'
	vs15 = '\ufe0e'
	vs16 = '\ufe0f'
)

// hiddenRune is a control (Cc), a format character (Cf, which holds the
// bidi embeddings, overrides, isolates and marks, and the zero-width
// characters), or one of the blank fillers that are not Cf but show nothing.
func hiddenRune(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u034f', '\u2800':
		return true
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
		unicode.Is(unicode.Co, r) || unicode.Is(unicode.Cs, r) ||
		unicode.In(r, unicode.Variation_Selector)
}

// FoldName reduces a name to the form it is compared in to tell whether it
// would pass for a username: NFKC (fullwidth and styled letters become
// plain ones), lowercase, the common Cyrillic and Greek look-alikes of Latin
// letters replaced, spaces trimmed, and a leading '@' dropped.
func FoldName(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if l, ok := lookalikes[r]; ok {
			return l
		}
		return r
	}, s)
	s = strings.TrimPrefix(s, "@")
	return norm.NFKC.String(strings.TrimSpace(s))
}

// lookalikes maps lowercase letters of other scripts to the Latin letter
// they are drawn like in common fonts.
var lookalikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j',
	'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'т': 't',
	'у': 'y', 'ԝ': 'w', 'х': 'x', 'ӏ': 'l', 'ь': 'b',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w',
	// Latin variants
	'ı': 'i', 'ȷ': 'j', 'ɡ': 'g', 'ⅼ': 'l',
}
