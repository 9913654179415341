package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/rules"
)

// hostileApp is an app whose directory name, file content and message
// carry every kind of control sequence.
func hostileApp(t *testing.T) App {
	f := file("config/database.yml", "pool: \x1b]0;pwned\x07 \u202e5\u0085\n")
	return App{Display: "x\n::error file=F.rb,line=1::forged\x1b[2J\u009b", Files: map[string]*parser.File{f.Path: f}, Diagnostics: []rules.Diagnostic{{
		Rule: "r", Severity: rules.Error, Span: spanOf(t, f, "5", 0), Message: "bad\r\n::warning::x \x1b[31m\u2028",
		Related: []rules.Related{{Span: spanOf(t, f, "pool", 0), Message: "note\n::error::y"}},
	}}}
}

func TestTextCannotBeForged(t *testing.T) {
	got := text(t, []App{hostileApp(t)}, Options{})
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("a line starts a workflow command: %q", line)
		}
	}
	if strings.ContainsFunc(got, func(r rune) bool { return r != '\n' && redact.Unsafe(r) }) {
		t.Errorf("an unsafe rune reached the text report:\n%q", got)
	}
	if !strings.Contains(got, `x\n::error file=F.rb,line=1::forged\x1b[2J\u009b/config/database.yml:1:`) {
		t.Errorf("the path is not escaped on its line:\n%s", got)
	}
}

func TestGitHubCannotBeForged(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, []App{hostileApp(t)}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 1 || strings.ContainsAny(got, "\x1b\r\u0085\u009b\u202e\u2028") {
		t.Errorf("GitHub output not one clean command per finding:\n%q", got)
	}
}

func TestLongLineSnippetIsBounded(t *testing.T) {
	long := strings.Repeat("a: 1, ", 100000) + "pool: 5, " + strings.Repeat("b: 2, ", 100000)
	f := file("config/database.yml", long+"\n")
	got := snippetOf(t, f, spanOf(t, f, "pool: 5", 0))
	lines := strings.Split(got, "\n")
	if len(got) > 3*maxSnippet || len(lines) != 2 {
		t.Fatalf("snippet of %d bytes:\n%s", len(got), got)
	}
	// The caret still points at "pool: 5".
	caret := strings.Index(lines[1], "^")
	if caret < 0 || !strings.HasPrefix(string([]rune(lines[0])[utf8.RuneCountInString(lines[1][:caret]):]), "pool: 5") {
		t.Errorf("caret misplaced:\n%s", got)
	}
	if !strings.Contains(lines[0], "…") {
		t.Errorf("the cut is not marked:\n%s", got)
	}
}
