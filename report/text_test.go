package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

func text(t *testing.T, apps []App, opts Options) string {
	t.Helper()
	var b strings.Builder
	if err := Text(&b, apps, opts); err != nil {
		t.Fatalf("Text: %v", err)
	}
	return b.String()
}

func TestTextGolden(t *testing.T) {
	want := `myapp/config/database.yml:3:9: error: web runs 10 threads but its pool holds 5 [puma-threads-exceed-pool] (fixable)
    3 |   pool: 5
      |         ^
      = note: myapp/config/puma.rb:1:13: max threads 10 here

myapp/config/database.yml:1:1: warning: pool does not follow RAILS_MAX_THREADS [pool-not-tied-to-threads] (unsafe fix)
    1 | production:
      | ^~~~~~~~~~~

myapp/Gemfile.lock: info: no Gemfile.lock: assuming the newest Rails [config-unreadable]

1 error, 1 warning, 1 info in 1 app
`
	got := text(t, []App{sampleApp(t)}, Options{FixHints: true})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Text mismatch (-want +got):\n%s", diff)
	}
}

func TestTextWithoutFixHints(t *testing.T) {
	got := text(t, []App{sampleApp(t)}, Options{})
	if strings.Contains(got, "fix") {
		t.Errorf("fix hints printed without FixHints:\n%s", got)
	}
}

func TestTextColor(t *testing.T) {
	colored := text(t, []App{sampleApp(t)}, Options{Color: true})
	// Only the opening sequences are checked: how fatih/color resets
	// (full or attribute-wise) is its business.
	for _, want := range []string{
		"\x1b[31;1merror",   // red bold
		"\x1b[33;1mwarning", // yellow bold
		"\x1b[34;1minfo",    // blue bold
		"\x1b[2m[puma-threads-exceed-pool]",
		"\x1b[1mmyapp/config/database.yml:3:9:",
		"\x1b[31;1m^", // the caret in the severity's color
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("colored output lacks %q:\n%s", want, colored)
		}
	}
	if plain := text(t, []App{sampleApp(t)}, Options{}); strings.Contains(plain, "\x1b[") {
		t.Errorf("uncolored output has escape codes:\n%s", plain)
	}
}

func TestTextSummary(t *testing.T) {
	app := func(sevs ...rules.Severity) App {
		a := App{Display: "a"}
		for _, s := range sevs {
			a.Diagnostics = append(a.Diagnostics, rules.Diagnostic{Rule: "r", Severity: s, Message: "m"})
		}
		return a
	}
	tests := []struct {
		name string
		apps []App
		want string
	}{
		{"none", nil, "no apps checked"},
		{"clean app", []App{app()}, "no problems found in 1 app"},
		{"clean apps", []App{app(), app()}, "no problems found in 2 apps"},
		{"singular", []App{app(rules.Error, rules.Warning, rules.Info)}, "1 error, 1 warning, 1 info in 1 app"},
		{"plural", []App{app(rules.Error, rules.Error), app(rules.Info, rules.Info, rules.Info)}, "2 errors, 0 warnings, 3 infos in 2 apps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(text(t, tt.apps, Options{}), "\n"), "\n")
			if got := lines[len(lines)-1]; got != tt.want {
				t.Errorf("summary = %q, want %q", got, tt.want)
			}
		})
	}
}

// snippetOf renders the source and caret lines of one diagnostic at span.
func snippetOf(t *testing.T, f *parser.File, span parser.Span) string {
	t.Helper()
	app := App{Display: "app", Files: map[string]*parser.File{f.Path: f}, Diagnostics: []rules.Diagnostic{
		{Rule: "r", Severity: rules.Error, Span: span, Message: "m"},
	}}
	lines := strings.Split(text(t, []App{app}, Options{}), "\n")
	return strings.Join(lines[1:3], "\n")
}

func TestTextSnippets(t *testing.T) {
	tabbed := file("config/puma.rb", "\tthreads\tmin, max\n")
	crlf := file("config/database.yml", "production:\r\n  pool: 25\r\n")
	utf := file("config/database.yml", "# é\npool: 5 # é\n")
	tests := []struct {
		name string
		file *parser.File
		span parser.Span
		want string
	}{
		{
			name: "tabs expand to the same stops in line and caret",
			file: tabbed,
			span: spanOf(t, tabbed, "min", 0),
			want: "    1 |     threads min, max\n" +
				"      |             ^~~",
		},
		{
			name: "a span over a tab underlines all of it",
			file: tabbed,
			span: spanOf(t, tabbed, "threads\tmin", 0),
			want: "    1 |     threads min, max\n" +
				"      |     ^~~~~~~~~~~",
		},
		{
			name: "CRLF: no carriage return is printed or underlined",
			file: crlf,
			span: crlf.Span(crlf.Lines.Offset(2, 9), crlf.Lines.Offset(2, 12)), // "25\r"
			want: "    2 |   pool: 25\n" +
				"      |         ^~",
		},
		{
			name: "zero width gets one caret",
			file: crlf,
			span: crlf.Span(crlf.Lines.Offset(2, 3), crlf.Lines.Offset(2, 3)),
			want: "    2 |   pool: 25\n" +
				"      |   ^",
		},
		{
			name: "zero width at the end of the line",
			file: crlf,
			span: crlf.Span(crlf.Lines.Offset(1, 12), crlf.Lines.Offset(1, 12)),
			want: "    1 | production:\n" +
				"      |            ^",
		},
		{
			name: "multi-line spans are underlined to the end of the first line",
			file: crlf,
			span: spanOf(t, crlf, "production:\r\n  pool", 0),
			want: "    1 | production:\n" +
				"      | ^~~~~~~~~~~",
		},
		{
			name: "multi-byte runes take one column",
			file: utf,
			span: spanOf(t, utf, "#", 1),
			want: "    2 | pool: 5 # é\n" +
				"      |         ^",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, snippetOf(t, tt.file, tt.span)); diff != "" {
				t.Errorf("snippet mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextWideLineNumbers(t *testing.T) {
	f := file("config/database.yml", strings.Repeat("\n", 123456)+"pool: 5\n")
	got := snippetOf(t, f, spanOf(t, f, "5", 0))
	want := "123457 | pool: 5\n" +
		"       |       ^"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snippet mismatch (-want +got):\n%s", diff)
	}
}

func TestTextNeutralizesControlCharacters(t *testing.T) {
	f := file("config/database.yml", "pool: \x1b[2J5\n")
	app := App{Display: "app", Files: map[string]*parser.File{f.Path: f}, Diagnostics: []rules.Diagnostic{
		{Rule: "r", Severity: rules.Error, Span: spanOf(t, f, "5", 0), Message: "bad \x1b[31mvalue\nhere"},
	}}
	got := text(t, []App{app}, Options{})
	if strings.Contains(got, "\x1b") {
		t.Errorf("escape character reached the output:\n%q", got)
	}
	if !strings.Contains(got, "bad \uFFFD[31mvalue here [r]") {
		t.Errorf("message not kept on one line:\n%s", got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextReportsWriteErrors(t *testing.T) {
	if err := Text(failingWriter{}, []App{sampleApp(t)}, Options{}); err == nil {
		t.Error("Text returned nil on a failing writer")
	}
}
