// Tests for forms of reference/real-world-syntax.md that the rw_ golden
// cases (testdata/apps/rw_*) found misread.
package rails

import (
	"testing"

	"github.com/poollint/poollint/parser"
)

// TestCaseBranchConditions checks that a DSL call inside a case/when
// applies only when the subject matches the branch's patterns, and one in
// the else branch only when none matches (real-world-syntax 2c:
// `case workers_count = Integer(ENV.fetch("WEB_CONCURRENCY", 2)) when (2..)`).
func TestCaseBranchConditions(t *testing.T) {
	src := `case workers_count = Integer(ENV.fetch("WEB_CONCURRENCY", 2))
when (2..)
  workers workers_count
when 1, 0
  workers 1
else
  workers 0
end

case ENV["RAILS_ENV"]
when "production", "staging"
  preload_app!
end

case Integer(ENV.fetch("N", 1))
when 1...3
  threads 1, 8
end

case Etc.nprocessors
when 1
  max_io_threads 4
end
`
	f := parser.NewFile("config/puma.rb", "config/puma.rb", []byte(src))
	r, err := parser.ParseRuby(f)
	if err != nil || r.HasErrors {
		t.Fatalf("parse: %v %v", err, r.FirstError)
	}
	pc := readPuma(f, r)
	tests := []struct {
		vars    map[string]string
		workers int
		preload bool
		threads bool // `threads 1, 8` applies (N in 1...3)
	}{
		{vars: map[string]string{}, workers: 2, threads: true},
		{vars: map[string]string{"WEB_CONCURRENCY": "6", "N": "2"}, workers: 6, threads: true},
		{vars: map[string]string{"WEB_CONCURRENCY": "1", "N": "3"}, workers: 1},
		{vars: map[string]string{"WEB_CONCURRENCY": "0", "N": "0"}, workers: 1},
		{vars: map[string]string{"WEB_CONCURRENCY": "-1", "RAILS_ENV": "staging"}, workers: 0, preload: true, threads: true},
		{vars: map[string]string{"RAILS_ENV": "development"}, workers: 2, threads: true},
	}
	for _, tt := range tests {
		env := Env{Vars: tt.vars}
		g := lastApplying(pc.Workers, env)
		if g == nil {
			t.Fatalf("%v: no workers call applies", tt.vars)
		}
		if r := g.Value.Eval(env); r.Kind != RInt || r.Int != tt.workers {
			t.Errorf("%v: workers = %+v, want %d", tt.vars, r, tt.workers)
		}
		if got := lastApplying(pc.Preload, env) != nil; got != tt.preload {
			t.Errorf("%v: preload applies = %v, want %v", tt.vars, got, tt.preload)
		}
		if got := lastApplying(pc.Threads, env) != nil; got != tt.threads {
			t.Errorf("%v: threads applies = %v, want %v", tt.vars, got, tt.threads)
		}
		// A subject poollint cannot evaluate leaves the branch applying:
		// the setting is written to be used.
		if lastApplying(pc.MaxIOThreads, env) == nil {
			t.Errorf("%v: max_io_threads under an unknown case subject does not apply", tt.vars)
		}
	}
}

// TestPumaThreadsDelegated checks that a config handing itself to a gem
// (GovukPuma.configure_rails(self), real-world-syntax 2c) leaves the
// threads unknown, not Puma's default, unless a threads call follows it.
func TestPumaThreadsDelegated(t *testing.T) {
	tests := []struct {
		config string
		known  bool
		max    int
	}{
		{config: "require \"govuk_app_config/govuk_puma\"\nGovukPuma.configure_rails(self)\n"},
		{config: "threads 1, 8\nGovukPuma.configure_rails(self)\n"},
		{config: "GovukPuma.configure_rails(self)\nthreads 1, 8\n", known: true, max: 8},
		{config: "port 3000\n", known: true, max: 5},
	}
	for _, tt := range tests {
		app := loadTree(t, map[string]string{
			"Gemfile.lock":   lockfile("activerecord", "7.1.3", "puma", "6.4.2", "rails", "7.1.3"),
			"config/puma.rb": tt.config,
		})
		th := app.PumaThreads(app.ProcessesOf(PumaProcess)[0])
		if th.Known != tt.known || (tt.known && th.Max != tt.max) {
			t.Errorf("%q: threads %+v, want known=%v max=%d", tt.config, th, tt.known, tt.max)
		}
	}
}

// TestBundleExecOfUnlockedServer checks that a Procfile line starting a
// server through bundle exec whose gem is not locked is not modelled as
// that server (it cannot start; real-world-syntax 2d "dead unicorn
// files"), and that poollint says so.
func TestBundleExecOfUnlockedServer(t *testing.T) {
	tests := []struct {
		procfile string
		kind     ProcessKind
		problem  bool
	}{
		{procfile: "web: bundle exec unicorn -p $PORT -c ./config/unicorn.rb\n", kind: OtherProcess, problem: true},
		{procfile: "web: bundle exec puma -C config/puma.rb\n", kind: PumaProcess},
		{procfile: "web: unicorn -c config/unicorn.rb\n", kind: UnicornProcess}, // a gem installed outside the bundle may run
		{procfile: "worker: bundle exec sidekiq -c 5\n", kind: OtherProcess, problem: true},
	}
	for _, tt := range tests {
		app := loadTree(t, map[string]string{
			"Gemfile.lock": lockfile("activerecord", "4.2.11", "puma", "3.12.6", "rails", "4.2.11"),
			"Procfile":     tt.procfile,
		})
		if got := app.Processes[0].Kind; got != tt.kind {
			t.Errorf("%q: kind %v, want %v", tt.procfile, got, tt.kind)
		}
		found := false
		for _, p := range app.Problems {
			if p.Span.File == "Procfile" && p.Assumed {
				found = true
			}
		}
		if found != tt.problem {
			t.Errorf("%q: problem reported = %v, want %v (%+v)", tt.procfile, found, tt.problem, app.Problems)
		}
	}
}

// TestSidekiqConcurrencyUnreadable checks that Sidekiq's default is not
// assumed when the config file Sidekiq reads says something poollint
// cannot read (real-world-syntax 2a/2e): invalid YAML, a key ERB writes
// twice under if/else, an assignment in Ruby under a guard that is false.
func TestSidekiqConcurrencyUnreadable(t *testing.T) {
	lock := lockfile("activerecord", "6.1.7", "rails", "6.1.7", "sidekiq", "6.5.12")
	tests := []struct {
		name  string
		files map[string]string
		known bool
		max   int
	}{
		{name: "invalid YAML", files: map[string]string{"config/sidekiq.yml": "--\n:concurrency: 5\n"}},
		{name: "invalid sample", files: map[string]string{"config/sidekiq.yml.example": "--\n:concurrency: 5\n"}},
		// Undecided conditions: the worst branch (the most threads).
		{name: "if/else copies", known: true, max: 20, files: map[string]string{"config/sidekiq.yml": "<% if ENV['X'] %>\n:concurrency: 20\n<% else %>\n:concurrency: 5\n<% end %>\n"}},
		{name: "key ERB writes", known: true, max: 20, files: map[string]string{"config/sidekiq.yml": ":queues:\n  - default\n<% if ENV['X'] %>\n<%= ':concurrency: 20' %>\n<% end %>\n"}},
		{name: "key ERB may write", files: map[string]string{"config/sidekiq.yml": ":queues:\n  - default\n<% if ENV['X'] %>\n<%= AppConfig.sidekiq_yaml %>\n<% end %>\n"}},
		{name: "static file", files: map[string]string{"config/sidekiq.yml": ":concurrency: 7\n"}, known: true, max: 7},
		{name: "no file", files: map[string]string{}, known: true, max: 10},
		{name: "guarded Ruby assignment", known: true, max: 7, files: map[string]string{
			"config/sidekiq.yml":             ":concurrency: 7\n",
			"config/initializers/sidekiq.rb": "Sidekiq.configure_server do |config|\n  config.options[:concurrency] = ENV[\"CONCURRENCY\"].to_i if ENV[\"CONCURRENCY\"]\nend\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["Gemfile.lock"] = lock
			app := loadTree(t, tt.files)
			c := app.SidekiqConcurrency(app.ProcessesOf(SidekiqProcess)[0])
			if c.Known != tt.known || (tt.known && c.Max != tt.max) {
				t.Errorf("concurrency %+v, want known=%v max=%d", c, tt.known, tt.max)
			}
		})
	}
}

// TestHookDelegates checks which calls into code poollint does not read
// make a fork hook unjudgeable (real-world-syntax 2c "app wrappers").
func TestHookDelegates(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{body: "Gitlab::Cluster::LifecycleEvents.do_before_fork", want: true},
		{body: "ImpactPlatform::MySQL.reconnect!(4 * 5)", want: true},
		{body: "Discourse.after_fork", want: true},
		{body: "Redis.current.client.reconnect"},
		{body: "Resque.redis.client.reconnect"},
		{body: "Rails.cache.reconnect"},
		{body: "Sidekiq.redis(&:close)"},
		{body: "Process.kill 'QUIT', Process.pid"},
		{body: "ActiveRecord::Base.connection.disconnect!"},
		{body: "reconnect_everything"}, // no receiver: a local helper, read as code
	}
	for _, tt := range tests {
		h := unicornHooks(t, "after_fork do |server, worker|\n  "+tt.body+"\nend\n")["after_fork"]
		if got := h.Delegates(); got != tt.want {
			t.Errorf("%q: Delegates() = %v, want %v", tt.body, got, tt.want)
		}
	}
}
