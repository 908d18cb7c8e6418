package chat_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestParseMentions(t *testing.T) {
	for _, c := range []struct {
		body  string
		names []string
		room  bool
	}{
		{"hello", nil, false},
		{"@bob", []string{"bob"}, false},
		{"hi @bob and @Carol_1", []string{"bob", "carol_1"}, false},
		{"@bob @BOB @bob", []string{"bob"}, false},
		{"thanks @bob.", []string{"bob"}, false},
		{"ask @bob.smith now", []string{"bob.smith"}, false},
		{"cc @bob-", []string{"bob"}, false},
		{"(@bob), [@ann]!", []string{"bob", "ann"}, false},
		{"@bob:", []string{"bob"}, false},
		{"line one\n@bob", []string{"bob"}, false},
		{"mail ann@example.com", nil, false},
		{"x@bob", nil, false},
		{"é@bob", nil, false},
		{"@@bob", nil, false},
		{"_@bob", nil, false},
		{"@ab", nil, false},
		{"@" + strings.Repeat("a", 32), []string{strings.Repeat("a", 32)}, false},
		{"@" + strings.Repeat("a", 33), nil, false},
		{"@bobé", nil, false},
		{"@bob日本", nil, false},
		{"@bob🎉", []string{"bob"}, false},
		{"@room please", nil, true},
		{"@ROOM and @bob", []string{"bob"}, true},
		{"@rooms", []string{"rooms"}, false},
		{"`@bob` is code", nil, false},
		{"``a ` @bob``", nil, false},
		{"`unclosed @bob", []string{"bob"}, false},
		{"```\n@bob\n```\n@ann", []string{"ann"}, false},
		{"```go\n@bob\n", nil, false},
		{"~~~\n@bob\n~~~", nil, false},
		{"a ``` @bob", []string{"bob"}, false},
		{"`x` @bob `y`", []string{"bob"}, false},
		{"@", nil, false},
		{"hi @", nil, false},
	} {
		got := chat.ParseMentions(c.body)
		if !slices.Equal(got.Names, c.names) || got.Room != c.room {
			t.Errorf("ParseMentions(%q) = %v room=%v, want %v room=%v", c.body, got.Names, got.Room, c.names, c.room)
		}
		if got.Empty() != (len(c.names) == 0 && !c.room) {
			t.Errorf("ParseMentions(%q).Empty() = %v", c.body, got.Empty())
		}
	}
}

func TestParseMentionsLimit(t *testing.T) {
	var b strings.Builder
	for i := range chat.MaxMentions + 5 {
		fmt.Fprintf(&b, "@user%02d ", i)
	}
	got := chat.ParseMentions(b.String())
	if len(got.Names) != chat.MaxMentions || got.Names[0] != "user00" {
		t.Fatalf("got %d names starting %v, want the first %d", len(got.Names), got.Names[:1], chat.MaxMentions)
	}
}

func FuzzParseMentions(f *testing.F) {
	f.Add("hi @bob `@x` ```\n@y\n``` @room")
	f.Fuzz(func(t *testing.T, body string) {
		m := chat.ParseMentions(body)
		if len(m.Names) > chat.MaxMentions {
			t.Fatalf("%d names", len(m.Names))
		}
		for _, n := range m.Names {
			if chat.ValidateUsername(n) != nil || n == chat.MentionRoom {
				t.Fatalf("name %q is not a username", n)
			}
		}
	})
}
