package rails

import (
	"strconv"
	"strings"
	"testing"
)

const erbLock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.3)\n    rails (7.1.3)\n\nDEPENDENCIES\n  rails\n"

// poolOf loads a database.yml and evaluates the production primary's pool
// in the app's environment.
func poolOf(t *testing.T, db string) (string, *App) {
	t.Helper()
	app := loadTree(t, map[string]string{"Gemfile.lock": erbLock, "config/database.yml": db})
	cs := app.Databases.Configs("production")
	if len(cs) == 0 || cs[0].Pool == nil {
		return "none", app
	}
	r := cs[0].Pool.Value.Eval(app.erbEnv())
	if !r.Known() {
		return "unknown: " + r.Reason, app
	}
	return strings.TrimSpace(cs[0].Pool.Raw) + "=" + strconv.Itoa(r.Int), app
}

func TestERBTemplateForms(t *testing.T) {
	tests := []struct {
		name, db, want string
		choice         string // a condition the model had to assume, "" when none
	}{
		{name: "case on Rails.env", want: "5=5",
			db: "production:\n<% case Rails.env %>\n<% when 'development', 'test' %>\n  pool: 1\n<% when 'production' %>\n  pool: 5\n<% end %>\n"},
		{name: "Rails.env.production?", want: "3=3",
			db: "production:\n<% if Rails.env.production? %>\n  pool: 3\n<% else %>\n  pool: 9\n<% end %>\n"},
		{name: "unless with a written default", want: "4=4",
			db: "production:\n<% unless ENV.fetch('SMALL', 'no') == 'yes' %>\n  pool: 4\n<% end %>\n"},
		{name: "local assigned in a code tag", want: "<%= pool %>=7",
			db: "<% pool = ENV.fetch('DB_POOL', 7) %>\nproduction:\n  pool: <%= pool %>\n"},
		{name: "modifier if in an output tag", want: "<%= 6 if ENV.fetch('BIG', 'yes') == 'yes' %>=6",
			db: "production:\n  pool: <%= 6 if ENV.fetch('BIG', 'yes') == 'yes' %>\n"},
		{name: "modifier unless, unset variable", want: "<%= 6 unless ENV['SMALL'] %>=6",
			db: "production:\n  pool: <%= 6 unless ENV['SMALL'] %>\n"},
		{name: "undecided condition: the smaller pool", want: "2=2", choice: "when DATABASE_HOST is set",
			db: "production:\n<% if ENV['DATABASE_HOST'] %>\n  pool: 2\n<% else %>\n  pool: 5\n<% end %>\n"},
		{name: "loop over a literal range", want: "5=5",
			db: "production:\n  pool: 5\n<% (1..2).each do |i| %>\n  shard_<%= i %>: x\n<% end %>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, app := poolOf(t, tt.db)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("pool %q, want %q; problems %+v", got, tt.want, app.Problems)
			}
			var choice string
			for _, c := range app.ERBChoices {
				choice = c.When
			}
			if choice != tt.choice {
				t.Errorf("assumed %q, want %q", choice, tt.choice)
			}
			for _, p := range app.Problems {
				if !p.Assumed && !p.NotModeled {
					t.Errorf("a failing problem for a valid template: %+v", p)
				}
			}
		})
	}
}

// TestERBRenderingSpans: spans of a rendered document point into the
// template's own bytes, so fixes edit what the user wrote.
func TestERBRenderingSpans(t *testing.T) {
	db := "production:\n  <% if ENV['H'] %>host: <%= ENV['H'] %><% end %>\n  pool: 4\n"
	app := loadTree(t, map[string]string{"Gemfile.lock": erbLock, "config/database.yml": db})
	p := app.Databases.Configs("production")[0].Pool
	if p == nil {
		t.Fatal("no pool read")
	}
	if got := db[p.ValueSpan.Start.Offset:p.ValueSpan.End.Offset]; got != "4" || p.ValueSpan.Start.Line != 3 {
		t.Errorf("pool span %v = %q", p.ValueSpan, got)
	}
	if !app.Databases.Doc.Editable(p.Node) {
		t.Errorf("a value written once must be editable")
	}
}
