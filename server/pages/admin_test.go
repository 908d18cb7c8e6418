package pages_test

import (
	"strings"
	"testing"

	"github.com/parleychat/parley/server/pages"
)

func TestAdminPage(t *testing.T) {
	e := newEnvWith(t, spaBuild, func(o *pages.Options) { o.Admins = []string{"Chief"} })
	chief, member, anonymous := e.browser(), e.browser(), e.browser()
	chief.signUp("chief")
	member.signUp("member")

	t.Run("OK", func(t *testing.T) {
		for _, path := range []string{"/admin", "/admin/replicas"} {
			p := chief.get(path)
			if p.status != 200 || !strings.Contains(p.body, `src="/assets/index-a1b2.js"`) {
				t.Fatalf("%s: got %d, want the SPA shell:\n%.300s", path, p.status, p.body)
			}
			wantHTMLHeaders(t, p)
			// Only admins get this answer: no shared cache may keep it.
			if cc := p.header.Get("Cache-Control"); cc != "private, no-cache" {
				t.Errorf("%s: Cache-Control %q, want private, no-cache", path, cc)
			}
		}
	})
	for name, b := range map[string]*browser{"ErrMember": member, "ErrAnonymous": anonymous} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/admin", "/admin/replicas"} {
				p := b.get(path)
				if p.status != 404 || !strings.Contains(p.body, "There is no page here.") {
					t.Fatalf("%s: got %d, want the 404 page:\n%.300s", path, p.status, p.body)
				}
				wantHTMLHeaders(t, p)
				if cc := p.header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
				}
			}
		})
	}
}
