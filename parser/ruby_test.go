package parser

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseRubyString parses src as the app file config/puma.rb.
func parseRubyString(t testing.TB, src string) *RubyFile {
	t.Helper()
	r, err := ParseRuby(NewFile("config/puma.rb", "/app/config/puma.rb", []byte(src)))
	if err != nil {
		t.Fatalf("ParseRuby: %v", err)
	}
	return r
}

// callView is what a test compares of a Call: texts instead of nodes.
type callView struct {
	Method   string
	Receiver string
	Args     []string
	Block    string   // "do_block", "block" or ""
	Body     []string // BlockBody texts
	Guard    string
	Negated  bool
	Line     int
}

func viewCalls(r *RubyFile, calls []Call) []callView {
	var out []callView
	for _, c := range calls {
		v := callView{
			Method:   c.Method,
			Receiver: r.ReceiverText(c),
			Guard:    r.Text(c.Guard),
			Negated:  c.GuardNegated,
			Line:     r.Span(c.Node).Start.Line,
		}
		for _, a := range c.Args {
			v.Args = append(v.Args, r.Text(a))
		}
		if c.Block != nil {
			v.Block = c.Block.Type()
		}
		for _, s := range c.BlockBody {
			v.Body = append(v.Body, r.Text(s))
		}
		out = append(out, v)
	}
	return out
}

// fixture turns a Ruby fixture written in a Go raw string back into the
// real text: Go raw strings cannot hold a backtick, so the fixtures below
// write the backticks of the Rails comments as ´.
func fixture(s string) string { return strings.ReplaceAll(s, "´", "`") }

// Rails 5.0 (railties templates/config/puma.rb @ v5.0.7.2)
var pumaRails50 = fixture(`# Puma can serve each request in a thread from an internal thread pool.
# The ´threads´ method setting takes two numbers a minimum and maximum.
# Any libraries that use thread pools should be configured to match
# the maximum value specified for Puma. Default is set to 5 threads for minimum
# and maximum, this matches the default thread size of Active Record.
#
threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }.to_i
threads threads_count, threads_count

# Specifies the ´port´ that Puma will listen on to receive requests, default is 3000.
#
port        ENV.fetch("PORT") { 3000 }

# Specifies the ´environment´ that Puma will run in.
#
environment ENV.fetch("RAILS_ENV") { "development" }

# Specifies the number of ´workers´ to boot in clustered mode.
# Workers are forked webserver processes. If using threads and workers together
# the concurrency of the application would be max ´threads´ * ´workers´.
# Workers do not work on JRuby or Windows (both of which do not support
# processes).
#
# workers ENV.fetch("WEB_CONCURRENCY") { 2 }

# Use the ´preload_app!´ method when specifying a ´workers´ number.
# This directive tells Puma to first boot the application and load code
# before forking the application. This takes advantage of Copy On Write
# process behavior so workers use less memory. If you use this option
# you need to make sure to reconnect any threads in the ´on_worker_boot´
# block.
#
# preload_app!

# The code in the ´on_worker_boot´ will be called if you are using
# clustered mode by specifying a number of ´workers´. After each worker
# process is booted this block will be run, if you are using ´preload_app!´
# option you will want to use this block to reconnect to any threads
# or connections that may have been created at application boot, Ruby
# cannot share connections between processes.
#
# on_worker_boot do
#   ActiveRecord::Base.establish_connection if defined?(ActiveRecord)
# end

# Allow puma to be restarted by ´rails restart´ command.
plugin :tmp_restart
`)

// Rails 5.1 (@ v5.1.7)
var pumaRails51 = fixture(`# Puma can serve each request in a thread from an internal thread pool.
# The ´threads´ method setting takes two numbers: a minimum and maximum.
# Any libraries that use thread pools should be configured to match
# the maximum value specified for Puma. Default is set to 5 threads for minimum
# and maximum; this matches the default thread size of Active Record.
#
threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
threads threads_count, threads_count

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
#
port        ENV.fetch("PORT") { 3000 }

# Specifies the ´environment´ that Puma will run in.
#
environment ENV.fetch("RAILS_ENV") { "development" }

# Specifies the number of ´workers´ to boot in clustered mode.
# Workers are forked webserver processes. If using threads and workers together
# the concurrency of the application would be max ´threads´ * ´workers´.
# Workers do not work on JRuby or Windows (both of which do not support
# processes).
#
# workers ENV.fetch("WEB_CONCURRENCY") { 2 }

# Use the ´preload_app!´ method when specifying a ´workers´ number.
# This directive tells Puma to first boot the application and load code
# before forking the application. This takes advantage of Copy On Write
# process behavior so workers use less memory. If you use this option
# you need to make sure to reconnect any threads in the ´on_worker_boot´
# block.
#
# preload_app!

# If you are preloading your application and using Active Record, it's
# recommended that you close any connections to the database before workers
# are forked to prevent connection leakage.
#
# before_fork do
#   ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord)
# end

# The code in the ´on_worker_boot´ will be called if you are using
# clustered mode by specifying a number of ´workers´. After each worker
# process is booted, this block will be run. If you are using the ´preload_app!´
# option, you will want to use this block to reconnect to any threads
# or connections that may have been created at application boot, as Ruby
# cannot share connections between processes.
#
# on_worker_boot do
#   ActiveRecord::Base.establish_connection if defined?(ActiveRecord)
# end
#

# Allow puma to be restarted by ´rails restart´ command.
plugin :tmp_restart
`)

// Rails 6.0 (@ v6.0.6.1)
var pumaRails60 = fixture(`# Puma can serve each request in a thread from an internal thread pool.
# The ´threads´ method setting takes two numbers: a minimum and maximum.
# Any libraries that use thread pools should be configured to match
# the maximum value specified for Puma. Default is set to 5 threads for minimum
# and maximum; this matches the default thread size of Active Record.
#
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
#
port        ENV.fetch("PORT") { 3000 }

# Specifies the ´environment´ that Puma will run in.
#
environment ENV.fetch("RAILS_ENV") { "development" }

# Specifies the ´pidfile´ that Puma will use.
pidfile ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }

# Specifies the number of ´workers´ to boot in clustered mode.
# Workers are forked web server processes. If using threads and workers together
# the concurrency of the application would be max ´threads´ * ´workers´.
# Workers do not work on JRuby or Windows (both of which do not support
# processes).
#
# workers ENV.fetch("WEB_CONCURRENCY") { 2 }

# Use the ´preload_app!´ method when specifying a ´workers´ number.
# This directive tells Puma to first boot the application and load code
# before forking the application. This takes advantage of Copy On Write
# process behavior so workers use less memory.
#
# preload_app!

# Allow puma to be restarted by ´rails restart´ command.
plugin :tmp_restart
`)

// Rails 7.1.0 – 7.1.3.4 (puma.rb.tt @ v7.1.0; facts.md §2.5)
var pumaRails710 = fixture(`# This configuration file will be evaluated by Puma. The top-level methods that
# are invoked here are part of Puma's configuration DSL. For more information
# about methods provided by the DSL, see https://puma.io/puma/Puma/DSL.html.

# Puma can serve each request in a thread from an internal thread pool.
# The ´threads´ method setting takes two numbers: a minimum and maximum.
# Any libraries that use thread pools should be configured to match
# the maximum value specified for Puma. Default is set to 5 threads for minimum
# and maximum; this matches the default thread size of Active Record.
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

# Specifies that the worker count should equal the number of processors in production.
if ENV["RAILS_ENV"] == "production"
  require "concurrent-ruby"
  worker_count = Integer(ENV.fetch("WEB_CONCURRENCY") { Concurrent.physical_processor_count })
  workers worker_count if worker_count > 1
end

# Specifies the ´worker_timeout´ threshold that Puma will use to wait before
# terminating a worker in development environments.
worker_timeout 3600 if ENV.fetch("RAILS_ENV", "development") == "development"

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
port ENV.fetch("PORT") { 3000 }

# Specifies the ´environment´ that Puma will run in.
environment ENV.fetch("RAILS_ENV") { "development" }

# Specifies the ´pidfile´ that Puma will use.
pidfile ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }

# Allow puma to be restarted by ´bin/rails restart´ command.
plugin :tmp_restart
`)

// Rails 7.1.4 – 7.1.6 (@ v7.1.5.2; facts.md §2.5)
var pumaRails714 = fixture(`# This configuration file will be evaluated by Puma. The top-level methods that
# are invoked here are part of Puma's configuration DSL. For more information
# about methods provided by the DSL, see https://puma.io/puma/Puma/DSL.html.

# Puma can serve each request in a thread from an internal thread pool.
# The ´threads´ method setting takes two numbers: a minimum and maximum.
# Any libraries that use thread pools should be configured to match
# the maximum value specified for Puma. Default is set to 5 threads for minimum
# and maximum; this matches the default thread size of Active Record.
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

rails_env = ENV.fetch("RAILS_ENV") { "development" }

if rails_env == "production"
  # If you are running more than 1 thread per process, the workers count
  # should be equal to the number of processors (CPU cores) in production.
  #
  # It defaults to 1 because it's impossible to reliably detect how many
  # CPU cores are available. Make sure to set the ´WEB_CONCURRENCY´ environment
  # variable to match the number of processors.
  worker_count = Integer(ENV.fetch("WEB_CONCURRENCY") { 1 })
  if worker_count > 1
    workers worker_count
  else
    preload_app!
  end
end
# Specifies the ´worker_timeout´ threshold that Puma will use to wait before
# terminating a worker in development environments.
worker_timeout 3600 if ENV.fetch("RAILS_ENV", "development") == "development"

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
port ENV.fetch("PORT") { 3000 }

# Specifies the ´environment´ that Puma will run in.
environment rails_env

# Specifies the ´pidfile´ that Puma will use.
pidfile ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }

# Allow puma to be restarted by ´bin/rails restart´ command.
plugin :tmp_restart
`)

// Rails 7.2.1 – 7.2.3 (@ v7.2.2.2; facts.md §2.5)
var pumaRails72 = fixture(`# This configuration file will be evaluated by Puma. The top-level methods that
# are invoked here are part of Puma's configuration DSL. For more information
# about methods provided by the DSL, see https://puma.io/puma/Puma/DSL.html.

# Puma starts a configurable number of processes (workers) and each process
# serves each request in a thread from an internal thread pool.
#
# The ideal number of threads per worker depends both on how much time the
# application spends waiting for IO operations and on how much you wish to
# to prioritize throughput over latency.
#
# As a rule of thumb, increasing the number of threads will increase how much
# traffic a given process can handle (throughput), but due to CRuby's
# Global VM Lock (GVL) it has diminishing returns and will degrade the
# response time (latency) of the application.
#
# The default is set to 3 threads as it's deemed a decent compromise between
# throughput and latency for the average Rails application.
#
# Any libraries that use a connection pool or another resource pool should
# be configured to provide at least as many connections as the number of
# threads. This includes Active Record's ´pool´ parameter in ´database.yml´.
threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)
threads threads_count, threads_count

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
port ENV.fetch("PORT", 3000)

# Allow puma to be restarted by ´bin/rails restart´ command.
plugin :tmp_restart

# Specify the PID file. Defaults to tmp/pids/server.pid in development.
# In other environments, only set the PID file if requested.
pidfile ENV["PIDFILE"] if ENV["PIDFILE"]
`)

// Rails 8.0 (@ v8.0.3; facts.md §2.5), rendered without --skip-solid
var pumaRails80 = fixture(`# This configuration file will be evaluated by Puma. The top-level methods that
# are invoked here are part of Puma's configuration DSL. For more information
# about methods provided by the DSL, see https://puma.io/puma/Puma/DSL.html.
#
# Puma starts a configurable number of processes (workers) and each process
# serves each request in a thread from an internal thread pool.
#
# You can control the number of workers using ENV["WEB_CONCURRENCY"]. You
# should only set this value when you want to run 2 or more workers. The
# default is already 1.
#
# The ideal number of threads per worker depends both on how much time the
# application spends waiting for IO operations and on how much you wish to
# prioritize throughput over latency.
#
# As a rule of thumb, increasing the number of threads will increase how much
# traffic a given process can handle (throughput), but due to CRuby's
# Global VM Lock (GVL) it has diminishing returns and will degrade the
# response time (latency) of the application.
#
# The default is set to 3 threads as it's deemed a decent compromise between
# throughput and latency for the average Rails application.
#
# Any libraries that use a connection pool or another resource pool should
# be configured to provide at least as many connections as the number of
# threads. This includes Active Record's ´pool´ parameter in ´database.yml´.
threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)
threads threads_count, threads_count

# Specifies the ´port´ that Puma will listen on to receive requests; default is 3000.
port ENV.fetch("PORT", 3000)

# Allow puma to be restarted by ´bin/rails restart´ command.
plugin :tmp_restart

# Run the Solid Queue supervisor inside of Puma for single-server deployments
plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]

# Specify the PID file. Defaults to tmp/pids/server.pid in development.
# In other environments, only set the PID file if requested.
pidfile ENV["PIDFILE"] if ENV["PIDFILE"]
`)

func TestTopLevelCallsOfGeneratedPuma(t *testing.T) {
	fetchPort := `ENV.fetch("PORT") { 3000 }`
	fetchEnv := `ENV.fetch("RAILS_ENV") { "development" }`
	fetchPid := `ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }`
	devOnly := `ENV.fetch("RAILS_ENV", "development") == "development"`
	tests := []struct {
		name    string
		src     string
		want    []callView
		threads map[string]string // local variable → value text of its single assignment
	}{
		{
			name: "rails 5.0", src: pumaRails50,
			want: []callView{
				{Method: "threads", Args: []string{"threads_count", "threads_count"}, Line: 8},
				{Method: "port", Args: []string{fetchPort}, Line: 12},
				{Method: "environment", Args: []string{fetchEnv}, Line: 16},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 47},
			},
			threads: map[string]string{"threads_count": `ENV.fetch("RAILS_MAX_THREADS") { 5 }.to_i`},
		},
		{
			name: "rails 5.1", src: pumaRails51,
			want: []callView{
				{Method: "threads", Args: []string{"threads_count", "threads_count"}, Line: 8},
				{Method: "port", Args: []string{fetchPort}, Line: 12},
				{Method: "environment", Args: []string{fetchEnv}, Line: 16},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 56},
			},
			threads: map[string]string{"threads_count": `ENV.fetch("RAILS_MAX_THREADS") { 5 }`},
		},
		{
			name: "rails 6.0", src: pumaRails60,
			want: []callView{
				{Method: "threads", Args: []string{"min_threads_count", "max_threads_count"}, Line: 9},
				{Method: "port", Args: []string{fetchPort}, Line: 13},
				{Method: "environment", Args: []string{fetchEnv}, Line: 17},
				{Method: "pidfile", Args: []string{fetchPid}, Line: 20},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 38},
			},
			threads: map[string]string{
				"max_threads_count": `ENV.fetch("RAILS_MAX_THREADS") { 5 }`,
				"min_threads_count": `ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }`,
			},
		},
		{
			name: "rails 7.1.0", src: pumaRails710,
			want: []callView{
				{Method: "threads", Args: []string{"min_threads_count", "max_threads_count"}, Line: 12},
				{Method: "require", Args: []string{`"concurrent-ruby"`}, Line: 16},
				{Method: "workers", Args: []string{"worker_count"}, Guard: "worker_count > 1", Line: 18},
				{Method: "worker_timeout", Args: []string{"3600"}, Guard: devOnly, Line: 23},
				{Method: "port", Args: []string{fetchPort}, Line: 26},
				{Method: "environment", Args: []string{fetchEnv}, Line: 29},
				{Method: "pidfile", Args: []string{fetchPid}, Line: 32},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 35},
			},
			threads: map[string]string{
				"max_threads_count": `ENV.fetch("RAILS_MAX_THREADS") { 5 }`,
				"min_threads_count": `ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }`,
				"worker_count":      `Integer(ENV.fetch("WEB_CONCURRENCY") { Concurrent.physical_processor_count })`,
			},
		},
		{
			name: "rails 7.1.4", src: pumaRails714,
			want: []callView{
				{Method: "threads", Args: []string{"min_threads_count", "max_threads_count"}, Line: 12},
				{Method: "workers", Args: []string{"worker_count"}, Line: 25},
				{Method: "preload_app!", Line: 27},
				{Method: "worker_timeout", Args: []string{"3600"}, Guard: devOnly, Line: 32},
				{Method: "port", Args: []string{fetchPort}, Line: 35},
				{Method: "environment", Args: []string{"rails_env"}, Line: 38},
				{Method: "pidfile", Args: []string{fetchPid}, Line: 41},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 44},
			},
			threads: map[string]string{
				"max_threads_count": `ENV.fetch("RAILS_MAX_THREADS") { 5 }`,
				"min_threads_count": `ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }`,
				"rails_env":         `ENV.fetch("RAILS_ENV") { "development" }`,
				"worker_count":      `Integer(ENV.fetch("WEB_CONCURRENCY") { 1 })`,
			},
		},
		{
			name: "rails 7.2", src: pumaRails72,
			want: []callView{
				{Method: "threads", Args: []string{"threads_count", "threads_count"}, Line: 24},
				{Method: "port", Args: []string{`ENV.fetch("PORT", 3000)`}, Line: 27},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 30},
				{Method: "pidfile", Args: []string{`ENV["PIDFILE"]`}, Guard: `ENV["PIDFILE"]`, Line: 34},
			},
			threads: map[string]string{"threads_count": `ENV.fetch("RAILS_MAX_THREADS", 3)`},
		},
		{
			name: "rails 8.0", src: pumaRails80,
			want: []callView{
				{Method: "threads", Args: []string{"threads_count", "threads_count"}, Line: 28},
				{Method: "port", Args: []string{`ENV.fetch("PORT", 3000)`}, Line: 31},
				{Method: "plugin", Args: []string{":tmp_restart"}, Line: 34},
				{Method: "plugin", Args: []string{":solid_queue"}, Guard: `ENV["SOLID_QUEUE_IN_PUMA"]`, Line: 37},
				{Method: "pidfile", Args: []string{`ENV["PIDFILE"]`}, Guard: `ENV["PIDFILE"]`, Line: 41},
			},
			threads: map[string]string{"threads_count": `ENV.fetch("RAILS_MAX_THREADS", 3)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each subtest has its own parser and tree
			r := parseRubyString(t, tt.src)
			if r.HasErrors {
				t.Fatalf("generated puma.rb has a syntax error at %v", r.FirstError)
			}
			if diff := cmp.Diff(tt.want, viewCalls(r, r.TopLevelCalls())); diff != "" {
				t.Errorf("TopLevelCalls() mismatch (-want +got):\n%s", diff)
			}
			// The commented-out hooks and `# workers ...` lines are not code:
			// searching the whole tree finds no more than the top level did.
			if got := r.Calls(r.Root, "on_worker_boot", "before_fork", "establish_connection"); len(got) != 0 {
				t.Errorf("Calls found commented-out hooks: %+v", viewCalls(r, got))
			}
			var wantDSL []callView
			for _, c := range tt.want {
				if c.Method == "workers" || c.Method == "preload_app!" {
					wantDSL = append(wantDSL, c)
				}
			}
			if diff := cmp.Diff(wantDSL, viewCalls(r, r.Calls(r.Root, "workers", "preload_app!"))); diff != "" {
				t.Errorf("Calls(workers, preload_app!) mismatch (-want +got):\n%s", diff)
			}
			got := map[string]string{}
			for name, as := range r.Assignments() {
				if len(as) != 1 {
					t.Errorf("%s assigned %d times, want 1", name, len(as))
					continue
				}
				got[name] = r.Text(as[0].Value)
			}
			if diff := cmp.Diff(tt.threads, got); diff != "" {
				t.Errorf("Assignments() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCalls(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		names []string
		want  []callView
	}{
		{
			name: "command call", src: "threads 1, 5\n",
			want: []callView{{Method: "threads", Args: []string{"1", "5"}, Line: 1}},
		},
		{
			name: "parenthesized call", src: "threads(1, 5)\n",
			want: []callView{{Method: "threads", Args: []string{"1", "5"}, Line: 1}},
		},
		{
			name: "bang method alone is a call node", src: "preload_app!\n",
			want: []callView{{Method: "preload_app!", Line: 1}},
		},
		{
			name: "bare words are calls when statements", src: "prune_bundler\nnakayoshi_fork\n",
			want: []callView{{Method: "prune_bundler", Line: 1}, {Method: "nakayoshi_fork", Line: 2}},
		},
		{
			name: "a local variable is not a call", src: "x = 1\nx\nthreads x, x\n",
			want: []callView{{Method: "threads", Args: []string{"x", "x"}, Line: 3}},
		},
		{
			name: "receiver chain", src: "ActiveRecord::Base.connection.disconnect!\n",
			names: []string{"disconnect!", "connection"},
			want: []callView{
				{Method: "disconnect!", Receiver: "ActiveRecord::Base.connection", Line: 1},
				{Method: "connection", Receiver: "ActiveRecord::Base", Line: 1},
			},
		},
		{
			name: "chain split over lines with a comment", src: "ActiveRecord::Base\n  # why\n  .connection_pool\n  .disconnect!\n",
			names: []string{"disconnect!"},
			want:  []callView{{Method: "disconnect!", Receiver: "ActiveRecord::Base.connection_pool", Line: 1}},
		},
		{
			name: "scope-operator call", src: "Foo::bar 1\n",
			want: []callView{{Method: "bar", Receiver: "Foo", Args: []string{"1"}, Line: 1}},
		},
		{
			name: "do block with parameters", src: "before_fork do |server, worker|\n  ActiveRecord::Base.connection_pool.disconnect!\n  # note\n  x = 1\nend\n",
			names: []string{"before_fork"},
			want: []callView{{Method: "before_fork", Block: "do_block", Line: 1,
				Body: []string{"ActiveRecord::Base.connection_pool.disconnect!", "x = 1"}}},
		},
		{
			name: "brace block", src: "on_worker_boot { |s, w| ActiveRecord::Base.establish_connection }\n",
			names: []string{"on_worker_boot"},
			want: []callView{{Method: "on_worker_boot", Block: "block", Line: 1,
				Body: []string{"ActiveRecord::Base.establish_connection"}}},
		},
		{
			name: "empty block", src: "on_restart do\nend\n",
			want: []callView{{Method: "on_restart", Block: "do_block", Line: 1}},
		},
		{
			name: "hook on a config object, on_load block inside",
			src:  "c.on_worker_boot do\n  ActiveSupport.on_load(:active_record) { ActiveRecord::Base.establish_connection }\nend\n",
			want: []callView{
				{Method: "on_worker_boot", Receiver: "c", Block: "do_block", Line: 1,
					Body: []string{"ActiveSupport.on_load(:active_record) { ActiveRecord::Base.establish_connection }"}},
				{Method: "on_load", Receiver: "ActiveSupport", Args: []string{":active_record"}, Block: "block", Line: 2,
					Body: []string{"ActiveRecord::Base.establish_connection"}},
				{Method: "establish_connection", Receiver: "ActiveRecord::Base", Line: 2},
			},
		},
		{
			name: "modifier if", src: "workers worker_count if worker_count > 1\n",
			want: []callView{{Method: "workers", Args: []string{"worker_count"}, Guard: "worker_count > 1", Line: 1}},
		},
		{
			name: "preload_app! if ENV", src: "preload_app! if ENV[\"PRELOAD_APP\"]\n",
			want: []callView{{Method: "preload_app!", Guard: `ENV["PRELOAD_APP"]`, Line: 1}},
		},
		{
			name: "modifier unless on a hook block", src: "before_fork do\n  x!\nend unless web_concurrency.zero?\n",
			names: []string{"before_fork"},
			want: []callView{{Method: "before_fork", Block: "do_block", Body: []string{"x!"},
				Guard: "web_concurrency.zero?", Negated: true, Line: 1}},
		},
		{
			name: "modifier guards only its own statement", src: "x = workers(2) if big\n",
			names: []string{"workers"},
			want:  []callView{{Method: "workers", Args: []string{"2"}, Line: 1}},
		},
		{
			name: "bodies of if, elsif, else, unless, case",
			src: "if a\n  threads 1, 2\nelsif b\n  threads 3, 4\nelse\n  threads 5, 6\nend\n" +
				"unless c\n  threads 7, 8\nend\ncase d\nwhen 1 then threads 9, 9\nelse threads 10, 10\nend\n",
			names: []string{"threads"},
			want: []callView{
				{Method: "threads", Args: []string{"1", "2"}, Line: 2},
				{Method: "threads", Args: []string{"3", "4"}, Line: 4},
				{Method: "threads", Args: []string{"5", "6"}, Line: 6},
				{Method: "threads", Args: []string{"7", "8"}, Line: 9},
				{Method: "threads", Args: []string{"9", "9"}, Line: 12},
				{Method: "threads", Args: []string{"10", "10"}, Line: 13},
			},
		},
		{
			name: "keyword, splat and block arguments", src: "foo(1, key: 2, **opts, *rest, &blk)\n",
			want: []callView{{Method: "foo", Args: []string{"1", "key: 2", "**opts", "*rest"}, Line: 1}},
		},
		{
			name: "comments inside an argument list", src: "threads(\n  1, # min\n  5  # max\n)\n",
			want: []callView{{Method: "threads", Args: []string{"1", "5"}, Line: 1}},
		},
		{
			name: "setter", src: "cap.concurrency = 1\n",
			want: []callView{{Method: "concurrency=", Receiver: "cap", Args: []string{"1"}, Line: 1}},
		},
		{
			name: "operator setter is not a plain call", src: "cap.concurrency ||= 1\n",
			names: []string{"concurrency", "concurrency="},
		},
		{
			name: "call sugar", src: "handler.(1)\n",
			want: []callView{{Method: "call", Receiver: "handler", Args: []string{"1"}, Line: 1}},
		},
		{
			name: "Integer() and element references",
			src:  "workers Integer(ENV['WEB_CONCURRENCY'] || 2)\n",
			want: []callView{
				{Method: "workers", Args: []string{"Integer(ENV['WEB_CONCURRENCY'] || 2)"}, Line: 1},
				{Method: "Integer", Args: []string{"ENV['WEB_CONCURRENCY'] || 2"}, Line: 1},
			},
		},
		{
			name: "comments and =begin/=end are not code",
			src: "# threads 32\n# on_worker_boot do\n#   ActiveRecord::Base.establish_connection\n# end\n" +
				"=begin\nthreads 1, 2\npreload_app!\n=end\nport 3000 # threads 5\n",
			want: []callView{{Method: "port", Args: []string{"3000"}, Line: 9}},
		},
		{
			name: "unicorn before_fork with a two-line and",
			src:  "before_fork do |server, worker|\n  defined?(ActiveRecord::Base) and\n    ActiveRecord::Base.connection.disconnect!\nend\n",
			want: []callView{
				{Method: "before_fork", Block: "do_block", Line: 1,
					Body: []string{"defined?(ActiveRecord::Base) and\n    ActiveRecord::Base.connection.disconnect!"}},
				{Method: "disconnect!", Receiver: "ActiveRecord::Base.connection", Line: 3},
				{Method: "connection", Receiver: "ActiveRecord::Base", Line: 3},
			},
		},
		{
			name:  "unicorn hook with if defined?",
			src:   "after_fork do |server, worker|\n  if defined?(ActiveRecord::Base)\n    ActiveRecord::Base.establish_connection\n  end\nend\n",
			names: []string{"establish_connection"},
			want:  []callView{{Method: "establish_connection", Receiver: "ActiveRecord::Base", Line: 3}},
		},
		{
			name:  "fetch with a multi-line block default",
			src:   "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") {\n  if ENV.fetch(\"RAILS_ENV\") == \"production\"\n    10\n  else\n    3\n  end\n}\n",
			names: []string{"fetch"},
			want: []callView{
				{Method: "fetch", Receiver: "ENV", Args: []string{`"RAILS_MAX_THREADS"`}, Block: "block", Line: 1,
					Body: []string{"if ENV.fetch(\"RAILS_ENV\") == \"production\"\n    10\n  else\n    3\n  end"}},
				{Method: "fetch", Receiver: "ENV", Args: []string{`"RAILS_ENV"`}, Line: 2},
			},
		},
		{
			name:  "sidekiq capsule",
			src:   "Sidekiq.configure_server do |config|\n  config.capsule(\"unsafe\") { |cap| cap.concurrency = 1 }\nend\n",
			names: []string{"capsule", "concurrency="},
			want: []callView{
				{Method: "capsule", Receiver: "config", Args: []string{`"unsafe"`}, Block: "block", Line: 2,
					Body: []string{"cap.concurrency = 1"}},
				{Method: "concurrency=", Receiver: "cap", Args: []string{"1"}, Line: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseRubyString(t, tt.src)
			if r.HasErrors {
				t.Fatalf("unexpected syntax error at %v", r.FirstError)
			}
			if diff := cmp.Diff(tt.want, viewCalls(r, r.Calls(r.Root, tt.names...))); diff != "" {
				t.Errorf("Calls(%q) mismatch (-want +got):\n%s", tt.names, diff)
			}
		})
	}
}

// TestCallsOnSubtree checks that a call at the root of the searched subtree
// still sees what is around it: its modifier guard, its assignment.
func TestCallsOnSubtree(t *testing.T) {
	r := parseRubyString(t, "workers 2 if big\ncap.concurrency = 3 unless small\n")
	var got []callView
	for _, c := range r.TopLevelCalls("workers") {
		got = append(got, viewCalls(r, r.Calls(c.Node))...)
	}
	for _, a := range r.AttributeAssignments(r.Root, "concurrency") {
		got = append(got, viewCalls(r, r.Calls(field(a.Node, "left")))...)
	}
	want := []callView{
		{Method: "workers", Args: []string{"2"}, Guard: "big", Line: 1},
		{Method: "concurrency=", Receiver: "cap", Args: []string{"3"}, Guard: "small", Negated: true, Line: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Calls(subtree) mismatch (-want +got):\n%s", diff)
	}
}

func TestTopLevelCalls(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		names []string
		want  []callView
	}{
		{
			name: "whole config inside if",
			src:  "if ENV['RAILS_ENV'] == 'production'\n  threads 1, 1\n  workers 2\nend\n",
			want: []callView{
				{Method: "threads", Args: []string{"1", "1"}, Line: 2},
				{Method: "workers", Args: []string{"2"}, Line: 3},
			},
		},
		{
			name: "not in blocks, definitions, assignments or arguments",
			src:  "on_worker_boot do\n  threads 1, 1\nend\ndef foo\n  workers 3\nend\nx = workers(4)\nputs workers(5)\n",
			want: []callView{
				{Method: "on_worker_boot", Block: "do_block", Body: []string{"threads 1, 1"}, Line: 1},
				{Method: "puts", Args: []string{"workers(5)"}, Line: 8},
			},
		},
		{
			name:  "begin, rescue, ensure",
			src:   "begin\n  threads 1, 1\nrescue StandardError\n  threads 2, 2\nensure\n  workers 1\nend\n",
			names: []string{"threads", "workers"},
			want: []callView{
				{Method: "threads", Args: []string{"1", "1"}, Line: 2},
				{Method: "threads", Args: []string{"2", "2"}, Line: 4},
				{Method: "workers", Args: []string{"1"}, Line: 6},
			},
		},
		{
			name: "and, ternary, unless-else",
			src:  "ENV[\"X\"] and preload_app!\nbig ? threads(1, 8) : threads(1, 2)\nunless small\n  workers 4\nelse\n  workers 0\nend\n",
			want: []callView{
				{Method: "preload_app!", Line: 1},
				{Method: "threads", Args: []string{"1", "8"}, Line: 2},
				{Method: "threads", Args: []string{"1", "2"}, Line: 2},
				{Method: "workers", Args: []string{"4"}, Line: 4},
				{Method: "workers", Args: []string{"0"}, Line: 6},
			},
		},
		{
			name: "case with an assignment and an endless range",
			src:  "case workers_count = Integer(ENV.fetch(\"WEB_CONCURRENCY\", 2))\nwhen (2..)\n  workers workers_count\n  preload_app!\nend\n",
			want: []callView{
				{Method: "workers", Args: []string{"workers_count"}, Line: 3},
				{Method: "preload_app!", Line: 4},
			},
		},
		{
			name:  "hook block with a trailing modifier",
			src:   "before_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\nend if web_concurrency > 0\n",
			names: []string{"before_fork"},
			want: []callView{{Method: "before_fork", Block: "do_block", Guard: "web_concurrency > 0", Line: 1,
				Body: []string{"ActiveRecord::Base.connection_pool.disconnect!"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseRubyString(t, tt.src)
			if diff := cmp.Diff(tt.want, viewCalls(r, r.TopLevelCalls(tt.names...))); diff != "" {
				t.Errorf("TopLevelCalls(%q) mismatch (-want +got):\n%s", tt.names, diff)
			}
		})
	}
}

// assignmentView is what a test compares of an Assignment.
type assignmentView struct {
	Name, Operator, Value string
	Line                  int
}

func viewAssignments(r *RubyFile, as []Assignment) []assignmentView {
	var out []assignmentView
	for _, a := range as {
		out = append(out, assignmentView{Name: a.Name, Operator: a.Operator, Value: r.Text(a.Value), Line: r.Span(a.Node).Start.Line})
	}
	return out
}

func TestAssignments(t *testing.T) {
	src := `threads_count = ENV.fetch("RAILS_MAX_THREADS") {
  if ENV.fetch("RAILS_ENV") == "production"
    10
  else
    3
  end
}
threads threads_count, threads_count
workers_count ||= 2
workers_count = 4 if big
a, b = 1, 2
c, d = pair
def helper
  inner = 1
end
on_worker_boot do
  booted = true
end
`
	r := parseRubyString(t, src)
	got := map[string][]assignmentView{}
	for name, as := range r.Assignments() {
		got[name] = viewAssignments(r, as)
	}
	want := map[string][]assignmentView{
		"threads_count": {{Name: "threads_count", Operator: "=", Line: 1,
			Value: "ENV.fetch(\"RAILS_MAX_THREADS\") {\n  if ENV.fetch(\"RAILS_ENV\") == \"production\"\n    10\n  else\n    3\n  end\n}"}},
		"workers_count": {
			{Name: "workers_count", Operator: "||=", Value: "2", Line: 9},
			{Name: "workers_count", Operator: "=", Value: "4", Line: 10},
		},
		"a":      {{Name: "a", Operator: "=", Value: "1", Line: 11}},
		"b":      {{Name: "b", Operator: "=", Value: "2", Line: 11}},
		"c":      {{Name: "c", Operator: "=", Line: 12}},
		"d":      {{Name: "d", Operator: "=", Line: 12}},
		"booted": {{Name: "booted", Operator: "=", Value: "true", Line: 17}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Assignments() mismatch (-want +got):\n%s", diff)
	}
}

func TestAttributeAndIndexAssignments(t *testing.T) {
	src := `Sidekiq.configure_server do |config|
  config.capsule("unsafe") { |cap| cap.concurrency = 1 }
  config.options[:concurrency] = ENV["CONCURRENCY"].to_i
  config.concurrency = 5
end
Sidekiq.options[:concurrency] = sidekiq_pool
Sidekiq.options["concurrency"] ||= 3
Sidekiq.options[:timeout] = 8
min_pool_size = Sidekiq.options[:concurrency]
ENV["DATABASE_URL"] = "#{database_url}?pool=#{pool}"
`
	r := parseRubyString(t, src)
	capsule := r.Calls(r.Root, "capsule")
	if len(capsule) != 1 {
		t.Fatalf("found %d capsule calls, want 1", len(capsule))
	}
	tests := []struct {
		name string
		got  []Assignment
		want []assignmentView
	}{
		{
			name: "concurrency= in the whole file",
			got:  r.AttributeAssignments(r.Root, "concurrency"),
			want: []assignmentView{
				{Name: "cap", Operator: "=", Value: "1", Line: 2},
				{Name: "config", Operator: "=", Value: "5", Line: 4},
			},
		},
		{
			name: "concurrency= in the capsule block",
			got:  r.AttributeAssignments(capsule[0].Block, "concurrency"),
			want: []assignmentView{{Name: "cap", Operator: "=", Value: "1", Line: 2}},
		},
		{
			name: "[:concurrency]= with symbol and string keys",
			got:  r.IndexAssignments(r.Root, "concurrency"),
			want: []assignmentView{
				{Name: "config.options", Operator: "=", Value: `ENV["CONCURRENCY"].to_i`, Line: 3},
				{Name: "Sidekiq.options", Operator: "=", Value: "sidekiq_pool", Line: 6},
				{Name: "Sidekiq.options", Operator: "||=", Value: "3", Line: 7},
			},
		},
		{
			name: "ENV element",
			got:  r.IndexAssignments(r.Root, "DATABASE_URL"),
			want: []assignmentView{{Name: "ENV", Operator: "=", Value: `"#{database_url}?pool=#{pool}"`, Line: 10}},
		},
		{
			name: "nothing in a nil subtree",
			got:  r.IndexAssignments(nil, "concurrency"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, viewAssignments(r, tt.got)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// conditionView is what a test compares of a Condition.
type conditionView struct {
	Type     string
	Cond     string
	Patterns []string
	Negated  bool
	InElse   bool
}

func TestEnclosingConditions(t *testing.T) {
	tests := []struct {
		name string
		src  string // the node looked at is the call to target!
		want []conditionView
	}{
		{name: "none", src: "target!\n"},
		{name: "if", src: "if a\n  target!\nend\n", want: []conditionView{{Type: "if", Cond: "a"}}},
		{name: "else", src: "if a\n  x\nelse\n  target!\nend\n", want: []conditionView{{Type: "if", Cond: "a", InElse: true}}},
		{
			name: "elsif", src: "if a\n  x\nelsif b\n  target!\nend\n",
			want: []conditionView{{Type: "elsif", Cond: "b"}, {Type: "if", Cond: "a", InElse: true}},
		},
		{
			name: "else after elsif", src: "if a\nelsif b\nelse\n  target!\nend\n",
			want: []conditionView{{Type: "elsif", Cond: "b", InElse: true}, {Type: "if", Cond: "a", InElse: true}},
		},
		{name: "unless", src: "unless a\n  target!\nend\n", want: []conditionView{{Type: "unless", Cond: "a", Negated: true}}},
		{
			name: "unless else", src: "unless a\n  x\nelse\n  target!\nend\n",
			want: []conditionView{{Type: "unless", Cond: "a", Negated: true, InElse: true}},
		},
		{name: "modifier if", src: "target! if a\n", want: []conditionView{{Type: "if_modifier", Cond: "a"}}},
		{
			name: "modifier unless", src: "target! unless Rails.env.local?\n",
			want: []conditionView{{Type: "unless_modifier", Cond: "Rails.env.local?", Negated: true}},
		},
		{name: "ternary then", src: "a ? target! : x\n", want: []conditionView{{Type: "conditional", Cond: "a"}}},
		{name: "ternary else", src: "a ? x : target!\n", want: []conditionView{{Type: "conditional", Cond: "a", InElse: true}}},
		{
			name: "and", src: "defined?(ActiveRecord::Base) and\n  target!\n",
			want: []conditionView{{Type: "binary", Cond: "defined?(ActiveRecord::Base)"}},
		},
		{name: "or", src: "a || target!\n", want: []conditionView{{Type: "binary", Cond: "a", InElse: true}}},
		{name: "in the condition itself", src: "if target!\n  x\nend\n"},
		{
			name: "case when", src: "case w\nwhen 1, 2 then target!\nend\n",
			want: []conditionView{{Type: "when", Cond: "w", Patterns: []string{"1", "2"}}},
		},
		{
			name: "case else", src: "case w\nwhen 1 then x\nwhen (2..) then y\nelse target!\nend\n",
			want: []conditionView{{Type: "case", Cond: "w", Patterns: []string{"1", "(2..)"}, InElse: true}},
		},
		{
			name: "case without subject", src: "case\nwhen a > 1 then target!\nend\n",
			want: []conditionView{{Type: "when", Patterns: []string{"a > 1"}}},
		},
		{
			name: "through a block", src: "if ENV[\"X\"]\n  before_fork do\n    target! if y\n  end\nend\n",
			want: []conditionView{{Type: "if_modifier", Cond: "y"}, {Type: "if", Cond: `ENV["X"]`}},
		},
		{
			name: "rails 7.1.4 preload_app!", src: strings.ReplaceAll(pumaRails714, "preload_app!", "target!"),
			want: []conditionView{
				{Type: "if", Cond: "worker_count > 1", InElse: true},
				{Type: "if", Cond: `rails_env == "production"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseRubyString(t, tt.src)
			calls := r.Calls(r.Root, "target!")
			if len(calls) != 1 {
				t.Fatalf("found %d target! calls, want 1", len(calls))
			}
			var got []conditionView
			for _, c := range r.EnclosingConditions(calls[0].Node) {
				v := conditionView{Type: c.Node.Type(), Cond: r.Text(c.Cond), Negated: c.Negated, InElse: c.InElse}
				for _, p := range c.Patterns {
					v.Patterns = append(v.Patterns, r.Text(p))
				}
				got = append(got, v)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EnclosingConditions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// exprOf parses src as a one-expression program and returns the expression.
func exprOf(t *testing.T, src string) (*RubyFile, *Node) {
	t.Helper()
	r := parseRubyString(t, src+"\n")
	stmts := statements(r.Root)
	if len(stmts) != 1 {
		t.Fatalf("%q parses as %d statements: %s", src, len(stmts), r.Root)
	}
	return r, stmts[0]
}

func TestStringValue(t *testing.T) {
	tests := []struct {
		src    string
		want   string
		wantOK bool
	}{
		{`"X"`, "X", true},
		{`'X'`, "X", true},
		{`""`, "", true},
		{`:concurrency`, "concurrency", true},
		{`:"x y"`, "x y", true},
		{`:'a b'`, "a b", true},
		{`%q(abc)`, "abc", true},
		{`%Q[abc]`, "abc", true},
		{`"a\nb\"c"`, "a\nb\"c", true},
		{`'it\'s a \\ and \n'`, `it's a \ and \n`, true},
		{`"\u00e9\u{41}\x41\101\s"`, "éAAA ", true},
		{`"a" 'b'`, "ab", true},
		{`(("x"))`, "x", true},
		{`"a#{b}c"`, "", false},
		{`:"x#{y}"`, "", false},
		{`"\C-a"`, "", false},
		{`5`, "", false},
		{`ENV["X"]`, "", false},
		{`x`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r, n := exprOf(t, tt.src)
			got, ok := r.StringValue(n)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("StringValue(%s) = %q, %v; want %q, %v", tt.src, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	t.Run("keyword argument key", func(t *testing.T) {
		r := parseRubyString(t, "foo(pool: 5)\n")
		pair := r.Calls(r.Root, "foo")[0].Args[0]
		if got, ok := r.StringValue(field(pair, "key")); got != "pool" || !ok {
			t.Errorf("StringValue(pool:) = %q, %v; want \"pool\", true", got, ok)
		}
	})
	t.Run("nil", func(t *testing.T) {
		r := parseRubyString(t, "")
		if _, ok := r.StringValue(nil); ok {
			t.Error("StringValue(nil) ok")
		}
	})
}

func TestIntValue(t *testing.T) {
	tests := []struct {
		src    string
		want   int
		wantOK bool
	}{
		{"5", 5, true},
		{"1_000", 1000, true},
		{"-3", -3, true},
		{"+4", 4, true},
		{"0x1F", 31, true},
		{"0b101", 5, true},
		{"0o17", 15, true},
		{"017", 15, true},
		{"0d19", 19, true},
		{"0", 0, true},
		{"((7))", 7, true},
		{"3.5", 0, false},
		{`"5"`, 0, false},
		{"99999999999999999999999", 0, false},
		{"!5", 0, false},
		{"x", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r, n := exprOf(t, tt.src)
			got, ok := r.IntValue(n)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("IntValue(%s) = %d, %v; want %d, %v", tt.src, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	tests := []struct{ src, want string }{
		{"((5))", "5"},
		{"(ENV['X'] || 2)", "ENV['X'] || 2"},
		{"(a; b)", "(a; b)"},
		{"5", "5"},
	}
	for _, tt := range tests {
		r, n := exprOf(t, tt.src)
		if got := r.Text(Unwrap(n)); got != tt.want {
			t.Errorf("Unwrap(%s) = %q, want %q", tt.src, got, tt.want)
		}
	}
	if Unwrap(nil) != nil {
		t.Error("Unwrap(nil) != nil")
	}
}

func TestParseRubyErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantErr  bool
		wantLine int // of FirstError; 0 when the source is valid
	}{
		{name: "valid", src: "threads 1, 5\n"},
		{name: "empty", src: ""},
		{name: "only comments", src: "# threads 1, 5\n=begin\nx\n=end\n"},
		{name: "unclosed paren", src: "threads 1, 5\nport 3000\nworkers(2\n", wantErr: true, wantLine: 3},
		{name: "missing end", src: "threads 1, 5\nbefore_fork do\n  x\n", wantErr: true, wantLine: 2},
		{name: "stray end (tree-sitter reads it as a name)", src: "threads 1, 5\nend\n", wantErr: true, wantLine: 2},
		{name: "stray when", src: "threads 1, 5\n\nwhen 1\n", wantErr: true, wantLine: 3},
		{name: "keywords where Ruby allows them", src: "x.end\nfoo(end: 1)\ndef end; end\ndef m(end:); end\n" +
			"loop do\n  next if a\n  break\nend\nbegin\n  x\nrescue\n  retry\nend\nnot x\nalias foo bar\nundef foo\n" +
			"for i in 1..2 do redo end\nself.class\nx.then { 1 }\nBEGIN { 1 }\nreturn\n"},
		{name: "binary garbage", src: "\x00\xff\xfe threads \x00", wantErr: true, wantLine: 1},
		// A Thor template's ERB line: tree-sitter invents a MISSING name at
		// the end of the line above; the error is the `<%` line.
		{name: "ERB tag line (a generator template)", src: "plugin :tmp_restart\n\n<% unless skip_solid? -%>\nplugin :solid_queue\n<% end -%>\n", wantErr: true, wantLine: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseRubyString(t, tt.src)
			if r.HasErrors != tt.wantErr {
				t.Fatalf("HasErrors = %v, want %v (tree %s)", r.HasErrors, tt.wantErr, r.Root)
			}
			if got := r.FirstError.Start.Line; got != tt.wantLine {
				t.Errorf("FirstError at line %d, want %d (%v)", got, tt.wantLine, r.FirstError)
			}
			if tt.wantErr && r.FirstError.File != "config/puma.rb" {
				t.Errorf("FirstError.File = %q", r.FirstError.File)
			}
		})
	}
	t.Run("calls still found around an error", func(t *testing.T) {
		r := parseRubyString(t, "threads 1, 5\nworkers(2\n\npreload_app!\n")
		if !r.HasErrors {
			t.Fatal("no error reported")
		}
		if got := r.Calls(r.Root, "threads"); len(got) != 1 {
			t.Errorf("found %d threads calls, want 1", len(got))
		}
	})
	t.Run("nil file", func(t *testing.T) {
		if _, err := ParseRuby(nil); err == nil {
			t.Error("ParseRuby(nil) gave no error")
		}
	})
	t.Run("too large", func(t *testing.T) {
		f := NewFile("config/puma.rb", "/app/config/puma.rb", make([]byte, MaxRubySize+1))
		if _, err := ParseRuby(f); err == nil {
			t.Error("no error for an oversized file")
		}
	})
}

func TestCRLF(t *testing.T) {
	r := parseRubyString(t, "threads 1, 5\r\nworkers 2\r\n")
	got := viewCalls(r, r.TopLevelCalls())
	want := []callView{
		{Method: "threads", Args: []string{"1", "5"}, Line: 1},
		{Method: "workers", Args: []string{"2"}, Line: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopLevelCalls mismatch (-want +got):\n%s", diff)
	}
}

func TestParseRubySnippet(t *testing.T) {
	yml := "default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n  timeout: <%= ENV.fetch( %>\n"
	f := NewFile("config/database.yml", "/app/config/database.yml", []byte(yml))
	tag := strings.Index(yml, "<%=") + len("<%=")
	code := yml[tag:strings.Index(yml, "%>")] // " ENV.fetch(...) { 5 } " with its spaces

	r, err := ParseRubySnippet(f, code, tag)
	if err != nil {
		t.Fatal(err)
	}
	if r.HasErrors {
		t.Fatalf("snippet has an error at %v", r.FirstError)
	}
	fetch := r.Calls(r.Root, "fetch")
	if len(fetch) != 1 {
		t.Fatalf("found %d fetch calls, want 1", len(fetch))
	}
	span := r.Span(fetch[0].Node)
	want := Span{
		File:  "config/database.yml",
		Start: Pos{Offset: tag + 1, Line: 3, Col: 13},
		End:   Pos{Offset: tag + len(code) - 1, Line: 3, Col: 12 + len(code) - 1},
	}
	if diff := cmp.Diff(want, span); diff != "" {
		t.Errorf("Span mismatch (-want +got):\n%s", diff)
	}
	if got := string(f.Src[span.Start.Offset:span.End.Offset]); got != r.Text(fetch[0].Node) {
		t.Errorf("span covers %q in the file, node text is %q", got, r.Text(fetch[0].Node))
	}
	arg := r.Span(fetch[0].Args[0])
	if got := string(f.Src[arg.Start.Offset:arg.End.Offset]); got != `"RAILS_MAX_THREADS"` {
		t.Errorf("argument span covers %q", got)
	}

	t.Run("broken snippet", func(t *testing.T) {
		start := strings.LastIndex(yml, "<%=") + len("<%=")
		code := yml[start:strings.LastIndex(yml, "%>")]
		r, err := ParseRubySnippet(f, code, start)
		if err != nil {
			t.Fatal(err)
		}
		if !r.HasErrors || r.FirstError.Start.Line != 4 || r.FirstError.File != "config/database.yml" {
			t.Errorf("HasErrors = %v, FirstError = %v; want an error on config/database.yml:4", r.HasErrors, r.FirstError)
		}
	})
	t.Run("outside the file", func(t *testing.T) {
		for _, base := range []int{-1, len(yml) - 2} {
			if _, err := ParseRubySnippet(f, "ENV", base); err == nil {
				t.Errorf("ParseRubySnippet at %d gave no error", base)
			}
		}
		if _, err := ParseRubySnippet(nil, "ENV", 0); err == nil {
			t.Error("ParseRubySnippet(nil) gave no error")
		}
	})
}

func TestCompactText(t *testing.T) {
	tests := []struct{ src, want string }{
		{"ActiveRecord::Base\n  .connection", "ActiveRecord::Base.connection"},
		{"Foo.bar( 1,  \"a  b\" )", `Foo.bar(1,"a  b")`},
		{"(a and b)", "(a and b)"},
		{"config .options", "config.options"},
	}
	for _, tt := range tests {
		r, n := exprOf(t, tt.src)
		if got := r.CompactText(n); got != tt.want {
			t.Errorf("CompactText(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestParseRubyConcurrently parses and walks many files at once: each
// RubyFile has its own parser and tree, so nothing is shared (run with -race).
func TestParseRubyConcurrently(t *testing.T) {
	srcs := []string{pumaRails50, pumaRails51, pumaRails60, pumaRails710, pumaRails714, pumaRails72, pumaRails80}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			src := srcs[i%len(srcs)]
			r, err := ParseRuby(NewFile("config/puma.rb", "", []byte(src)))
			if err != nil {
				t.Error(err)
				return
			}
			if got := r.TopLevelCalls("threads"); len(got) != 1 {
				t.Errorf("found %d threads calls, want 1", len(got))
			}
		})
	}
	wg.Wait()
}

func BenchmarkParseRubyPuma(b *testing.B) {
	f := NewFile("config/puma.rb", "", []byte(pumaRails714))
	for b.Loop() {
		r, err := ParseRuby(f)
		if err != nil {
			b.Fatal(err)
		}
		r.TopLevelCalls()
		r.Assignments()
	}
}
