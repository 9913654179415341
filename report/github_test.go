package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// workflowCommand is one line of a step's log read as GitHub documents
// workflow commands ("::command prop=val,prop=val::data", see "Workflow
// commands for GitHub Actions"), parsed the way actions/runner does
// (ActionCommand.TryParseV2): the command ends at the first "::" after the
// leading one, its name at the first space, properties are split on ','
// and each on its first '='; properties and data are then unescaped.
type workflowCommand struct {
	Name  string
	Props map[string]string
	Data  string
}

func parseWorkflowCommand(t *testing.T, line string) workflowCommand {
	t.Helper()
	if strings.ContainsAny(line, "\r\n") {
		t.Fatalf("a workflow command must be one line: %q", line)
	}
	if !strings.HasPrefix(line, "::") {
		t.Fatalf("not a workflow command: %q", line)
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		t.Fatalf("no '::' ends the command: %q", line)
	}
	info, data := line[2:2+end], line[2+end+2:]
	cmd := workflowCommand{Props: map[string]string{}, Data: unescapeData(data)}
	name, props, hasProps := strings.Cut(info, " ")
	cmd.Name = name
	if hasProps {
		for _, p := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || k == "" || v == "" {
				t.Fatalf("malformed property %q in %q", p, line)
			}
			if _, dup := cmd.Props[k]; dup {
				t.Fatalf("property %q twice in %q", k, line)
			}
			cmd.Props[k] = unescapeProperty(v)
		}
	}
	return cmd
}

// The runner's unescaping, "%25" last so that an escaped '%' followed by
// "0A" does not turn into a newline.
func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

func unescapeProperty(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func githubLines(t *testing.T, apps []App, l locator) []workflowCommand {
	t.Helper()
	var b strings.Builder
	if err := github(&b, apps, l); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: %q", out)
	}
	var cmds []workflowCommand
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line != "" {
			cmds = append(cmds, parseWorkflowCommand(t, line))
		}
	}
	return cmds
}

func TestGitHubSample(t *testing.T) {
	got := githubLines(t, []App{sampleApp(t)}, locator{cwd: "/work/repo"})
	want := []workflowCommand{
		{
			Name: "error",
			Props: map[string]string{
				"file": "myapp/config/database.yml", "line": "3", "col": "9", "endLine": "3", "endColumn": "9",
				"title": "puma-threads-exceed-pool",
			},
			Data: "web runs 10 threads but its pool holds 5 (see myapp/config/puma.rb:1:13: max threads 10 here)",
		},
		{
			// A span over several lines keeps its lines only: the runner
			// drops columns when the lines differ.
			Name:  "warning",
			Props: map[string]string{"file": "myapp/config/database.yml", "line": "1", "endLine": "4", "title": "pool-not-tied-to-threads"},
			Data:  "pool does not follow RAILS_MAX_THREADS",
		},
		{
			// A whole-file finding has no position at all.
			Name:  "notice",
			Props: map[string]string{"file": "myapp/Gemfile.lock", "title": "config-unreadable"},
			Data:  "no Gemfile.lock: assuming the newest Rails",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("github commands (-want +got):\n%s", diff)
	}
}

func TestGitHubExactLine(t *testing.T) {
	var b strings.Builder
	if err := github(&b, []App{sampleApp(t)}, locator{cwd: "/work/repo"}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(b.String(), "\n")
	want := "::error file=myapp/config/database.yml,line=3,col=9,endLine=3,endColumn=9,title=puma-threads-exceed-pool::" +
		"web runs 10 threads but its pool holds 5 (see myapp/config/puma.rb:1:13: max threads 10 here)"
	if first != want {
		t.Errorf("first line\n got %s\nwant %s", first, want)
	}
}

// TestGitHubEscaping round-trips the characters the syntax reserves
// through the documented parser: '%' and newlines in the data, and also
// ':' and ',' in properties, where they would end the value.
func TestGitHubEscaping(t *testing.T) {
	db := file("config/database.yml", "production:\n  pool: 5\n")
	message := "100% sure: a, b\nsecond line\r\nthird :: not the end %0A stays literal %25"
	note := "see here, 50%: ok"
	app := App{
		Display: "odd,dir:name%",
		Files:   map[string]*parser.File{db.Path: db},
		Diagnostics: []rules.Diagnostic{{
			Rule:     "rule,with:odd%chars",
			Severity: rules.Warning,
			Span:     spanOf(t, db, "5", 0),
			Message:  message,
			Related:  []rules.Related{{Span: spanOf(t, db, "pool", 0), Message: note}},
		}},
	}
	cmds := githubLines(t, []App{app}, locator{cwd: "/work/repo"})
	if len(cmds) != 1 {
		t.Fatalf("got %d commands, want 1", len(cmds))
	}
	c := cmds[0]
	if want := "odd,dir:name%/config/database.yml"; c.Props["file"] != want {
		t.Errorf("file = %q, want %q", c.Props["file"], want)
	}
	if want := "rule,with:odd%chars"; c.Props["title"] != want {
		t.Errorf("title = %q, want %q", c.Props["title"], want)
	}
	if want := message + " (see odd,dir:name%/config/database.yml:2:3: " + note + ")"; c.Data != want {
		t.Errorf("data = %q, want %q", c.Data, want)
	}
	if c.Props["line"] != "2" || c.Props["col"] != "9" {
		t.Errorf("position = %v", c.Props)
	}
}

// TestGitHubPaths: GitHub resolves file= against the checkout, which is
// the working directory in CI, so an app root typed as an absolute path
// or with ".." still comes out relative and with forward slashes.
func TestGitHubPaths(t *testing.T) {
	cases := []struct{ display, want string }{
		{"myapp", "myapp/config/database.yml"},
		{"./apps/../myapp", "myapp/config/database.yml"},
		{"/work/repo/apps/shop", "apps/shop/config/database.yml"},
		{"/work/repo", "config/database.yml"},
		{".", "config/database.yml"},
		{"/elsewhere/app", "../../elsewhere/app/config/database.yml"},
	}
	for _, c := range cases {
		app := sampleApp(t)
		app.Display = c.display
		cmds := githubLines(t, []App{app}, locator{cwd: "/work/repo"})
		if got := cmds[0].Props["file"]; got != c.want {
			t.Errorf("Display %q: file = %q, want %q", c.display, got, c.want)
		}
	}
}

func TestGitHubPosition(t *testing.T) {
	f := file("a.yml", "abc\ndef\n")
	cases := []struct {
		name string
		span parser.Span
		want []string
	}{
		{"one byte", f.Span(1, 2), []string{"line=1", "col=2", "endLine=1", "endColumn=2"}},
		{"three bytes", f.Span(0, 3), []string{"line=1", "col=1", "endLine=1", "endColumn=3"}},
		{"zero width", f.Span(5, 5), []string{"line=2", "col=2", "endLine=2", "endColumn=2"}},
		{"start only", parser.Span{File: "a.yml", Start: f.Lines.Pos(5)}, []string{"line=2", "col=2", "endLine=2", "endColumn=2"}},
		{"multi-line", f.Span(1, 6), []string{"line=1", "endLine=2"}},
		{"whole file", parser.Span{File: "a.yml"}, nil},
	}
	for _, c := range cases {
		got := githubPosition(rules.Diagnostic{Span: c.span})
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestGitHubEmpty(t *testing.T) {
	var b strings.Builder
	if err := GitHub(&b, nil); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Errorf("no diagnostics should print nothing, got %q", b.String())
	}
}

// TestGitHubEveryApp runs the whole pipeline over every testdata app and
// checks each line parses, with the properties GitHub knows.
func TestGitHubEveryApp(t *testing.T) {
	apps := loadTestdataApps(t)
	var b strings.Builder
	if err := GitHub(&b, apps); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, app := range apps {
		total += len(app.Diagnostics)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != total {
		t.Fatalf("%d lines for %d diagnostics", len(lines), total)
	}
	known := map[string]bool{"file": true, "line": true, "col": true, "endLine": true, "endColumn": true, "title": true}
	for _, line := range lines {
		c := parseWorkflowCommand(t, line)
		if c.Name != "error" && c.Name != "warning" && c.Name != "notice" {
			t.Errorf("command %q in %q", c.Name, line)
		}
		for k := range c.Props {
			if !known[k] {
				t.Errorf("unknown property %q in %q", k, line)
			}
		}
		if c.Props["file"] == "" || c.Props["title"] == "" || c.Data == "" {
			t.Errorf("missing file, title or message: %q", line)
		}
		if strings.Contains(c.Props["file"], `\`) {
			t.Errorf("file uses backslashes: %q", line)
		}
	}
}
