package markup_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/markup"
)

// vector is one case of testdata/vectors.json, shared with the browser
// app's tests.
type vector struct {
	Name string `json:"name"`
	In   string `json:"in"`
	HTML string `json:"html"`
}

func readVectors(tb testing.TB) []vector {
	tb.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		tb.Fatal(err)
	}
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		tb.Fatalf("testdata/vectors.json: %v", err)
	}
	if len(file.Vectors) == 0 {
		tb.Fatal("testdata/vectors.json holds no vectors")
	}
	return file.Vectors
}

func TestRenderVectors(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range readVectors(t) {
		if seen[v.Name] {
			t.Errorf("two vectors are named %q", v.Name)
		}
		seen[v.Name] = true
		if got := string(markup.Render(v.In)); got != v.HTML {
			t.Errorf("%s: Render(%q)\n got %s\nwant %s", v.Name, v.In, got, v.HTML)
		}
	}
}

func TestRenderLinks(t *testing.T) {
	got := string(markup.Render("a https://example.com b"))
	want := `<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">https://example.com</a>`
	if !strings.Contains(got, want) {
		t.Errorf("got %s, want it to contain %s", got, want)
	}
}

func TestParseKeepsBody(t *testing.T) {
	// The blocks describe the body; nothing is trimmed from code.
	blocks := markup.Parse("```\n  x  \n```")
	if len(blocks) != 1 || blocks[0].Kind != markup.CodeBlock || blocks[0].Text != "  x  " {
		t.Errorf("got %+v, want one code block holding %q", blocks, "  x  ")
	}
}

func TestAppendHTML(t *testing.T) {
	got := string(markup.AppendHTML([]byte("<div>"), "**a**"))
	if want := "<div><p><strong>a</strong></p>"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
