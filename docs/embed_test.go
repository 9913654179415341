package docs

import (
	"io/fs"
	"strings"
	"testing"
)

func TestRuleReturnsEveryPage(t *testing.T) {
	pages, err := fs.Glob(Rules, "rules/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		id := strings.TrimSuffix(strings.TrimPrefix(p, "rules/"), ".md")
		if id == "README" {
			continue
		}
		page, ok := Rule(id)
		if !ok || !strings.HasPrefix(page, "# "+id+"\n") {
			t.Errorf("Rule(%q) = %.40q, %v; want the page starting with its title", id, page, ok)
		}
	}
}

func TestRuleRejectsNonRules(t *testing.T) {
	for _, id := range []string{"", "README", "README.md", "../embed", "rules/README", "no-such-rule", ".", ".."} {
		if _, ok := Rule(id); ok {
			t.Errorf("Rule(%q) found a page", id)
		}
	}
}
