package rules_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

var forkRules = []string{
	"unicorn-missing-disconnect", "unicorn-missing-reconnect",
	"puma-missing-disconnect", "puma-missing-reconnect",
	"redundant-fork-hook",
}

// copyTree copies the app at src into a new temp dir.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func lintRule(t *testing.T, root, rule string) []rules.Diagnostic {
	t.Helper()
	app, err := rails.Load(root, rails.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rules.Run(app, rules.Options{Select: []string{rule}})
}

// applyFixes applies every fix of ds to the files under root (edits of
// one file from the end, so offsets stay valid) and returns the files
// changed.
func applyFixes(t *testing.T, root string, ds []rules.Diagnostic) []string {
	t.Helper()
	byFile := map[string][]fixer.Edit{}
	for _, d := range ds {
		if d.Fix == nil {
			continue
		}
		for _, e := range d.Fix.Edits {
			byFile[e.File] = append(byFile[e.File], e)
		}
	}
	var changed []string
	for file, edits := range byFile {
		p := filepath.Join(root, filepath.FromSlash(file))
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
		for i, e := range edits {
			if i > 0 && e.End > edits[i-1].Start {
				t.Fatalf("%s: overlapping edits %+v and %+v", file, e, edits[i-1])
			}
			src = append(src[:e.Start:e.Start], append([]byte(e.NewText), src[e.End:]...)...)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		changed = append(changed, file)
	}
	sort.Strings(changed)
	return changed
}

// TestForkFixes applies each fork rule's fixes to every fork_ case and
// checks the result parses, the rule no longer fires, and nothing is left
// to fix (so --fix twice changes nothing the second time).
func TestForkFixes(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(appsDir, "fork_*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range cases {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() || strings.HasSuffix(dir, ".fixed") {
			continue
		}
		for _, rule := range forkRules {
			ds := lintRule(t, dir, rule)
			fixable := 0
			for _, d := range ds {
				if d.Fix != nil {
					fixable++
				}
			}
			if fixable == 0 {
				continue
			}
			t.Run(filepath.Base(dir)+"/"+rule, func(t *testing.T) {
				root := copyTree(t, dir)
				for _, file := range applyFixes(t, root, ds) {
					src, err := os.ReadFile(filepath.Join(root, file))
					if err != nil {
						t.Fatal(err)
					}
					r, err := parser.ParseRuby(parser.NewFile(file, file, src))
					if err != nil || r.HasErrors {
						t.Fatalf("%s does not parse after the fix:\n%s", file, src)
					}
				}
				after := lintRule(t, root, rule)
				for _, d := range after {
					t.Errorf("still fires after the fix: %s:%d: %s", d.Span.File, d.Span.Start.Line, d.Message)
				}
			})
		}
	}
}

// fixedText lints src as the given config file of an app with lock, applies
// rule's fixes, and returns the file.
func fixedText(t *testing.T, lock map[string]string, file, src, rule string) string {
	t.Helper()
	root := t.TempDir()
	specs := ""
	for gem, ver := range lock {
		specs += "    " + gem + " (" + ver + ")\n"
	}
	files := map[string]string{
		"Gemfile":             "gem 'rails'\n",
		"Gemfile.lock":        "GEM\n  remote: https://rubygems.org/\n  specs:\n" + specs + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: 2\n",
		file:                  src,
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	applyFixes(t, root, lintRule(t, root, rule))
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	unicornLock = map[string]string{"activerecord": "4.2.11", "rails": "4.2.11", "unicorn": "5.4.1"}
	pumaLock    = map[string]string{"activerecord": "5.0.7.2", "rails": "5.0.7.2", "puma": "3.12.6"}
	// A worker re-establishes nothing by itself only before Rails 4.0.
	unicornRails32Lock = map[string]string{"activerecord": "3.2.22.5", "rails": "3.2.22.5", "unicorn": "5.4.1"}
)

func TestForkFixText(t *testing.T) {
	tests := []struct {
		name       string
		lock       map[string]string
		file, rule string
		src, want  string
	}{
		{
			name: "new before_fork after preload_app", lock: unicornLock, file: "config/unicorn.rb", rule: "unicorn-missing-disconnect",
			src:  "worker_processes 3\npreload_app true\ntimeout 15\n",
			want: "worker_processes 3\npreload_app true\n\nbefore_fork do |server, worker|\n  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)\nend\ntimeout 15\n",
		},
		{
			name: "new after_fork at the end", lock: unicornRails32Lock, file: "config/unicorn.rb", rule: "unicorn-missing-reconnect",
			src:  "preload_app true\ntimeout 15",
			want: "preload_app true\ntimeout 15\n\nafter_fork do |server, worker|\n  ActiveRecord::Base.establish_connection if defined?(ActiveRecord::Base)\nend\n",
		},
		{
			name: "after_fork goes after before_fork", lock: unicornRails32Lock, file: "config/unicorn.rb", rule: "unicorn-missing-reconnect",
			src:  "preload_app true\nbefore_fork do |s, w|\n  ActiveRecord::Base.connection.disconnect!\nend\ntimeout 15\n",
			want: "preload_app true\nbefore_fork do |s, w|\n  ActiveRecord::Base.connection.disconnect!\nend\n\nafter_fork do |server, worker|\n  ActiveRecord::Base.establish_connection if defined?(ActiveRecord::Base)\nend\ntimeout 15\n",
		},
		{
			name: "into the existing block, its indentation", lock: unicornLock, file: "config/unicorn.rb", rule: "unicorn-missing-disconnect",
			src:  "preload_app true\nbefore_fork do |server, worker|\n    Signal.trap('TERM') { }\nend\n",
			want: "preload_app true\nbefore_fork do |server, worker|\n    Signal.trap('TERM') { }\n    ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)\nend\n",
		},
		{
			name: "into a block holding only a comment", lock: unicornLock, file: "config/unicorn.rb", rule: "unicorn-missing-disconnect",
			src:  "preload_app true\nbefore_fork do |server, worker|\n  # other settings\nend\n",
			want: "preload_app true\nbefore_fork do |server, worker|\n  # other settings\n  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)\nend\n",
		},
		{
			name: "one-line brace block", lock: pumaLock, file: "config/puma.rb", rule: "puma-missing-disconnect",
			src:  "threads 5, 5\nworkers 2\npreload_app!\nbefore_fork { Rails.logger.info 'x' }\n",
			want: "threads 5, 5\nworkers 2\npreload_app!\nbefore_fork { Rails.logger.info 'x'; ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base) }\n",
		},
		{
			name: "CRLF and tabs kept", lock: pumaLock, file: "config/puma.rb", rule: "puma-missing-disconnect",
			src:  "threads 5, 5\r\nif true\r\n\tworkers 2\r\n\tpreload_app!\r\nend\r\n",
			want: "threads 5, 5\r\nif true\r\n\tworkers 2\r\n\tpreload_app!\r\n\r\n\tbefore_fork do\r\n\t\tActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)\r\n\tend\r\nend\r\n",
		},
		{
			name: "Puma 7 names the hook before_worker_boot", lock: map[string]string{"activerecord": "5.1.7", "rails": "5.1.7", "puma": "7.1.0"},
			file: "config/puma.rb", rule: "puma-missing-reconnect",
			src:  "workers 2\nbefore_fork do\n  ActiveRecord::Base.remove_connection\nend\n",
			want: "workers 2\nbefore_fork do\n  ActiveRecord::Base.remove_connection\nend\n\nbefore_worker_boot do\n  ActiveRecord::Base.establish_connection if defined?(ActiveRecord::Base)\nend\n",
		},
		{
			name: "redundant hook removed whole", lock: map[string]string{"activerecord": "6.1.7", "rails": "6.1.7", "unicorn": "6.1.0"},
			file: "config/unicorn.rb", rule: "redundant-fork-hook",
			src:  "preload_app true\n\nbefore_fork do |server, worker|\n  # other settings\n  if defined?(ActiveRecord::Base)\n    ActiveRecord::Base.connection.disconnect!\n  end\nend\n\ntimeout 15\n",
			want: "preload_app true\n\ntimeout 15\n", // one blank line between the blocks, as before
		},
		{
			name: "redundant lines removed, the rest kept", lock: map[string]string{"activerecord": "7.2.2", "rails": "7.2.2", "puma": "6.6.1"},
			file: "config/puma.rb", rule: "redundant-fork-hook",
			src:  "workers 2\non_worker_boot do\n  Sidekiq.redis(&:close)\n  ActiveRecord::Base.establish_connection if defined?(ActiveRecord) # not needed on 5.2+\nend\n",
			want: "workers 2\non_worker_boot do\n  Sidekiq.redis(&:close)\nend\n",
		},
		{
			name: "redundant hook with a modifier removed", lock: map[string]string{"activerecord": "7.2.2", "rails": "7.2.2", "puma": "6.6.1"},
			file: "config/puma.rb", rule: "redundant-fork-hook",
			src:  "workers 2\nbefore_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\nend if ENV['WEB_CONCURRENCY']\nport 3000\n",
			want: "workers 2\nport 3000\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fixedText(t, tt.lock, tt.file, tt.src, tt.rule)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fixed file differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReconnectFixSafety: before Rails 4.1 a bare establish_connection
// drops a pool an initializer set, so the fix is offered as unsafe only.
// The before_fork removes the connection, so the worker must re-establish
// it on every version before 5.2 (an error each time).
func TestReconnectFixSafety(t *testing.T) {
	for _, tc := range []struct {
		rails string
		safe  bool
	}{{"3.2.22", false}, {"4.0.13", false}, {"4.1.16", true}, {"5.1.7", true}} {
		root := t.TempDir()
		for rel, content := range map[string]string{
			"Gemfile":           "gem 'rails'\n",
			"Gemfile.lock":      "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (" + tc.rails + ")\n    unicorn (5.4.1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  unicorn\n",
			"config/unicorn.rb": "preload_app true\nbefore_fork do |s, w|\n  ActiveRecord::Base.remove_connection\nend\n",
		} {
			p := filepath.Join(root, filepath.FromSlash(rel))
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ds := lintRule(t, root, "unicorn-missing-reconnect")
		if len(ds) != 1 || ds[0].Fix == nil {
			t.Fatalf("Rails %s: want one fixable diagnostic, got %+v", tc.rails, ds)
		}
		if ds[0].Fix.Safe != tc.safe {
			t.Errorf("Rails %s: fix safe = %v, want %v", tc.rails, ds[0].Fix.Safe, tc.safe)
		}
		if ds[0].Severity != rules.Error {
			t.Errorf("Rails %s: severity %s, want error", tc.rails, ds[0].Severity)
		}
	}
}

// TestForkFixesTogether fixes every fork rule at once, pass after pass as
// --fix does (an edit that overlaps or shares its place with an earlier
// one waits for the next pass), and checks the app ends clean.
func TestForkFixesTogether(t *testing.T) {
	for _, name := range []string{"fork_unicorn_no_hooks", "fork_puma_no_hooks", "fork_puma7_default_preload", "fork_unicorn_hooks_without_ar"} {
		t.Run(name, func(t *testing.T) {
			root := copyTree(t, filepath.Join(appsDir, name))
			for pass := 0; pass < 4; pass++ {
				var ds []rules.Diagnostic
				taken := map[string][][2]int{}
				for _, rule := range forkRules {
					for _, d := range lintRule(t, root, rule) {
						if d.Fix == nil || !d.Fix.Safe || !claim(taken, d.Fix.Edits) {
							continue
						}
						ds = append(ds, d)
					}
				}
				if len(ds) == 0 {
					break
				}
				applyFixes(t, root, ds)
			}
			for _, rule := range forkRules {
				for _, d := range lintRule(t, root, rule) {
					t.Errorf("%s still fires: %s", rule, d.Message)
				}
			}
		})
	}
}

// claim reserves the byte ranges of edits, failing when one touches a
// range already taken in this pass.
func claim(taken map[string][][2]int, edits []fixer.Edit) bool {
	for _, e := range edits {
		for _, r := range taken[e.File] {
			if e.Start <= r[1] && r[0] <= e.End {
				return false
			}
		}
	}
	for _, e := range edits {
		taken[e.File] = append(taken[e.File], [2]int{e.Start, e.End})
	}
	return true
}
