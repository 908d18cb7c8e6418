package chat_test

import (
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestValidateEmoji(t *testing.T) {
	for _, c := range []struct {
		name, in string
		ok       bool
	}{
		{"Plain", "👍", true},
		{"TextDefaultWithSelector", "❤️", true},
		{"TextDefaultBare", "❤", true},
		{"SkinTone", "👍🏽", true},
		{"ZWJSequence", "👩‍💻", true},
		{"Family", "👨‍👩‍👧‍👦", true},
		{"KissWithSkinTones", "👩🏻‍❤️‍💋‍👨🏼", true},
		{"Flag", "🇫🇷", true},
		{"SubdivisionFlag", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", true},
		{"Keycap", "1️⃣", true},
		{"KeycapWithoutSelector", "#⃣", true},
		{"Copyright", "©️", true},
		{"Empty", "", false},
		{"Letter", "a", false},
		{"Word", "ok", false},
		{"Digit", "1", false},
		{"TwoEmoji", "👍👍", false},
		{"EmojiAndText", "👍x", false},
		{"TrailingJoiner", "👩‍", false},
		{"LeadingJoiner", "‍👩", false},
		{"DoubleJoiner", "👩‍‍💻", false},
		{"LoneSelector", "\uFE0F", false},
		{"LoneSkinTone", "🏽", false},
		{"OneRegional", "🇫", false},
		{"ThreeRegionals", "🇫🇷🇩", false},
		{"UnterminatedTags", "🏴\U000E0067\U000E0062", false},
		{"NUL", "👍\x00", false},
		{"InvalidUTF8", "\xff", false},
		{"Space", " 👍", false},
		{"HTML", "<b>", false},
		{"TooLong", strings.Repeat("👍‍", 15) + "👍", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := chat.ValidateEmoji(c.in)
			if (err == nil) != c.ok {
				t.Fatalf("ValidateEmoji(%q) = %v, want ok=%v", c.in, err, c.ok)
			}
			if err != nil && (chat.ErrorCode(err) != chat.EINVALID || chat.ErrorField(err) != "emoji") {
				t.Fatalf("ValidateEmoji(%q) = %v, want invalid on field emoji", c.in, err)
			}
		})
	}
}

func TestPageSpan(t *testing.T) {
	for _, c := range []struct {
		name     string
		p        chat.Page
		last     int64
		from, to int64
	}{
		{"Newest", chat.Page{Limit: 50}, 120, 71, 120},
		{"NewestShortRoom", chat.Page{Limit: 50}, 7, 1, 7},
		{"EmptyRoom", chat.Page{Limit: 50}, 0, 1, 0},
		{"Before", chat.Page{BeforeSeq: 60, Limit: 50}, 120, 10, 59},
		{"BeforeNearStart", chat.Page{BeforeSeq: 5, Limit: 50}, 120, 1, 4},
		{"After", chat.Page{AfterSeq: 20, Limit: 100}, 120, 21, 120},
		{"FromStart", chat.Page{Forward: true, Limit: 10}, 120, 1, 10},
		{"DefaultLimit", chat.Page{}, 120, 71, 120},
	} {
		t.Run(c.name, func(t *testing.T) {
			from, to := c.p.Span(c.last)
			if from != c.from || to != c.to {
				t.Fatalf("Span = [%d, %d], want [%d, %d]", from, to, c.from, c.to)
			}
		})
	}
}
