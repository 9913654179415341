package report

import (
	"strings"
	"testing"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// file makes an app file from its text.
func file(path, src string) *parser.File {
	return parser.NewFile(path, "/abs/"+path, []byte(src))
}

// spanOf is the span of the n-th (0-based) occurrence of needle in f.
func spanOf(t *testing.T, f *parser.File, needle string, n int) parser.Span {
	t.Helper()
	src := string(f.Src)
	at := -1
	for i := 0; i <= n; i++ {
		next := strings.Index(src[at+1:], needle)
		if next < 0 {
			t.Fatalf("%q occurs fewer than %d times in %s", needle, n+1, f.Path)
		}
		at += 1 + next
	}
	return f.Span(at, at+len(needle))
}

// sampleApp is one app with a finding of each severity: a fixable error
// with a related location, a multi-line warning with an unsafe fix, and an
// info about a whole file that was never read.
func sampleApp(t *testing.T) App {
	t.Helper()
	db := file("config/database.yml", "production:\n  adapter: postgresql\n  pool: 5\n")
	puma := file("config/puma.rb", "threads 10, 10\n")
	pool := spanOf(t, db, "5", 0)
	return App{
		Display:   "myapp",
		Rails:     "7.1.3",
		Processes: []string{"web", "worker"},
		Files:     map[string]*parser.File{db.Path: db, puma.Path: puma},
		Diagnostics: []rules.Diagnostic{
			{
				Rule:     "puma-threads-exceed-pool",
				Severity: rules.Error,
				Span:     pool,
				Message:  "web runs 10 threads but its pool holds 5",
				Related:  []rules.Related{{Span: spanOf(t, puma, "10", 1), Message: "max threads 10 here"}},
				Fix: &rules.Fix{
					Description: "raise pool to 10",
					Safe:        true,
					Edits:       []fixer.Edit{{File: db.Path, Start: pool.Start.Offset, End: pool.End.Offset, NewText: "10"}},
				},
			},
			{
				Rule:     "pool-not-tied-to-threads",
				Severity: rules.Warning,
				Span:     db.Span(0, len(db.Src)),
				Message:  "pool does not follow RAILS_MAX_THREADS",
				Fix:      &rules.Fix{Description: "tie pool to RAILS_MAX_THREADS"},
			},
			{
				Rule:     "config-unreadable",
				Severity: rules.Info,
				Span:     parser.Span{File: "Gemfile.lock"},
				Message:  "no Gemfile.lock: assuming the newest Rails",
			},
		},
	}
}

func TestSummarize(t *testing.T) {
	app := sampleApp(t)
	got := Summarize([]App{app, {Display: "other"}})
	want := Summary{Errors: 1, Warnings: 1, Infos: 1, Apps: 2}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
}
