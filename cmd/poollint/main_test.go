package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/rules"
)

// poollint runs the command with args and returns its exit code and output.
func poollint(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{[]string{"--fail-on", "fatal"}, `invalid value "fatal" for flag -fail-on: want error, warning or info`},
		{[]string{"--format", "yaml"}, `unknown --format "yaml" (want text, json, github, sarif or checkstyle)`},
		{[]string{"--format"}, "flag needs an argument: -format"},
		{[]string{"--select", "puma-threads-exceed-pool,no-such-rule"}, `unknown rule "no-such-rule"; see poollint rules`},
		{[]string{"--ignore", "nope"}, `unknown rule "nope"; see poollint rules`},
		{[]string{"--env", "NOVALUE"}, "want K=V"},
		{[]string{"--env", "=1"}, "want K=V"},
		{[]string{"--rails-env", ""}, "--rails-env must not be empty"},
		{[]string{".", "--fail-on=never"}, `invalid value "never" for flag -fail-on`}, // flags after a path are still read
		{[]string{"--unsafe-fixes"}, "--unsafe-fixes applies only with --fix or --diff"},
		{[]string{"--diff", "--format", "json"}, "--diff prints a unified diff; it cannot be combined with --format json"},
		{[]string{"rules", "extra"}, "rules takes no arguments"},
		{[]string{"rules", "--format", "json"}, "flag provided but not defined: -format"},
		{[]string{"explain"}, "explain takes one rule ID"},
		{[]string{"explain", "a", "b"}, "explain takes one rule ID"},
		{[]string{"explain", "no-such-rule"}, "poollint: unknown rule no-such-rule; see poollint rules\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := poollint(t, tt.args...)
			if code != exitTrouble {
				t.Errorf("exit code = %d, want %d", code, exitTrouble)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"./app", "--help"}} {
		code, stdout, stderr := poollint(t, args...)
		if code != exitClean || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q; want 0 and nothing", args, code, stderr)
		}
		for _, want := range []string{"Usage:", "poollint rules", "poollint explain RULE", "--format FORMAT", "--fail-on SEVERITY", "--fix ", "--diff ", "--unsafe-fixes ", "(default warning)", "--no-color ", "Exit status:"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	for _, sub := range []string{"rules", "explain"} {
		if code, stdout, _ := poollint(t, sub, "-h"); code != exitClean || !strings.HasPrefix(stdout, "poollint "+sub) {
			t.Errorf("%s -h: exit %d, stdout %q", sub, code, stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := poollint(t, "--version")
	if code != exitClean || !strings.HasPrefix(stdout, "poollint ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("--version: exit %d, stdout %q; want 0 and one line \"poollint <version>\"", code, stdout)
	}
}

func TestRulesTable(t *testing.T) {
	code, stdout, stderr := poollint(t, "rules")
	if code != exitClean || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	all := rules.All()
	if len(lines) != len(all)+1 {
		t.Fatalf("got %d lines, want a header and %d rules:\n%s", len(lines), len(all), stdout)
	}
	if !strings.HasPrefix(lines[0], "RULE ") {
		t.Errorf("header = %q", lines[0])
	}
	summaryColumn := strings.Index(lines[0], "SUMMARY")
	for i, r := range all {
		line := lines[i+1]
		if !strings.HasPrefix(line, r.ID+" ") || !strings.Contains(line, " "+r.Severity.String()+" ") {
			t.Errorf("line %q does not describe %s", line, r.ID)
		}
		if got := strings.Index(line, r.Summary); got != summaryColumn {
			t.Errorf("summary of %s starts at column %d, want %d (aligned)", r.ID, got, summaryColumn)
		}
	}
}

func TestExplain(t *testing.T) {
	id := rules.All()[0].ID
	code, stdout, _ := poollint(t, "explain", id)
	if code != exitClean || !strings.Contains(stdout, id) {
		t.Errorf("explain %s: exit %d, stdout %.80q", id, code, stdout)
	}
}

func TestParseLintArgs(t *testing.T) {
	cfg, err := parseLintArgs([]string{
		"app1", "--env", "A=1", "--select=puma-threads-exceed-pool", "app2",
		"--env", "A=2", "--env", "B=x=y", "--fail-on", "error", "--", "--not-a-flag",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app1", "app2", "--not-a-flag"}; !cmp.Equal(cfg.paths, want) {
		t.Errorf("paths = %q, want %q", cfg.paths, want)
	}
	if want := map[string]string{"A": "2", "B": "x=y"}; !cmp.Equal(cfg.env, want) {
		t.Errorf("env = %v, want %v", cfg.env, want)
	}
	if cfg.failOn != rules.Error || cfg.railsEnv != "" || cfg.format != "text" {
		t.Errorf("failOn %v, railsEnv %q, format %q", cfg.failOn, cfg.railsEnv, cfg.format)
	}

	cfg, err = parseLintArgs(nil)
	if err != nil || !cmp.Equal(cfg.paths, []string{"."}) || cfg.failOn != rules.Warning {
		t.Errorf("no args: paths %q, failOn %v, err %v; want [.], warning", cfg.paths, cfg.failOn, err)
	}

	cfg, err = parseLintArgs([]string{"--select", "puma-threads-exceed-pool, sidekiq-concurrency-exceeds-pool", "--select", "config-unreadable"})
	want := []string{"puma-threads-exceed-pool", "sidekiq-concurrency-exceeds-pool", "config-unreadable"}
	if err != nil || !cmp.Equal(cfg.selected, want) {
		t.Errorf("selected = %q (err %v), want %q", cfg.selected, err, want)
	}
}

func TestDisplayPath(t *testing.T) {
	tests := []struct{ path, root, want string }{
		{".", ".", "."},
		{"./myapp", "./myapp", "./myapp"},
		{"myapp/", "myapp/", "myapp/"},
		{".", "apps/web", "apps/web"},
		{"./apps", "apps/web", "apps/web"},
		{"/srv", "/srv/web", "/srv/web"},
	}
	for _, tt := range tests {
		if got := displayPath(tt.path, tt.root); got != tt.want {
			t.Errorf("displayPath(%q, %q) = %q, want %q", tt.path, tt.root, got, tt.want)
		}
	}
}

func TestUnreadablePaths(t *testing.T) {
	empty := t.TempDir()
	missing := filepath.Join(empty, "missing")
	code, stdout, stderr := poollint(t, "--format", "json", missing, empty)
	if code != exitTrouble {
		t.Errorf("exit code = %d, want %d", code, exitTrouble)
	}
	for _, want := range []string{
		"poollint: " + missing + ": no such file or directory\n",
		"poollint: no Rails app found under " + empty + " (an app root has config/ plus Gemfile or config/application.rb)\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var doc struct{ Apps []any }
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Apps) != 0 {
		t.Errorf("stdout is not an empty JSON report (err %v):\n%s", err, stdout)
	}
}

// TestLintsAppsAndOtherPaths runs the whole pipeline on the smallest app
// there is, next to a PATH that cannot be read: the app is still reported.
func TestLintsAppsAndOtherPaths(t *testing.T) {
	tree := t.TempDir()
	app := filepath.Join(tree, "apps", "web")
	if err := os.MkdirAll(filepath.Join(app, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "Gemfile"), []byte("source \"https://rubygems.org\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := poollint(t, "--format", "json", "--fail-on", "error", tree, tree, filepath.Join(tree, "missing"))
	if code != exitTrouble {
		t.Errorf("exit code = %d, want %d (one PATH is missing)", code, exitTrouble)
	}
	if !strings.Contains(stderr, "missing: no such file or directory") {
		t.Errorf("stderr = %q", stderr)
	}
	var doc struct {
		Apps []struct{ Root string }
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if len(doc.Apps) != 1 || doc.Apps[0].Root != app {
		t.Errorf("apps = %+v, want the one app at %s, once", doc.Apps, app)
	}
}

// TestAppConfigIsApplied runs the CLI on an app whose .poollint.yml
// ignores a rule that would otherwise fire, and with --config pointing at
// a file that does not ignore it.
func TestAppConfigIsApplied(t *testing.T) {
	app := filepath.Join("..", "..", "testdata", "apps", "cfg_ignore")
	var out, errOut bytes.Buffer
	run([]string{"--format", "json", app}, &out, &errOut)
	if strings.Contains(out.String(), `"sidekiq-concurrency-exceeds-pool"`) {
		t.Errorf("the ignored rule fired:\n%s", out.String())
	}
	empty := filepath.Join(t.TempDir(), "empty.yml")
	if err := os.WriteFile(empty, []byte("ignore: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	run([]string{"--format", "json", "--config", empty, app}, &out, &errOut)
	if !strings.Contains(out.String(), `"sidekiq-concurrency-exceeds-pool"`) {
		t.Errorf("with --config the rule should fire again:\n%s\n%s", out.String(), errOut.String())
	}
}

// TestFileOutsideAnyApp: pre-commit passes file names, and in a monorepo
// some belong to no Rails app; they are skipped, not a failure.
func TestFileOutsideAnyApp(t *testing.T) {
	dir := t.TempDir()
	procfile := filepath.Join(dir, "Procfile")
	if err := os.WriteFile(procfile, []byte("web: node server.js\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{procfile}, &out, &errOut); code != exitClean {
		t.Errorf("exit %d, want 0; stderr %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "not inside a Rails app; skipped") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

// TestDiffNamesTheUsersConfig: --diff lints a scratch copy, but an error
// in .poollint.yml must name the user's file.
func TestDiffNamesTheUsersConfig(t *testing.T) {
	app := t.TempDir()
	files := map[string]string{
		"Gemfile":             "gem 'rails'\n",
		"config/database.yml": "production:\n  pool: 5\n",
		".poollint.yml":       "selct: []\n",
	}
	for rel, text := range files {
		path := filepath.Join(app, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--diff", app}, &out, &errOut); code != exitTrouble {
		t.Errorf("exit %d, want %d", code, exitTrouble)
	}
	if want := filepath.Join(app, ".poollint.yml") + ":1:"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q does not name %s", errOut.String(), want)
	}
}
