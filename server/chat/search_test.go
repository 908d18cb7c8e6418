package chat_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

func TestParseSearch(t *testing.T) {
	word := func(s string) chat.SearchTerm { return chat.SearchTerm{Text: s} }
	prefix := func(s string) chat.SearchTerm { return chat.SearchTerm{Text: s, Prefix: true} }
	phrase := func(s string) chat.SearchTerm { return chat.SearchTerm{Text: s, Phrase: true} }
	for _, c := range []struct {
		q    string
		want chat.Search
	}{
		{"deploy", chat.Search{Terms: []chat.SearchTerm{prefix("deploy")}}},
		{"deploy failed", chat.Search{Terms: []chat.SearchTerm{word("deploy"), prefix("failed")}}},
		{"  deploy   x ", chat.Search{Terms: []chat.SearchTerm{word("deploy"), word("x")}}},
		{`"build  failed" again`, chat.Search{Terms: []chat.SearchTerm{phrase("build failed"), prefix("again")}}},
		{`deploy "build failed"`, chat.Search{Terms: []chat.SearchTerm{word("deploy"), phrase("build failed")}}},
		{`"unclosed phrase`, chat.Search{Terms: []chat.SearchTerm{phrase("unclosed phrase")}}},
		{`say"hello world"`, chat.Search{Terms: []chat.SearchTerm{word("say"), phrase("hello world")}}},
		{"from:Alice deploy", chat.Search{From: "alice", Terms: []chat.SearchTerm{prefix("deploy")}}},
		{"deploy FROM:@bob", chat.Search{From: "bob", Terms: []chat.SearchTerm{prefix("deploy")}}},
		{"in:#general deploy", chat.Search{In: "general", Terms: []chat.SearchTerm{prefix("deploy")}}},
		{`in:"#ops team" deploy`, chat.Search{In: "ops team", Terms: []chat.SearchTerm{prefix("deploy")}}},
		{`in:#"ops team" deploy`, chat.Search{In: "ops team", Terms: []chat.SearchTerm{prefix("deploy")}}},
		{"in:général déploiement", chat.Search{In: "général", Terms: []chat.SearchTerm{prefix("déploiement")}}},
		{"a & !b | c:*", chat.Search{Terms: []chat.SearchTerm{word("a"), word("!b"), prefix("c:*")}}},
		{"deploy ??? ", chat.Search{Terms: []chat.SearchTerm{prefix("deploy")}}},
		{"it's", chat.Search{Terms: []chat.SearchTerm{prefix("it's")}}},
		{"fromage", chat.Search{Terms: []chat.SearchTerm{prefix("fromage")}}},
	} {
		got, err := chat.ParseSearch(c.q)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSearch(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}

func TestParseSearchErrors(t *testing.T) {
	for _, q := range []string{
		"",
		"   ",
		strings.Repeat("x", chat.SearchQueryMaxLen+1),
		"bad\x00nul",
		"bad\xffutf8",
		"from:alice",
		"in:#general",
		"!!! ???",
		"from: deploy",
		"from:no deploy",
		"from:bad*name deploy",
		"from:a from:b deploy",
		"in:#a in:#b deploy",
		"in:# deploy",
		`in:"" deploy`,
		strings.Repeat("w ", chat.SearchMaxTerms+1),
	} {
		_, err := chat.ParseSearch(q)
		if chat.ErrorCode(err) != chat.EINVALID || chat.ErrorField(err) != "q" {
			t.Errorf("ParseSearch(%q) = %v, want invalid on field q", q, err)
		}
	}
	// 200 characters, multi-byte ones included, are within the limit.
	if _, err := chat.ParseSearch(strings.Repeat("é", chat.SearchQueryMaxLen)); err != nil {
		t.Errorf("200 characters: %v", err)
	}
}

func TestValidateSearchPage(t *testing.T) {
	t.Run("OKDefaultLimit", func(t *testing.T) {
		s := chat.Search{}
		if err := chat.ValidateSearchPage(&s, false); err != nil || s.Limit != chat.SearchDefaultLimit {
			t.Fatalf("got limit %d, %v", s.Limit, err)
		}
	})
	for _, c := range []struct {
		name  string
		s     chat.Search
		given bool
		field string
	}{
		{"ErrLimitZero", chat.Search{}, true, "limit"},
		{"ErrLimitOver", chat.Search{Limit: chat.SearchMaxLimit + 1}, true, "limit"},
		{"ErrLimitNegative", chat.Search{Limit: -1}, true, "limit"},
		{"ErrBeforeID", chat.Search{BeforeID: -1, Limit: 1}, true, "before_id"},
		{"ErrRoomID", chat.Search{RoomID: -1, Limit: 1}, true, "room_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := chat.ValidateSearchPage(&c.s, c.given)
			if chat.ErrorCode(err) != chat.EINVALID || chat.ErrorField(err) != c.field {
				t.Fatalf("got %v, want invalid on %s", err, c.field)
			}
		})
	}
}
