package markup_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleychat/parley/server/markup"
)

// mixedChunk uses every rule once; MixedBody repeats it.
const mixedChunk = "Deploy **today** at _noon_, not ~~tomorrow~~: run `make release` " +
	"and watch https://ci.example.com/jobs?id=42&tab=log (ping @ops or @room).\n" +
	"- check *the* dashboards\n- update www.example.org/status\n1. tag\n2. push\n" +
	"> **Note:** <script>alert(1)</script> stays text\n" +
	"```\nfor i in 1 2 3; do echo \"$i\"; done\n```\n\n"

// mixedBody is a 4,000-character message (the longest allowed) made of
// every kind of formatting.
func mixedBody() string {
	s := strings.Repeat(mixedChunk, 4000/len(mixedChunk)+1)
	return s[:4000]
}

// BenchmarkRender renders the longest message a body may be, formatted
// throughout. The budget is 1 ms per render.
func BenchmarkRender(b *testing.B) {
	body := mixedBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		markup.Render(body)
	}
}

// hostileBodies are inputs shaped to make a naive parser quadratic:
// delimiters that never close, code runs of every length, schemes and
// mentions that are never valid, quotes as deep as they go.
func hostileBodies(n int) map[string]string {
	rep := func(s string) string { return strings.Repeat(s, n/len(s)) }
	var runs strings.Builder
	for k := 1; runs.Len() < n; k++ {
		runs.WriteString(strings.Repeat("`", k%64+1))
		runs.WriteByte(' ')
	}
	return map[string]string{
		"stars":       rep("*a "),
		"openers":     rep("**_~~a "),
		"alternating": rep("*a_b~~c"),
		"backticks":   runs.String(),
		"schemes":     rep("https://"),
		"mailto":      rep("mailto:"),
		"mentions":    rep("@"),
		"names":       "@" + rep("a"),
		"quotes":      rep(">"),
		"quote lines": rep(">>>>> x\n"),
		"fences":      rep("```\n"),
		"items":       rep("- *a\n"),
		"escapes":     rep("\\"),
		"parens":      "https://x.io/" + rep(")"),
	}
}

func BenchmarkRenderHostile(b *testing.B) {
	for name, body := range hostileBodies(4000) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				markup.Render(body)
			}
		})
	}
}

func TestHostileBodies(t *testing.T) {
	for name, body := range hostileBodies(32_000) {
		if err := checkHTML(string(markup.Render(body))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestLinearTime renders hostile bodies 64 times longer than a message
// may be. Linear parsing takes milliseconds; a quadratic rule would take
// tens of seconds, so the generous limit tells them apart however busy
// the machine is.
func TestLinearTime(t *testing.T) {
	if raceDetector {
		t.Skip("timing says nothing under the race detector, which slows some bodies 100-fold; run go test without -race")
	}
	bodies := hostileBodies(256_000)
	bodies["mixed"] = strings.Repeat(mixedChunk, 256_000/len(mixedChunk))
	for name, body := range bodies {
		start := time.Now()
		markup.Render(body)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %d bytes took %v", name, len(body), d)
		}
	}
}

func TestMixedBody(t *testing.T) {
	body := mixedBody()
	if n := utf8.RuneCountInString(body); n != 4000 {
		t.Fatalf("mixed body has %d characters, want 4000", n)
	}
	out := string(markup.Render(body))
	for _, want := range []string{"<strong>", "<em>", "<del>", "<code>", "<pre><code>", "<blockquote>", "<ul><li>", "<ol>", `<a href="https://ci.example.com/jobs?id=42&amp;tab=log"`, `<span class="mention">@ops</span>`, "&lt;script&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("the benchmark's body does not render %s", want)
		}
	}
}
