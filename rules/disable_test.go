package rules

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// commentTexts returns the text of each comment fileComments finds in src
// read as the file rel.
func commentTexts(rel, src string) []string {
	f := parser.NewFile(rel, "/app/"+rel, []byte(src))
	cs, _ := fileComments(f)
	out := []string{}
	for _, c := range cs {
		out = append(out, src[c.start:c.end])
	}
	return out
}

func TestYAMLComments(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"end of line", "a: 1 # c\n", []string{"# c"}},
		{"own line", "# top\na: 1\n", []string{"# top"}},
		{"double-quoted", "a: \"x # y\" # c\n", []string{"# c"}},
		{"single-quoted with escaped quote", "a: 'it''s # y'\n", []string{}},
		{"multi-line quoted", "a: \"one\n  # two\n  three\" # c\n", []string{"# c"}},
		{"hash inside a plain scalar", "a: x#y\nurl: http://h/#frag\n", []string{}},
		{"block scalar content", "a: |\n  # not a comment\n  text\nb: 1 # c\n", []string{"# c"}},
		{"folded block in a sequence item", "- key: >-\n    # not\n  other: 2 # c\n", []string{"# c"}},
		{"block scalar header comment", "a: | # c\n  # not\n", []string{"# c"}},
		{"flow collection", "a: [1, \"#x\", 2] # c\nb: {k: v} # d\n", []string{"# c", "# d"}},
		{"ERB tag", "pool: <%= ENV.fetch(\"X\") { 5 } # y %> # c\n", []string{"# c"}},
		{"ERB code line", "<% # x %>\na: 1\n", []string{}},
		{"CRLF", "a: 1 # c\r\nb: 2\r\n", []string{"# c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, commentTexts("config/database.yml", tt.src)); diff != "" {
				t.Errorf("comments differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRubyComments(t *testing.T) {
	src := "x = \"# poollint:disable a\" # real\n" +
		"y = <<~TXT\n  # heredoc text\nTXT\n" +
		"  # indented\n" +
		"=begin\nblock\n=end\n"
	want := []string{"# real", "# indented", "=begin\nblock\n=end"}
	if diff := cmp.Diff(want, commentTexts("config/puma.rb", src)); diff != "" {
		t.Errorf("comments differ (-want +got):\n%s", diff)
	}
}

func TestProcfileComments(t *testing.T) {
	src := "# full line\nweb: bundle exec puma -C config/puma.rb # end of line\nworker: echo \"# not\" 'nor # this'\n"
	want := []string{"# full line", "# end of line"}
	if diff := cmp.Diff(want, commentTexts("Procfile", src)); diff != "" {
		t.Errorf("comments differ (-want +got):\n%s", diff)
	}
}

func TestCommentSyntax(t *testing.T) {
	for rel, want := range map[string]string{
		"config/database.yml":         "yaml",
		"config/database.yml.example": "yaml",
		"config/sidekiq.yml.erb":      "yaml",
		"config/puma.rb":              "ruby",
		"config/unicorn.rb.sample":    "ruby",
		"Procfile":                    "procfile",
		"Procfile.dev":                "procfile",
		"app.json":                    "",
		"Gemfile.lock":                "",
	} {
		if got := commentSyntax(rel); got != want {
			t.Errorf("commentSyntax(%q) = %q, want %q", rel, got, want)
		}
	}
}

// disableApp is an app made of files only: ApplyDisables reads nothing
// else of the model.
func disableApp(files map[string]string) *rails.App {
	a := &rails.App{Files: map[string]*parser.File{}}
	for rel, src := range files {
		a.Files[rel] = parser.NewFile(rel, "/app/"+rel, []byte(src))
	}
	return a
}

// at is a diagnostic of rule on line of file (column 1).
func at(rule, file string, line int) Diagnostic {
	return Diagnostic{Rule: rule, Severity: Error, Span: parser.Span{File: file, Start: parser.Pos{Line: line, Col: 1}}, Message: rule}
}

// brief renders diagnostics as "file:line rule" (plus the message of an
// unused-disable warning) for comparison.
func brief(ds []Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		s := fmt.Sprintf("%s:%02d %s", d.Span.File, d.Span.Start.Line, d.Rule)
		if d.Rule == unusedDisableID {
			s += ": " + d.Message
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

const (
	puma   = "puma-threads-exceed-pool"
	notTie = "pool-not-tied-to-threads"
	sk     = "sidekiq-concurrency-exceeds-pool"
)

func TestApplyDisables(t *testing.T) {
	files := map[string]string{
		"config/puma.rb": "" +
			"threads 8, 8 # poollint:disable puma-threads-exceed-pool\n" + // 1: end of line
			"x = \"# poollint:disable pool-not-tied-to-threads\"\n" + // 2: a string, not a comment
			"workers 2\n", // 3
		"config/database.yml": "" +
			"production:\n" + // 1
			"  # poollint:disable pool-not-tied-to-threads, puma-threads-exceed-pool -- pinned by ops\n" + // 2
			"\n" + // 3
			"  # an ordinary comment\n" + // 4
			"  pool: 5\n" + // 5: silenced from line 2
			"  timeout: 5000\n", // 6
		"config/sidekiq.yml": "" +
			":concurrency: 10\n" + // 1
			"# poollint:disable-file sidekiq-concurrency-exceeds-pool\n", // 2
		"Procfile": "" +
			"web: bundle exec puma -C config/puma.rb # poollint:disable puma-threads-exceed-pool\n" + // 1
			"worker: bundle exec sidekiq\n", // 2
	}
	ds := []Diagnostic{
		at(puma, "config/puma.rb", 1),   // silenced: end of line
		at(notTie, "config/puma.rb", 1), // not named there
		at(puma, "config/puma.rb", 3),   // another line
		at(notTie, "config/puma.rb", 2), // the directive is inside a string
		at(notTie, "config/database.yml", 5),
		at(puma, "config/database.yml", 6), // the directive covers line 5 only
		at(sk, "config/sidekiq.yml", 1),
		at(sk, "config/sidekiq.yml", 0), // file-level finding
		at(puma, "Procfile", 1),
		at(puma, "Procfile", 2),
	}
	got := brief(ApplyDisables(disableApp(files), ds, Options{}))
	want := []string{
		"Procfile:02 " + puma,
		"config/database.yml:02 unused-disable: poollint:disable: puma-threads-exceed-pool silences nothing (no such finding starts on line 5)",
		"config/database.yml:06 " + puma,
		"config/puma.rb:01 " + notTie,
		"config/puma.rb:02 " + notTie,
		"config/puma.rb:03 " + puma,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyDisables differs (-want +got):\n%s", diff)
	}
}

func TestApplyDisablesWarnings(t *testing.T) {
	tests := []struct {
		name    string
		line    string // a config/puma.rb line holding `threads 8, 8` and a directive
		opts    Options
		want    string // the warning's message, "" for none
		fixable bool
	}{
		{name: "used", line: "threads 8, 8 # poollint:disable puma-threads-exceed-pool"},
		{name: "unused", line: "threads 8, 8 # poollint:disable pool-not-tied-to-threads",
			want: "poollint:disable: pool-not-tied-to-threads silences nothing (no such finding starts on line 1)", fixable: true},
		{name: "partly unused", line: "threads 8, 8 # poollint:disable puma-threads-exceed-pool,pool-not-tied-to-threads",
			want: "poollint:disable: pool-not-tied-to-threads silences nothing (no such finding starts on line 1)", fixable: true},
		{name: "unknown rule", line: "threads 8, 8 # poollint:disable puma-threads-exceed-pool, puma-threads-exceeds-pool",
			want: `poollint:disable: unknown rule "puma-threads-exceeds-pool" (did you mean "puma-threads-exceed-pool"?)`},
		{name: "all", line: "threads 8, 8 # poollint:disable all",
			want: `poollint:disable: "all" is not supported; name each rule to silence`},
		{name: "no rule", line: "threads 8, 8 # poollint:disable",
			want: "poollint:disable: names no rule; write # poollint:disable RULE[,RULE]", fixable: true},
		{name: "misspelt directive", line: "threads 8, 8 # poollint:disabel puma-threads-exceed-pool",
			want: `unknown directive "poollint:disabel"; write poollint:disable RULE or poollint:disable-file RULE`},
		{name: "rule that did not run", line: "threads 8, 8 # poollint:disable pool-not-tied-to-threads",
			opts: Options{Ignore: []string{notTie}}},
		{name: "unused-disable not selected", line: "threads 8, 8 # poollint:disable pool-not-tied-to-threads",
			opts: Options{Select: []string{puma}}},
		{name: "nothing follows", line: "threads 8, 8\n# poollint:disable puma-threads-exceed-pool",
			want: "poollint:disable: puma-threads-exceed-pool silences nothing (no line follows it)", fixable: true},
		{name: "not a directive", line: "threads 8, 8 # see poollint:disable docs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := disableApp(map[string]string{"config/puma.rb": tt.line + "\n"})
			out := ApplyDisables(app, []Diagnostic{at(puma, "config/puma.rb", 1)}, tt.opts)
			var warnings []Diagnostic
			for _, d := range out {
				if d.Rule == unusedDisableID {
					warnings = append(warnings, d)
				}
			}
			if tt.want == "" {
				if len(warnings) > 0 {
					t.Fatalf("unexpected warning %q", warnings[0].Message)
				}
				return
			}
			if len(warnings) != 1 || warnings[0].Message != tt.want {
				t.Fatalf("warnings = %v, want one: %q", brief(warnings), tt.want)
			}
			if (warnings[0].Fix != nil) != tt.fixable {
				t.Fatalf("fix = %v, want fixable %v", warnings[0].Fix, tt.fixable)
			}
		})
	}
}

func TestUnusedDisableFix(t *testing.T) {
	tests := []struct {
		name, file, src string
		diags           []Diagnostic
		want            string
	}{
		{name: "end of line", file: "config/puma.rb",
			src:  "threads 8, 8   # poollint:disable pool-not-tied-to-threads\nworkers 2\n",
			want: "threads 8, 8\nworkers 2\n"},
		{name: "own line", file: "config/database.yml",
			src:  "production:\n  # poollint:disable pool-not-tied-to-threads\n  pool: 5\n",
			want: "production:\n  pool: 5\n"},
		{name: "own line, CRLF", file: "config/database.yml",
			src:  "production:\r\n  # poollint:disable pool-not-tied-to-threads\r\n  pool: 5\r\n",
			want: "production:\r\n  pool: 5\r\n"},
		{name: "keep the used name", file: "config/puma.rb",
			src:   "threads 8, 8 # poollint:disable pool-not-tied-to-threads, puma-threads-exceed-pool -- why\n",
			diags: []Diagnostic{at(puma, "config/puma.rb", 1)},
			want:  "threads 8, 8 # poollint:disable puma-threads-exceed-pool -- why\n"},
		{name: "Procfile", file: "Procfile",
			src:  "web: bundle exec puma # poollint:disable pool-not-tied-to-threads\n",
			want: "web: bundle exec puma\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := disableApp(map[string]string{tt.file: tt.src})
			out := ApplyDisables(app, tt.diags, Options{})
			var edits []fixer.Edit
			for _, d := range out {
				if d.Rule == unusedDisableID && d.Fix != nil {
					if !d.Fix.Safe {
						t.Errorf("fix %q is unsafe", d.Fix.Description)
					}
					edits = append(edits, d.Fix.Edits...)
				}
			}
			got := string(applyEdits(t, []byte(tt.src), edits))
			if got != tt.want {
				t.Fatalf("fixed source:\n%q\nwant:\n%q", got, tt.want)
			}
			// Fixed, the file has nothing left to report.
			again := ApplyDisables(disableApp(map[string]string{tt.file: got}), tt.diags, Options{})
			for _, d := range again {
				if d.Rule == unusedDisableID {
					t.Errorf("after the fix: %s", d.Message)
				}
			}
		})
	}
}

// FuzzYAMLComments checks that the YAML comment lexer ends on any input
// and returns in-bounds, ordered comments that start with '#'.
func FuzzYAMLComments(f *testing.F) {
	for _, seed := range []string{
		"a: 1 # c\n", "a: \"x # y\n  z\" # c\n", "a: |\n  # x\nb: [1, {c: 'd'}] # e\n",
		"- key: >-\n    # not\n  other: 2 # c\n", "pool: <%= ENV['X'] # y %> # c\n", "a: 'it''s'\r\n# c\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prev := -1
		for _, c := range yamlComments(src) {
			if c.start <= prev || c.end < c.start || c.end > len(src) || src[c.start] != '#' {
				t.Fatalf("bad comment %+v after %d in %q", c, prev, src)
			}
			prev = c.end
		}
	})
}
