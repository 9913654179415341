package main

import (
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestFixedFilesParseInRuby checks, with the real Ruby, every file that
// --fix (and --fix --unsafe-fixes) rewrites in the cases of testdata/apps:
// a Ruby file must pass `ruby -c`, and a YAML file must load the way Rails
// and Sidekiq load it: ERB rendered, then YAML.load. The fixer's own check
// uses tree-sitter and yaml.v3, which may accept what Ruby does not.
//
// A file the original case already fails on (a seed that is broken on
// purpose, ERB that needs the app to render) is not the fix's to judge:
// it is skipped with the reason logged. Without Ruby the test skips,
// unless POOLLINT_REQUIRE_RUBY is set: CI sets it after installing Debian's
// ruby package, so a CI machine without Ruby fails instead of passing
// unchecked.
func TestFixedFilesParseInRuby(t *testing.T) {
	ruby := needRuby(t)
	var checked atomic.Int32
	t.Run("cases", func(t *testing.T) {
		for _, mode := range []fixMode{safeFixes, unsafeFixes} {
			for _, name := range fixCaseNames(t) {
				t.Run(mode.name+"/"+name, func(t *testing.T) {
					t.Parallel()
					r := fixCopy(t, name, mode)
					for _, rel := range r.changed() {
						if kind := rubyKindOf(rel); kind != notChecked {
							checked.Add(1)
							t.Run(rel, func(t *testing.T) { checkFixedFile(t, ruby, kind, r, rel) })
						}
					}
				})
			}
		}
	})
	if n := checked.Load(); n < 20 {
		t.Errorf("only %d fixed files were checked with Ruby", n)
	}
}

// checkFixedFile checks the file rel of a fixed copy with Ruby, and when it
// fails, the original too: the fix is to blame only when that passes.
func checkFixedFile(t *testing.T, ruby rubyChecker, kind rubyKind, r fixRun, rel string) {
	err := ruby.check(kind, filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err == nil {
		return
	}
	old, ok := r.before[rel]
	if !ok {
		t.Fatalf("the file the fix added fails: %v", err)
	}
	if oldErr := ruby.check(kind, writeOriginal(t, rel, old)); oldErr != nil {
		t.Skipf("the original fails too, so the fix is not to blame: %v", oldErr)
	}
	t.Errorf("fails after the fix, not before: %v\n--- the fixed file:\n%s", err, r.after[rel])
}

// rubyKind is how Ruby checks a file.
type rubyKind int

const (
	notChecked rubyKind = iota
	rubySource
	yamlWithERB
)

// rubyKindOf tells by its name how a file is checked, looking through the
// suffixes of shipped samples (database.yml.example).
func rubyKindOf(rel string) rubyKind {
	base := path.Base(rel)
	for _, suffix := range []string{".example", ".sample"} {
		base = strings.TrimSuffix(base, suffix)
	}
	if base == "Gemfile" || base == "Rakefile" {
		return rubySource
	}
	switch path.Ext(base) {
	case ".rb", ".ru", ".rake":
		return rubySource
	case ".yml", ".yaml":
		return yamlWithERB
	}
	return notChecked
}

// needRuby returns the checker of the ruby on PATH, or skips the test
// when there is none (fails it, with POOLLINT_REQUIRE_RUBY set).
func needRuby(t *testing.T) rubyChecker {
	t.Helper()
	p, err := exec.LookPath("ruby")
	switch {
	case err == nil:
		return rubyChecker{path: p}
	case os.Getenv("POOLLINT_REQUIRE_RUBY") != "":
		t.Fatalf("POOLLINT_REQUIRE_RUBY is set but there is no ruby on PATH: %v", err)
	default:
		t.Skip("ruby not installed: the fixed Ruby and YAML files are not checked with Ruby (apt-get install ruby)")
	}
	return rubyChecker{}
}

// rubyChecker runs the checks with one Ruby.
type rubyChecker struct{ path string }

// loadYAML renders the ERB of the file ARGV[0] and loads the YAML, as
// Rails does with database.yml and Sidekiq with sidekiq.yml. The stubs
// stand for what the ERB of real configs calls on the app (Rails.env,
// Sidekiq.server?, ActiveSupport's presence); ERB that needs more cannot
// render outside the app, which exits 3 so that the test can tell it from
// YAML that does not load (exit 1). Psych 4 no longer follows aliases in
// YAML.load unless asked; Rails and Sidekiq ask (database.yml's
// `<<: *default`).
const loadYAML = `
module Rails
  def self.env; ENV.fetch("RAILS_ENV", "production"); end
end
module Sidekiq
  def self.server?; false; end
end
class NilClass; def presence; nil; end; end
class String; def presence; empty? ? nil : self; end; end
require "erb"
require "yaml"
begin
  text = ERB.new(File.read(ARGV[0])).result
rescue StandardError, ScriptError => e
  warn "the ERB cannot render outside the app: #{e.class}: #{e.message}"
  exit 3
end
if Psych::VERSION.split(".").first.to_i >= 4
  YAML.load(text, aliases: true)
else
  YAML.load(text)
end
`

// check runs Ruby's check of kind on the file at p; the error holds what
// Ruby said.
func (c rubyChecker) check(kind rubyKind, p string) error {
	var cmd *exec.Cmd
	switch kind {
	case rubySource:
		cmd = exec.Command(c.path, "-c", p)
	case yamlWithERB:
		cmd = exec.Command(c.path, "-e", loadYAML, p)
	default:
		return nil
	}
	// The ERB reads ENV: leave out the test's own environment, so that a
	// DATABASE_URL or RAILS_MAX_THREADS set there cannot change the result.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		return errors.New(strings.TrimSpace(string(out)))
	}
	return err
}

// writeOriginal writes text as rel under a new temporary directory and
// returns its path: the original version of a fixed file, to check it the
// same way.
func writeOriginal(t *testing.T, rel, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRubyChecker makes sure the checks of TestFixedFilesParseInRuby can
// fail, and that the stubs render the ERB that real configs use.
func TestRubyChecker(t *testing.T) {
	ruby := needRuby(t)
	tests := []struct {
		rel, text string
		want      string // in the error; "" for none
	}{
		{"config/puma.rb", "before_fork do\n  x\nend\n", ""},
		{"config/puma.rb", "before_fork do\n  x\n", "syntax error"},
		{"config/database.yml", "default: &default\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\nproduction:\n  <<: *default\n", ""},
		{"config/database.yml", "production:\n  pool: <%= Sidekiq.server? ? 10 : 5 %>\n  url: <%= ENV['DATABASE_URL'].presence %>\n  env: <%= Rails.env %>\n", ""},
		{"config/sidekiq.yml", ":concurrency: 5\n:queues:\n  - default\n", ""},
		{"config/database.yml", "production:\n  pool: [5\n", "did not find expected"},
		{"config/database.yml", "production:\n  pool: <%= Octopus.config %>\n", "cannot render outside the app"},
	}
	for _, tt := range tests {
		err := ruby.check(rubyKindOf(tt.rel), writeOriginal(t, tt.rel, tt.text))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %q: %v", tt.rel, tt.text, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %q: error %v, want one with %q", tt.rel, tt.text, err, tt.want)
		}
	}
}
