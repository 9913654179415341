package rails

import "testing"

// A copy of a process with another environment (ProcessWith's fallback,
// a fix's probe) is another process: it must not read the answers
// memoised for the original.
func TestProcessCopyDoesNotInheritMemo(t *testing.T) {
	files := map[string]string{
		"Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    puma (6.4.2)\n    rails (7.1.3)\n\nDEPENDENCIES\n  puma\n  rails\n",
		"Procfile":     "web: bundle exec puma -C config/puma.rb\n",
		"config/puma.rb": "threads 5, 5\n" +
			"on_worker_boot do\n  ActiveRecord::Base.establish_connection(Rails.application.config.database_configuration[Rails.env].merge('pool' => 8))\nend\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: 5\n",
	}
	app, err := Load(writeTree(t, files), Options{}) // fork_sites_test.go
	if err != nil {
		t.Fatal(err)
	}
	p := app.ProcessesOf(PumaProcess)[0]
	db := app.Databases.Configs("production")[0]
	if f := app.PumaForkOf(p); !f.Workers.Known || f.Workers.Int != 0 {
		t.Fatalf("workers = %+v, want 0", f.Workers)
	}
	if pool := app.PoolOf(db, p); !pool.Known || pool.Size != 5 {
		t.Fatalf("pool = %+v, want 5 from database.yml", pool)
	}
	q := *p
	q.Env = Env{Vars: map[string]string{"WEB_CONCURRENCY": "3"}}
	if f := app.PumaForkOf(&q); !f.Workers.Known || f.Workers.Int != 3 {
		t.Errorf("the copy's workers = %+v, want 3 from its WEB_CONCURRENCY", f.Workers)
	}
	if pool := app.PoolOf(db, &q); pool.Known {
		t.Errorf("the copy's pool = %+v, want unknown: its workers re-establish with their own config", pool)
	}
	if pool := app.PoolOf(db, p); !pool.Known || pool.Size != 5 {
		t.Errorf("the original's pool = %+v after the copy's, want 5", pool)
	}
}
