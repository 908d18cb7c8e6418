package chat_test

import (
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestFoldName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"bob", "bob"},
		{"  Bob ", "bob"},
		{"@bob", "bob"},
		{"ＢＯＢ", "bob"},
		{"𝐛𝐨𝐛", "bob"},
		{"bоb", "bob"}, // Cyrillic о
		{"ΑΒΟ", "abo"}, // Greek capitals
		{"Zoë", "zoë"},
		{"@@bob", "@bob"},
	} {
		if got := chat.FoldName(c.in); got != c.want {
			t.Errorf("FoldName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestValidateLabel(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"Alice", true},
		{"Zoë Ångström 山田 🎉", true},
		{"<script>", true},
		{"a\x00b", false},
		{"a\xffb", false},
		{"a\tb", false},
		{"a\u0085b", false},
		{"a\u200bb", false},
		{"a\u200cb", false},
		{"a\u200db", false},
		{"a\u200eb", false},
		{"a\u200fb", false},
		{"a\u061cb", false},
		{"a\u202ab", false},
		{"a\u202eb", false},
		{"a\u2066b", false},
		{"a\u2069b", false},
		{"a\u00adb", false},
		{"a\ufeffb", false},
		{"a\u2028b", false},
		{"a\u3164b", false},
		{"a\ufe0fb", false},
		{"I \u2764\ufe0f Go", true},
		{"dev \U0001F469\u200d\U0001F4BB", true},
		{"\U0001F44B\U0001F3FD hi", true},
		{"\u2764\u200d", false},
		{"\u2764\u200db", false},
		{"\u2764\u200d\u200d\u2764", false},
		{"bob\ufe0f", false},
	} {
		err := chat.ValidateLabel("name", "Name", c.in)
		if (err == nil) != c.ok {
			t.Errorf("ValidateLabel(%q) = %v, want ok=%v", c.in, err, c.ok)
		}
		if err != nil && chat.ErrorField(err) != "name" {
			t.Errorf("ValidateLabel(%q) field = %q, want name", c.in, chat.ErrorField(err))
		}
	}
}

func TestValidateBody(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"hello", true},
		{"tab\tnew\nline \u202eand\u200b", true},
		{"a\x00b", false},
		{"a\xc3", false},
		{"", false},
	} {
		if err := chat.ValidateBody(c.in); (err == nil) != c.ok {
			t.Errorf("ValidateBody(%q) = %v, want ok=%v", c.in, err, c.ok)
		}
	}
}
