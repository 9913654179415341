package rails

import (
	"testing"

	"github.com/poollint/poollint/parser"
)

// unicornHooks parses src as config/unicorn.rb and returns its hooks by name.
func unicornHooks(t *testing.T, src string) map[string]*Hook {
	t.Helper()
	f := parser.NewFile("config/unicorn.rb", "config/unicorn.rb", []byte(src))
	r, err := parser.ParseRuby(f)
	if err != nil || r.HasErrors {
		t.Fatalf("parse %q: %v (errors %v)", src, err, r != nil && r.HasErrors)
	}
	out := map[string]*Hook{}
	for _, h := range readUnicorn(f, r).Hooks {
		out[h.Name] = h
	}
	return out
}

func TestHookEffect(t *testing.T) {
	tests := []struct {
		name       string
		body       string // the inside of a before_fork block
		disconnect bool
		reconnect  bool
		redundant  int
		other      bool
	}{
		{name: "connection.disconnect!", body: "ActiveRecord::Base.connection.disconnect!", disconnect: true, redundant: 1},
		{name: "connection_pool.disconnect!", body: "ActiveRecord::Base.connection_pool.disconnect!", disconnect: true, redundant: 1},
		{name: "clear_all_connections!", body: "ActiveRecord::Base.clear_all_connections!", disconnect: true, redundant: 1},
		{name: "handler clear_all_connections!", body: "ActiveRecord::Base.connection_handler.clear_all_connections!", disconnect: true, redundant: 1},
		{name: "leading ::", body: "::ActiveRecord::Base.connection_pool.disconnect!", disconnect: true, redundant: 1},
		{name: "defined? and, two lines", body: "defined?(ActiveRecord::Base) and\n    ActiveRecord::Base.connection.disconnect!", disconnect: true, redundant: 1},
		{name: "defined? &&", body: "defined?(ActiveRecord::Base) && ActiveRecord::Base.connection.disconnect!", disconnect: true, redundant: 1},
		{name: "modifier if defined?", body: "ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord)", disconnect: true, redundant: 1},
		{name: "if defined? block", body: "# other settings\n  if defined?(ActiveRecord::Base)\n    ActiveRecord::Base.connection.disconnect!\n  end", disconnect: true, redundant: 1},
		{name: "each pool", body: "ActiveRecord::Base.connection_handler.connection_pool_list.each(&:disconnect!)", disconnect: true, redundant: 1},
		{name: "each other thing", body: "ActiveRecord::Base.connection_handler.connection_pool_list.each(&:clear_stale_cached_connections!)", other: true},
		{name: "rescue nil", body: "ActiveRecord::Base.connection.disconnect! rescue nil", disconnect: true, redundant: 1},
		{name: "receiver split over lines", body: "ActiveRecord::Base\n    .connection_pool\n    .disconnect!", disconnect: true, redundant: 1},
		{name: "establish_connection", body: "ActiveRecord::Base.establish_connection", reconnect: true, redundant: 1},
		{name: "establish_connection(config)", body: "config = ActiveRecord::Base.configurations[Rails.env]\n  config['pool'] = ENV['DB_POOL'] || 5\n  ActiveRecord::Base.establish_connection(config)", reconnect: true, other: true},
		{name: "on_load with receiver", body: "ActiveSupport.on_load(:active_record) { ActiveRecord::Base.establish_connection }", reconnect: true, redundant: 1},
		{name: "on_load bare", body: "ActiveSupport.on_load(:active_record) do\n    establish_connection\n  end", reconnect: true, redundant: 1},
		{name: "bare establish_connection outside on_load", body: "establish_connection", other: true},
		{name: "commented out", body: "# ActiveRecord::Base.connection.disconnect!\n  # ActiveRecord::Base.establish_connection"},
		{name: "app wrapper", body: "Gitlab::Cluster::LifecycleEvents.do_before_fork", other: true},
		{name: "app reconnect wrapper", body: "ImpactPlatform::MySQL.reconnect!(4)", other: true},
		{name: "another class", body: "Redis.current.disconnect!", other: true},
		{name: "mixed", body: "Signal.trap('TERM') { Process.kill('QUIT', Process.pid) }\n  defined?(ActiveRecord::Base) and ActiveRecord::Base.connection.disconnect!", disconnect: true, redundant: 1, other: true},
		{name: "guard that is not defined?", body: "ActiveRecord::Base.connection.disconnect! if ENV['X']", disconnect: true, other: true},
		{name: "both", body: "ActiveRecord::Base.connection_pool.disconnect!\n  ActiveRecord::Base.establish_connection", disconnect: true, reconnect: true, redundant: 2},
		{name: "if with else", body: "if defined?(ActiveRecord::Base)\n    ActiveRecord::Base.connection.disconnect!\n  else\n    puts 'no AR'\n  end", disconnect: true, other: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := unicornHooks(t, "before_fork do |server, worker|\n  "+tt.body+"\nend\n")["before_fork"]
			if h == nil {
				t.Fatal("no before_fork hook read")
			}
			e := h.Effect()
			if got := len(e.Disconnects) > 0; got != tt.disconnect {
				t.Errorf("disconnects = %v, want %v", got, tt.disconnect)
			}
			if got := len(e.Reconnects) > 0; got != tt.reconnect {
				t.Errorf("reconnects = %v, want %v", got, tt.reconnect)
			}
			if len(e.Redundant) != tt.redundant {
				t.Errorf("redundant statements = %d, want %d", len(e.Redundant), tt.redundant)
			}
			if e.OtherCode != tt.other {
				t.Errorf("other code = %v, want %v", e.OtherCode, tt.other)
			}
		})
	}
}

func TestHookEffectWithConfig(t *testing.T) {
	h := unicornHooks(t, "after_fork do |s, w|\n  ActiveRecord::Base.establish_connection(config.merge(pool: 10))\nend\n")["after_fork"]
	e := h.Effect()
	if len(e.Reconnects) != 1 || !e.Reconnects[0].WithConfig {
		t.Fatalf("want one establish_connection with a config, got %+v", e.Reconnects)
	}
	if len(e.Redundant) != 0 {
		t.Errorf("establish_connection(config) sets a hand-built config: not redundant")
	}
}

func TestHookAppliesAndHead(t *testing.T) {
	src := "before_fork do |server, worker|\n  x\nend if ENV['RAILS_ENV'] == 'development'\n"
	h := unicornHooks(t, src)["before_fork"]
	if h.Applies(Env{Vars: map[string]string{"RAILS_ENV": "production"}}) {
		t.Error("a hook guarded by RAILS_ENV == development must not apply in production")
	}
	if !h.Applies(Env{Vars: map[string]string{"RAILS_ENV": "development"}}) {
		t.Error("the hook applies in development")
	}
	head := h.Head()
	if head.Start.Line != 1 || head.End.Line != 1 || head.End.Col != len("before_fork do |server, worker|")+1 {
		t.Errorf("head = %+v, want the first line", head)
	}
}

func TestOpaqueHooks(t *testing.T) {
	f := parser.NewFile("config/puma.rb", "config/puma.rb", []byte("before_fork(&DISCONNECT)\non_worker_boot { x }\n"))
	r, err := parser.ParseRuby(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := OpaqueHooks(r, "before_fork"); len(got) != 1 {
		t.Errorf("before_fork(&blk) is a hook poollint cannot read; got %d", len(got))
	}
	if got := OpaqueHooks(r, "on_worker_boot"); len(got) != 0 {
		t.Errorf("a block hook is readable; got %d opaque", len(got))
	}
}
