package rails

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
)

func initializersOf(t *testing.T, src string) []*Initializer {
	t.Helper()
	f := parser.NewFile("config/initializers/x.rb", "", []byte(src))
	r, err := parser.ParseRuby(f)
	if err != nil {
		t.Fatal(err)
	}
	return readInitializers(r)
}

// spanText is the source a span covers in src.
func spanText(src string, s parser.Span) string {
	return src[s.Start.Offset:s.End.Offset]
}

const seed001Sidekiq = `Sidekiq.configure_server do |config|
  config.redis = { url: 'redis://redis.example.com:7372/12', namespace: 'mynamespace' }

  database_url = ENV['DATABASE_URL']
  if database_url
    ENV['DATABASE_URL'] = "#{database_url}?pool=25"
    ActiveRecord::Base.establish_connection
    # ActiveRecord::Base.establish_connection(ENV['DATABASE_URL'])
  end
end
`

func TestGluedPoolURLs(t *testing.T) {
	tests := []struct {
		name, src string
		glue      string // the glued expression's text; "" for no finding
		pool      string // PoolText
		envVar    string
		bare      bool
		connect   string // the establish_connection call's text
		server    bool
	}{
		{
			name: "seed 001", src: seed001Sidekiq,
			glue: `"#{database_url}?pool=25"`, pool: "25", envVar: "DATABASE_URL", bare: true,
			connect: "ActiveRecord::Base.establish_connection", server: true,
		},
		{
			name: "passed to establish_connection",
			src:  "ActiveRecord::Base.establish_connection(\"#{database_url}?pool=#{ENV['DB_POOL']}\")\n",
			glue: `"#{database_url}?pool=#{ENV['DB_POOL']}"`, pool: "ENV['DB_POOL']",
			connect: "ActiveRecord::Base.establish_connection(\"#{database_url}?pool=#{ENV['DB_POOL']}\")",
		},
		{
			name: "through a local variable",
			src:  "url = \"#{ENV['DATABASE_URL']}?pool=10\"\nActiveRecord::Base.establish_connection(url)\n",
			glue: `"#{ENV['DATABASE_URL']}?pool=10"`, pool: "10", connect: "ActiveRecord::Base.establish_connection(url)",
		},
		{
			name: "plus, pool in a later operand",
			src:  "ENV['DATABASE_URL'] = ENV['DATABASE_URL'] + \"?pool=\" + ENV['DB_POOL'].to_s\n",
			glue: `ENV['DATABASE_URL'] + "?pool=" + ENV['DB_POOL'].to_s`, pool: "ENV['DB_POOL'].to_s", envVar: "DATABASE_URL",
		},
		{
			name: "plus-assign",
			src:  "ENV[\"DATABASE_URL\"] += \"?pool=25\"\nActiveRecord::Base.establish_connection\n",
			glue: `"?pool=25"`, pool: "25", envVar: "DATABASE_URL", bare: true, connect: "ActiveRecord::Base.establish_connection",
		},
		{
			name: "stored, then passed explicitly",
			src:  "ENV['DATABASE_URL'] = \"#{ENV['DATABASE_URL']}?pool=25\"\nActiveRecord::Base.establish_connection(ENV['DATABASE_URL'])\n",
			glue: `"#{ENV['DATABASE_URL']}?pool=25"`, pool: "25", envVar: "DATABASE_URL",
			connect: "ActiveRecord::Base.establish_connection(ENV['DATABASE_URL'])",
		},
		{
			name: "stored, never reconnected",
			src:  "ENV['DATABASE_URL'] = \"#{ENV['DATABASE_URL']}?pool=25\"\n",
			glue: `"#{ENV['DATABASE_URL']}?pool=25"`, pool: "25", envVar: "DATABASE_URL",
		},
		{name: "literal URL", src: "establish_connection(\"postgres://h/db?pool=5\")\n"},
		{name: "appends with &", src: "establish_connection(\"#{url}&pool=5\")\n"},
		{name: "commented out", src: "# ENV['DATABASE_URL'] = \"#{u}?pool=25\"\n# ActiveRecord::Base.establish_connection\n"},
		{name: "not a database URL", src: "REDIS = \"#{ENV['REDIS_URL']}?pool=5\"\n"},
		{name: "merge into the config", src: "ActiveRecord::Base.establish_connection(ActiveRecord::Base.configurations[Rails.env].merge('pool' => 25))\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*Initializer
			for _, in := range initializersOf(t, tt.src) {
				if in.Kind == GluedPoolURL {
					got = append(got, in)
				}
			}
			if tt.glue == "" {
				if len(got) != 0 {
					t.Fatalf("want none, got %q", got[0].GlueText)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want 1 glued URL, got %d", len(got))
			}
			in := got[0]
			if in.GlueText != tt.glue || spanText(tt.src, in.Glue) != tt.glue {
				t.Errorf("glue %q (span %q), want %q", in.GlueText, spanText(tt.src, in.Glue), tt.glue)
			}
			if in.PoolText != tt.pool {
				t.Errorf("pool %q, want %q", in.PoolText, tt.pool)
			}
			if in.EnvVar != tt.envVar || in.ConnectBare != tt.bare || in.SidekiqServer != tt.server {
				t.Errorf("env %q bare %v server %v, want %q %v %v", in.EnvVar, in.ConnectBare, in.SidekiqServer, tt.envVar, tt.bare, tt.server)
			}
			connect := ""
			if !in.Connect.IsZero() {
				connect = spanText(tt.src, in.Connect)
			}
			if connect != tt.connect {
				t.Errorf("connect %q, want %q", connect, tt.connect)
			}
		})
	}
}

func TestGluedPoolValue(t *testing.T) {
	in := initializersOf(t, "ActiveRecord::Base.establish_connection(\"#{u}?pool=#{ENV.fetch('DB_POOL', 12)}\")\n")[0]
	if r := in.Pool.Eval(Env{}); r.Kind != RInt || r.Int != 12 {
		t.Errorf("pool evaluates to %+v, want 12", r)
	}
	in = initializersOf(t, "ENV['DATABASE_URL'] = \"#{u}?pool=30&sslmode=require\"\n")[0]
	if r := in.Pool.Eval(Env{}); r.Kind != RInt || r.Int != 30 {
		t.Errorf("pool evaluates to %+v, want 30", r)
	}
}

const seed003Initializer = `# Use config/database.yml method if you are using Rails 4.1+
Rails.application.config.after_initialize do
  ActiveRecord::Base.connection_pool.disconnect!

  ActiveSupport.on_load(:active_record) do
    config = ActiveRecord::Base.configurations[Rails.env] ||
                Rails.application.config.database_configuration[Rails.env]
    config['pool']              = ENV['DB_POOL']      || ENV['MAX_THREADS'] || 5
    ActiveRecord::Base.establish_connection(config)
  end
end
`

func TestHandBuiltPools(t *testing.T) {
	tests := []struct {
		name, src string
		want      int
	}{
		{"seed 003 initializer", seed003Initializer, 1},
		{"seed 002 module", `module Platform
  module Database
    def connect(size=35)
      config = Rails.application.config.database_configuration[Rails.env]
      config['pool'] = ENV['DB_POOL'] || size
      ActiveRecord::Base.establish_connection(config)
    end

    def disconnect
      ActiveRecord::Base.connection_pool.disconnect!
    end
  end
end
`, 1},
		{"symbol key", "ActiveRecord::Base.connection.disconnect!\nc = {}\nc[:pool] = 10\nActiveRecord::Base.establish_connection(c)\n", 1},
		{"no disconnect (seed 003's Sidekiq override)", `config = ActiveRecord::Base.configurations[Rails.env]
config['pool'] = ENV['DB_POOL'] || 2
ActiveRecord::Base.establish_connection(config)
`, 0},
		{"inside Sidekiq.configure_server", `Sidekiq.configure_server do |c|
  ActiveRecord::Base.connection_pool.disconnect!
  config = ActiveRecord::Base.configurations[Rails.env]
  config['pool'] = 25
  ActiveRecord::Base.establish_connection(config)
end
`, 0},
		{"pool assigned after the call", "ActiveRecord::Base.connection_pool.disconnect!\nActiveRecord::Base.establish_connection(config)\nconfig['pool'] = 5\n", 0},
		{"commented out", "# ActiveRecord::Base.connection_pool.disconnect!\n# config['pool'] = 5\n# ActiveRecord::Base.establish_connection(config)\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*Initializer
			for _, in := range initializersOf(t, tt.src) {
				if in.Kind == HandBuiltPool {
					got = append(got, in)
				}
			}
			if len(got) != tt.want {
				t.Fatalf("got %d, want %d", len(got), tt.want)
			}
			for _, in := range got {
				if !strings.HasPrefix(spanText(tt.src, in.Connect), "ActiveRecord::Base.establish_connection(") {
					t.Errorf("connect span %q", spanText(tt.src, in.Connect))
				}
				if !strings.Contains(spanText(tt.src, in.Disconnect), "disconnect!") {
					t.Errorf("disconnect span %q", spanText(tt.src, in.Disconnect))
				}
				if !strings.Contains(spanText(tt.src, in.PoolAssign), "pool") {
					t.Errorf("pool assignment span %q", spanText(tt.src, in.PoolAssign))
				}
			}
		})
	}
	in := initializersOf(t, seed003Initializer)[0]
	if in.PoolText != "ENV['DB_POOL']      || ENV['MAX_THREADS'] || 5" {
		t.Errorf("pool text %q", in.PoolText)
	}
	if r := in.Pool.Eval(Env{}); r.Kind != RInt || r.Int != 5 {
		t.Errorf("pool evaluates to %+v", r)
	}
}

func TestPreparedStatementsCast(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool
	}{
		{"seed 001", `require "active_record/connection_adapters/postgresql_adapter"

class ActiveRecord::ConnectionAdapters::PostgreSQLAdapter
  alias initialize_without_config_boolean_coercion initialize
  def initialize(connection, logger, connection_parameters, config)
    if config[:prepared_statements] == 'false'
      config = config.merge(prepared_statements: false)
    end
    initialize_without_config_boolean_coercion(connection, logger, connection_parameters, config)
  end
end
`, true},
		{"class_eval", `ActiveRecord::ConnectionAdapters::PostgreSQLAdapter.class_eval do
  def prepared_statements?
    @config[:prepared_statements].to_s != "false"
  end
end
`, true},
		{"other patch", "class ActiveRecord::ConnectionAdapters::PostgreSQLAdapter\n  def x; 'false'; end\nend\n", false},
		{"commented out", "# class ActiveRecord::ConnectionAdapters::PostgreSQLAdapter\n#   config[:prepared_statements] == 'false'\n# end\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := false
			for _, in := range initializersOf(t, tt.src) {
				got = got || in.Kind == PreparedStatementsCast
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadInitializerFacts(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"config/initializers/sidekiq.rb":   seed001Sidekiq,
		"config/initializers/db.rb":        seed003Initializer,
		"config/initializers/mailer.rb":    "ActionMailer::Base.smtp_settings = {}\n",
		"config/initializers/broken.rb":    "Sidekiq.configure_server do |c|\n  establish_connection(\n",
		"config/sidekiq.rb":                "ENV['DATABASE_URL'] = \"#{ENV['DATABASE_URL']}?pool=5\"\n",
		"config/initializers/notes.rb.bak": seed003Initializer,
	}
	for rel, src := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Load(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range a.Initializers {
		got = append(got, in.File)
	}
	want := "config/initializers/db.rb config/initializers/sidekiq.rb config/sidekiq.rb"
	if strings.Join(got, " ") != want {
		t.Errorf("initializers in %v, want %s", got, want)
	}
	syntax := 0
	for _, p := range a.Problems {
		if p.Span.File == "config/initializers/broken.rb" {
			syntax++
		}
	}
	if syntax != 1 {
		t.Errorf("broken.rb reported %d times, want once", syntax)
	}
}
