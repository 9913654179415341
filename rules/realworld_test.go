package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poollint/poollint/rails"
)

// Tests for rule behaviour the rw_ golden cases (testdata/apps/rw_*, forms
// of reference/real-world-syntax.md) found wrong.

// loadFiles writes files to a temporary app root and loads it.
func loadFiles(t *testing.T, files map[string]string) *rails.App {
	t.Helper()
	root := t.TempDir()
	files["Gemfile"] = "gem 'rails'\n"
	for rel, text := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app, err := rails.Load(root, rails.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func lockOf(pairs ...string) string {
	s := "GEM\n  remote: https://rubygems.org/\n  specs:\n"
	for i := 0; i+1 < len(pairs); i += 2 {
		s += "    " + pairs[i] + " (" + pairs[i+1] + ")\n"
	}
	return s + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n"
}

// TestPoolNotTiedSaysWhatWasAssumed: `pool: <%= ENV['DB_POOL_SIZE'] %>`
// is 5 only because DB_POOL_SIZE is unset, and the message must say so
// (RULES.md: "the message says so").
func TestPoolNotTiedSaysWhatWasAssumed(t *testing.T) {
	app := loadFiles(t, map[string]string{
		"Gemfile.lock":        lockOf("activerecord", "8.0.2", "puma", "6.6.0", "rails", "8.0.2"),
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV['DB_POOL_SIZE'] %>\n",
		"config/puma.rb":      "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\", 3)\nthreads threads_count, threads_count\n",
	})
	ds := poolNotTiedToThreads().Check(app)
	if len(ds) != 1 {
		t.Fatalf("%d diagnostics, want 1: %+v", len(ds), ds)
	}
	if msg := ds[0].Message; !strings.HasSuffix(msg, "(with DB_POOL_SIZE unset)") || strings.Contains(msg, "RAILS_MAX_THREADS unset") {
		t.Errorf("message %q: want it to end with the pool's unset variable only", msg)
	}
}

// TestUnicornPoolOversizedKeepsAPoolSidekiqMayNeed: the Unicorn advice to
// lower the pool is wrong when a Sidekiq process shares the config and
// its concurrency cannot be read (diaspora: `:concurrency: <%=
// AppConfig.environment.sidekiq.concurrency.to_i %>`).
func TestUnicornPoolOversizedKeepsAPoolSidekiqMayNeed(t *testing.T) {
	files := func(concurrency string) map[string]string {
		return map[string]string{
			"Gemfile.lock":        lockOf("activerecord", "6.1.7", "rails", "6.1.7", "sidekiq", "6.5.12", "unicorn", "6.1.0"),
			"config/database.yml": "production:\n  adapter: postgresql\n",
			"config/unicorn.rb":   "worker_processes 3\n",
			"config/sidekiq.yml":  ":concurrency: " + concurrency + "\n",
		}
	}
	if ds := unicornPoolOversized().Check(loadFiles(t, files("<%= AppConfig.environment.sidekiq.concurrency.to_i %>"))); len(ds) != 0 {
		t.Errorf("unknown Sidekiq concurrency: %d diagnostics, want none: %s", len(ds), ds[0].Message)
	}
	if ds := unicornPoolOversized().Check(loadFiles(t, files("2"))); len(ds) != 1 {
		t.Errorf("Sidekiq needing 2: %d diagnostics, want the advice", len(ds))
	}
}

// TestForkHookCallingAppCode: a before_fork that hands the fork to app
// code (GitLab's LifecycleEvents) may well disconnect; poollint cannot
// tell, so it must not report a missing disconnect.
func TestForkHookCallingAppCode(t *testing.T) {
	puma := func(body string) map[string]string {
		return map[string]string{
			"Gemfile.lock":        lockOf("activerecord", "5.0.7", "puma", "3.12.6", "rails", "5.0.7"),
			"config/database.yml": "production:\n  adapter: postgresql\n",
			"config/puma.rb":      "workers 3\npreload_app!\nbefore_fork do\n  " + body + "\nend\n",
		}
	}
	if ds := pumaMissingDisconnect().Check(loadFiles(t, puma("Gitlab::Cluster::LifecycleEvents.do_before_fork"))); len(ds) != 0 {
		t.Errorf("app code in before_fork: %d diagnostics, want none: %s", len(ds), ds[0].Message)
	}
	if ds := pumaMissingDisconnect().Check(loadFiles(t, puma("Redis.current.client.reconnect"))); len(ds) != 1 {
		t.Errorf("a Redis reconnect only: %d diagnostics, want the missing disconnect", len(ds))
	}
}
