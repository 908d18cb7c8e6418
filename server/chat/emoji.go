package chat

import (
	"sort"
	"unicode/utf8"
)

// Limits on a reaction's emoji. The longest emoji in use (a kiss with two
// skin tones, a subdivision flag) take 10 code points and 35 bytes.
const (
	EmojiMaxBytes = 64
	EmojiMaxRunes = 16
)

// ValidateEmoji checks that s is exactly one emoji: a pictographic
// character with an optional variation selector and skin tone, several of
// them joined by ZWJ (👩‍💻, 👨‍👩‍👧), a flag (two regional indicators, or a
// black flag with tag characters), or a keycap (1️⃣). Anything else —
// text, two emoji, stray joiners or selectors — is refused, so a reaction
// is always one picture and never a way to post text.
func ValidateEmoji(s string) error {
	bad := Invalid("emoji", "emoji must be a single emoji.")
	if s == "" || len(s) > EmojiMaxBytes || !utf8.ValidString(s) {
		return bad
	}
	rs := []rune(s)
	if len(rs) > EmojiMaxRunes {
		return bad
	}
	if !emojiSequence(rs) {
		return bad
	}
	return nil
}

const (
	keycap         = 0x20E3
	tagCancel      = 0xE007F
	regionalFirst  = 0x1F1E6
	regionalLast   = 0x1F1FF
	modifierFirst  = 0x1F3FB
	modifierLast   = 0x1F3FF
	tagFirst       = 0xE0020
	tagLast        = 0xE007E
	blackFlag      = 0x1F3F4
	maxEmojiJoined = 10
)

func emojiSequence(rs []rune) bool {
	switch r := rs[0]; {
	case isRegional(r):
		return len(rs) == 2 && isRegional(rs[1])
	case r == '#' || r == '*' || (r >= '0' && r <= '9'):
		rest := rs[1:]
		if len(rest) > 0 && rest[0] == vs16 {
			rest = rest[1:]
		}
		return len(rest) == 1 && rest[0] == keycap
	}
	i, parts := 0, 0
	for {
		n := emojiElement(rs[i:])
		if n == 0 {
			return false
		}
		i += n
		parts++
		if i == len(rs) {
			return true
		}
		if rs[i] != zwj || i+1 == len(rs) || parts == maxEmojiJoined {
			return false
		}
		i++
	}
}

// emojiElement returns how many runes of rs make one pictographic
// character with its optional selector, skin tone and tags; 0 if rs does
// not start with one.
func emojiElement(rs []rune) int {
	if len(rs) == 0 || !isPictographic(rs[0]) {
		return 0
	}
	base, i := rs[0], 1
	if i < len(rs) && (rs[i] == vs16 || rs[i] == vs15) {
		i++
	}
	if i < len(rs) && rs[i] >= modifierFirst && rs[i] <= modifierLast {
		i++
	}
	if base == blackFlag && i < len(rs) && rs[i] >= tagFirst && rs[i] <= tagLast {
		for i < len(rs) && rs[i] >= tagFirst && rs[i] <= tagLast {
			i++
		}
		if i == len(rs) || rs[i] != tagCancel {
			return 0
		}
		i++
	}
	return i
}

func isRegional(r rune) bool { return r >= regionalFirst && r <= regionalLast }

// isPictographic reports the Unicode property Extended_Pictographic, which
// covers every emoji base and the ranges set aside for future ones.
func isPictographic(r rune) bool {
	i := sort.Search(len(pictographic), func(i int) bool { return pictographic[i][1] >= r })
	return i < len(pictographic) && pictographic[i][0] <= r
}

// pictographic lists the Extended_Pictographic ranges (emoji-data.txt).
var pictographic = [...][2]rune{
	{0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x203C, 0x203C}, {0x2049, 0x2049}, {0x2122, 0x2122},
	{0x2139, 0x2139}, {0x2194, 0x2199}, {0x21A9, 0x21AA}, {0x231A, 0x231B}, {0x2328, 0x2328},
	{0x2388, 0x2388}, {0x23CF, 0x23CF}, {0x23E9, 0x23F3}, {0x23F8, 0x23FA}, {0x24C2, 0x24C2},
	{0x25AA, 0x25AB}, {0x25B6, 0x25B6}, {0x25C0, 0x25C0}, {0x25FB, 0x25FE}, {0x2600, 0x2605},
	{0x2607, 0x2612}, {0x2614, 0x2685}, {0x2690, 0x2705}, {0x2708, 0x2712}, {0x2714, 0x2714},
	{0x2716, 0x2716}, {0x271D, 0x271D}, {0x2721, 0x2721}, {0x2728, 0x2728}, {0x2733, 0x2734},
	{0x2744, 0x2744}, {0x2747, 0x2747}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2763, 0x2767}, {0x2795, 0x2797}, {0x27A1, 0x27A1}, {0x27B0, 0x27B0},
	{0x27BF, 0x27BF}, {0x2934, 0x2935}, {0x2B05, 0x2B07}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50},
	{0x2B55, 0x2B55}, {0x3030, 0x3030}, {0x303D, 0x303D}, {0x3297, 0x3297}, {0x3299, 0x3299},
	{0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F}, {0x1F12F, 0x1F12F}, {0x1F16C, 0x1F171}, {0x1F17E, 0x1F17F},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5}, {0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A},
	{0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A}, {0x1F23C, 0x1F23F}, {0x1F249, 0x1F3FA}, {0x1F400, 0x1F53D},
	{0x1F546, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F},
	{0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8FF}, {0x1F90C, 0x1F93A},
	{0x1F93C, 0x1F945}, {0x1F947, 0x1FFFD},
}
