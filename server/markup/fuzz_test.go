package markup_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleychat/parley/server/markup"
)

// FuzzRender renders any body: it must not panic, and the output must be
// well formed with only the elements and attributes the rules allow.
func FuzzRender(f *testing.F) {
	for _, v := range readVectors(f) {
		f.Add(v.In)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := string(markup.Render(body))
		if err := checkHTML(out); err != nil {
			t.Fatalf("Render(%q) = %s\n%v", body, out, err)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Render(%q) is not valid UTF-8: %q", body, out)
		}
	})
}

// tag is every tag the renderer may write, whole.
var tag = regexp.MustCompile(`^<(?:(/?)(p|strong|em|del|code|pre|blockquote|ul|ol|li|span|a)|(br)|(ol) start="[0-9]{1,9}"|(a) href="([^"<>]*)" rel="noopener noreferrer nofollow" target="_blank"|(span) class="mention")>`)

// entity is every escape the renderer may write.
var entity = regexp.MustCompile(`^&(?:amp|lt|gt|#34|#39);`)

// checkHTML reads out as the renderer's own tiny language: allowed tags
// only, properly nested, links to http, https or mailto only, and text in
// which every <, >, &, " and ' is escaped.
func checkHTML(out string) error {
	var stack []string
	for i := 0; i < len(out); {
		switch out[i] {
		case '<':
			m := tag.FindStringSubmatch(out[i:])
			if m == nil {
				return fmt.Errorf("at %d: a tag the rules do not allow: %.40q", i, out[i:])
			}
			switch {
			case m[3] == "br":
			case m[1] == "/":
				if len(stack) == 0 || stack[len(stack)-1] != m[2] {
					return fmt.Errorf("at %d: </%s> closes %v", i, m[2], stack)
				}
				stack = stack[:len(stack)-1]
			default:
				name := m[2] + m[4] + m[5] + m[7]
				if name == "a" {
					href := strings.ToLower(html.UnescapeString(m[6]))
					if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "mailto:") {
						return fmt.Errorf("at %d: link to %q", i, m[6])
					}
					if err := checkText(m[6]); err != nil {
						return fmt.Errorf("href %q: %w", m[6], err)
					}
				}
				stack = append(stack, name)
			}
			i += len(m[0])
		case '>', '"', '\'':
			return fmt.Errorf("at %d: unescaped %q", i, out[i])
		case '&':
			if !entity.MatchString(out[i:]) {
				return fmt.Errorf("at %d: bare &: %.20q", i, out[i:])
			}
			i++
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

func checkText(s string) error {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '"', '\'':
			return fmt.Errorf("unescaped %q", s[i])
		case '&':
			if !entity.MatchString(s[i:]) {
				return fmt.Errorf("bare &")
			}
		}
	}
	return nil
}

func TestCheckHTML(t *testing.T) {
	// The checker itself must catch what it is for.
	for _, bad := range []string{
		"<p>x",
		"<script>x</script>",
		"<p>a > b</p>",
		"<p>&x</p>",
		`<a href="javascript:alert(1)" rel="noopener noreferrer nofollow" target="_blank">x</a>`,
		`<a href="java&#115;cript:x" rel="noopener noreferrer nofollow" target="_blank">x</a>`,
		"<em><strong>x</em></strong>",
		`<p onclick="x">y</p>`,
	} {
		if checkHTML(bad) == nil {
			t.Errorf("checkHTML(%q) found nothing wrong", bad)
		}
	}
	for _, v := range readVectors(t) {
		if err := checkHTML(v.HTML); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
	}
}
