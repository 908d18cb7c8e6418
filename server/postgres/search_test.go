package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// post commits a message with the given body.
func post(tb testing.TB, s *postgres.Store, roomID, userID int64, body string) *chat.Message {
	tb.Helper()
	m, _, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: roomID, UserID: userID, Body: body,
		ClientID: fmt.Sprintf("c%d", userSeq.Add(1))})
	if err != nil {
		tb.Fatalf("send %q: %v", body, err)
	}
	return m
}

// search parses q, runs it for userID and fails the test on error.
func search(tb testing.TB, s *postgres.Store, userID int64, q string, page chat.Search) ([]chat.SearchHit, bool) {
	tb.Helper()
	parsed, err := chat.ParseSearch(q)
	if err != nil {
		tb.Fatalf("parse %q: %v", q, err)
	}
	parsed.RoomID, parsed.BeforeID, parsed.Limit = page.RoomID, page.BeforeID, page.Limit
	if parsed.Limit == 0 {
		parsed.Limit = chat.SearchDefaultLimit
	}
	hits, more, err := s.SearchMessages(context.Background(), userID, parsed)
	if err != nil {
		tb.Fatalf("search %q: %v", q, err)
	}
	return hits, more
}

func bodies(hits []chat.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Body
	}
	return out
}

func TestSearchMessages(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	alice, bob, eve := newUser(t, s), newUser(t, s), newUser(t, s)
	ops, err := s.CreateRoom(ctx, alice.ID, "Ops Team", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := s.CreateRoom(ctx, alice.ID, "dev", "", chat.RoomPrivate)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := s.CreateRoom(ctx, eve.ID, "secret", "", chat.RoomPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMember(ctx, ops.ID, bob.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	post(t, s, ops.ID, alice.ID, "The deploy failed again")
	post(t, s, ops.ID, bob.ID, "Deployment is green now")
	post(t, s, dev.ID, alice.ID, "deploy the DEPLOY script, please")
	post(t, s, secret.ID, eve.ID, "deploy the secret thing")
	post(t, s, ops.ID, bob.ID, "failed deploy, build failed")

	t.Run("OKNewestFirstWithPrefix", func(t *testing.T) {
		hits, more := search(t, s, alice.ID, "deplo", chat.Search{})
		want := []string{"failed deploy, build failed", "deploy the DEPLOY script, please", "Deployment is green now", "The deploy failed again"}
		if got := bodies(hits); !slices.Equal(got, want) || more {
			t.Fatalf("got %q more=%v, want %q", got, more, want)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].ID >= hits[i-1].ID {
				t.Fatalf("hits not newest first: %d after %d", hits[i].ID, hits[i-1].ID)
			}
		}
		if hits[0].User != *bob || hits[0].RoomID != ops.ID || hits[0].Seq == 0 || hits[0].CreatedAt.IsZero() {
			t.Fatalf("hit lacks its message fields: %+v", hits[0].Message)
		}
	})

	t.Run("OKOnlyTheLastWordIsAPrefix", func(t *testing.T) {
		if hits, _ := search(t, s, alice.ID, "deplo green", chat.Search{}); len(hits) != 0 {
			t.Fatalf("a word before the last matched as a prefix: %q", bodies(hits))
		}
		hits, _ := search(t, s, alice.ID, "green deplo", chat.Search{})
		if got := bodies(hits); !slices.Equal(got, []string{"Deployment is green now"}) {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("OKPhrase", func(t *testing.T) {
		hits, _ := search(t, s, alice.ID, `"deploy failed"`, chat.Search{})
		if got := bodies(hits); !slices.Equal(got, []string{"The deploy failed again"}) {
			t.Fatalf("phrase got %q", got)
		}
		hits, _ = search(t, s, alice.ID, `"failed deploy"`, chat.Search{})
		if got := bodies(hits); !slices.Equal(got, []string{"failed deploy, build failed"}) {
			t.Fatalf("reversed phrase got %q", got)
		}
	})

	t.Run("OKFilters", func(t *testing.T) {
		hits, _ := search(t, s, alice.ID, "from:"+bob.Username+" deploy", chat.Search{})
		if got := bodies(hits); !slices.Equal(got, []string{"failed deploy, build failed", "Deployment is green now"}) {
			t.Fatalf("from: got %q", got)
		}
		hits, _ = search(t, s, alice.ID, `in:"#ops team" deploy`, chat.Search{})
		if got := bodies(hits); len(got) != 3 || hits[0].RoomID != ops.ID || hits[2].RoomID != ops.ID {
			t.Fatalf("in: got %q", got)
		}
		hits, _ = search(t, s, alice.ID, "deploy", chat.Search{RoomID: dev.ID})
		if got := bodies(hits); !slices.Equal(got, []string{"deploy the DEPLOY script, please"}) {
			t.Fatalf("room_id got %q", got)
		}
		for _, q := range []string{"from:nosuchuser deploy", "in:#nosuchroom deploy", "in:#secret deploy"} {
			if hits, _ := search(t, s, alice.ID, q, chat.Search{}); len(hits) != 0 {
				t.Fatalf("%q found %q", q, bodies(hits))
			}
		}
	})

	t.Run("OKNeverAnotherRoom", func(t *testing.T) {
		if hits, _ := search(t, s, alice.ID, "secret", chat.Search{}); len(hits) != 0 {
			t.Fatalf("found another room's message: %q", bodies(hits))
		}
		if hits, _ := search(t, s, alice.ID, "secret", chat.Search{RoomID: secret.ID}); len(hits) != 0 {
			t.Fatalf("room_id of another room found %q", bodies(hits))
		}
		if hits, _ := search(t, s, eve.ID, "secret", chat.Search{}); len(hits) != 1 {
			t.Fatalf("the member finds %q", bodies(hits))
		}
	})

	t.Run("OKLeftRoomDisappears", func(t *testing.T) {
		if hits, _ := search(t, s, bob.ID, "green", chat.Search{}); len(hits) != 1 {
			t.Fatalf("before leaving: %q", bodies(hits))
		}
		if _, err := s.RemoveMember(ctx, ops.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := search(t, s, bob.ID, "green", chat.Search{}); len(hits) != 0 {
			t.Fatalf("after leaving: %q", bodies(hits))
		}
	})

	t.Run("OKEditAndDelete", func(t *testing.T) {
		m := post(t, s, dev.ID, alice.ID, "rollback tonight")
		if hits, _ := search(t, s, alice.ID, "rollback", chat.Search{}); len(hits) != 1 {
			t.Fatalf("new message not found: %q", bodies(hits))
		}
		if _, err := s.EditMessage(ctx, dev.ID, m.Seq, "postponed to monday"); err != nil {
			t.Fatal(err)
		}
		if hits, _ := search(t, s, alice.ID, "rollback", chat.Search{}); len(hits) != 0 {
			t.Fatalf("old words of an edited message found: %q", bodies(hits))
		}
		hits, _ := search(t, s, alice.ID, "monday", chat.Search{})
		if len(hits) != 1 || hits[0].EditedAt == nil {
			t.Fatalf("edited message: %+v", hits)
		}
		if _, err := s.DeleteMessage(ctx, dev.ID, m.Seq); err != nil {
			t.Fatal(err)
		}
		if hits, _ := search(t, s, alice.ID, "monday", chat.Search{}); len(hits) != 0 {
			t.Fatalf("deleted message found: %q", bodies(hits))
		}
	})

	t.Run("OKOperatorsAreWords", func(t *testing.T) {
		post(t, s, dev.ID, alice.ID, `a b c: it's back\slash`)
		for _, q := range []string{`a & !b | c:*`, `it's`, `back\slash`, `a <-> c`, `(a | "b" c:`} {
			hits, _ := search(t, s, alice.ID, q, chat.Search{})
			if len(hits) != 1 {
				t.Errorf("%q found %q, want the message holding those words", q, bodies(hits))
			}
		}
		// Quotes meant to close the operand find nothing, rather than
		// widen the search or fail.
		if hits, _ := search(t, s, alice.ID, `b') | ('zz`, chat.Search{}); len(hits) != 0 {
			t.Errorf("an injected | found %q", bodies(hits))
		}
	})

	t.Run("OKHighlight", func(t *testing.T) {
		body := "Deploy <b>deployed</b>   deployer? DEPLOY\n🎉 nope"
		post(t, s, dev.ID, alice.ID, body)
		hits, _ := search(t, s, alice.ID, "deploy", chat.Search{RoomID: dev.ID, Limit: 1})
		if len(hits) != 1 || hits[0].Body != body {
			t.Fatalf("got %+v", hits)
		}
		h := hits[0].Highlight
		if strings.Join(h, "") != body {
			t.Fatalf("highlight %q does not make up the body", h)
		}
		var marked []string
		for i := 1; i < len(h); i += 2 {
			marked = append(marked, h[i])
		}
		if want := []string{"Deploy", "deployed", "deployer", "DEPLOY"}; !slices.Equal(marked, want) {
			t.Fatalf("marked %q, want %q", marked, want)
		}
	})
}

func TestSearchMessagesPages(t *testing.T) {
	_, s := testenv.Open(t)
	u := newUser(t, s)
	a, b := newRoom(t, s, u), newRoom(t, s, u)
	const n = 23
	for i := range n {
		room := a
		if i%3 == 0 {
			room = b
		}
		post(t, s, room.ID, u.ID, fmt.Sprintf("incident %d report", i))
		post(t, s, room.ID, u.ID, "unrelated chatter")
	}
	var all []chat.SearchHit
	page := chat.Search{Limit: 5}
	for {
		hits, more := search(t, s, u.ID, "incident", page)
		all = append(all, hits...)
		if !more {
			break
		}
		if len(hits) != 5 {
			t.Fatalf("a page with more after it holds %d hits", len(hits))
		}
		page.BeforeID = hits[len(hits)-1].ID
	}
	if len(all) != n {
		t.Fatalf("pages hold %d hits, want %d", len(all), n)
	}
	for i, h := range all {
		if want := fmt.Sprintf("incident %d report", n-1-i); h.Body != want {
			t.Fatalf("hit %d is %q, want %q", i, h.Body, want)
		}
	}
}

func TestTSQuery(t *testing.T) {
	for _, c := range []struct {
		terms []chat.SearchTerm
		want  string
	}{
		{[]chat.SearchTerm{{Text: "deploy"}}, `'deploy'`},
		{[]chat.SearchTerm{{Text: "a"}, {Text: "bc", Prefix: true}}, `'a' & 'bc':*`},
		{[]chat.SearchTerm{{Text: "build failed", Phrase: true}}, `'build failed'`},
		{[]chat.SearchTerm{{Text: `it's`}, {Text: `a\b`}}, `'it''s' & 'a\\b'`},
		{[]chat.SearchTerm{{Text: `x':* | !y`}}, `'x'':* | !y'`},
	} {
		if got := postgres.TSQuery(c.terms); got != c.want {
			t.Errorf("TSQuery(%+v) = %s, want %s", c.terms, got, c.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	for _, c := range []struct {
		body, marked string
		want         []string
	}{
		{"a b", "[a] b", []string{"", "a", " b"}},
		{"a b", "a [b]", []string{"a ", "b", ""}},
		{"a b c", "[a] [b] c", []string{"", "a", " ", "b", " c"}},
		{"plain", "plain", []string{"plain"}},
		{"a b", "[a] c", []string{"a b"}},
		{"a b", "[a b", []string{"a b"}},
	} {
		if got := postgres.Highlight(c.body, c.marked, "[", "]"); !slices.Equal(got, c.want) {
			t.Errorf("Highlight(%q, %q) = %q, want %q", c.body, c.marked, got, c.want)
		}
	}
}

// TestSearchIndexOnly checks that the second attempt of a search (the
// index alone, a short last prefix checked on what it found) answers what
// the planner's choice answers, pages included.
func TestSearchIndexOnly(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u, other := newUser(t, s), newUser(t, s)
	mine, theirs := newRoom(t, s, u), newRoom(t, s, other)
	words := []string{"it", "item", "lunch", "deploy", "deployed", "its", "build", "failed"}
	for i := range 120 {
		body := fmt.Sprintf("%s %s %s", words[i%len(words)], words[(i/3)%len(words)], words[(i/7)%len(words)])
		post(t, s, mine.ID, u.ID, body)
		post(t, s, theirs.ID, other.ID, body)
	}
	for _, q := range []string{"lunch it", "deploy", "it", "build fail", `"deploy failed" it`, "from:" + u.Username + " lunch i"} {
		parsed, err := chat.ParseSearch(q)
		if err != nil {
			t.Fatal(err)
		}
		parsed.Limit = 7
		for {
			want, wantMore, err := s.SearchMessages(ctx, u.ID, parsed)
			if err != nil {
				t.Fatal(err)
			}
			got, gotMore, err := s.SearchIndexOnly(ctx, u.ID, parsed)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, func(a, b chat.SearchHit) bool { return a.ID == b.ID && slices.Equal(a.Highlight, b.Highlight) }) || gotMore != wantMore {
				t.Fatalf("%q before %d: index alone %q (more %v), planner %q (more %v)", q, parsed.BeforeID, bodies(got), gotMore, bodies(want), wantMore)
			}
			for _, h := range got {
				if h.RoomID != mine.ID {
					t.Fatalf("%q found a message of another room", q)
				}
			}
			if !wantMore {
				break
			}
			parsed.BeforeID = want[len(want)-1].ID
		}
	}
}
