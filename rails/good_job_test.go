package rails

import "testing"

func TestGoodJobThreads(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		process string // the Procfile line of the worker; "" for the implied one
		want    int
		known   bool
		source  string
	}{
		{name: "default", want: 5, known: true, source: "GoodJob 4.19.2's default"},
		{name: "RAILS_MAX_THREADS", process: "RAILS_MAX_THREADS=7 bundle exec good_job start", want: 7, known: true, source: "RAILS_MAX_THREADS, which GoodJob reads"},
		{name: "GOOD_JOB_MAX_THREADS wins over RAILS_MAX_THREADS", process: "RAILS_MAX_THREADS=7 GOOD_JOB_MAX_THREADS=9 bundle exec good_job start", want: 9, known: true},
		{name: "initializer attribute", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job.max_threads = 12\nend\n",
		}, process: "GOOD_JOB_MAX_THREADS=9 bundle exec good_job start", want: 12, known: true, source: "config.good_job.max_threads in config/initializers/good_job.rb"},
		{name: "hash form in the env file", files: map[string]string{
			"config/environments/production.rb": "Rails.application.configure do\n  config.good_job = {\n    max_threads: ENV.fetch('GOOD_JOB_MAX_THREADS', 4),\n  }\nend\n",
		}, want: 4, known: true},
		{name: "another env's file does not apply", files: map[string]string{
			"config/environments/development.rb": "Rails.application.configure do\n  config.good_job.max_threads = 2\nend\n",
		}, want: 5, known: true},
		{name: "initializers run after application.rb", files: map[string]string{
			"config/application.rb":           "module App\n  class Application < Rails::Application\n    config.good_job.max_threads = 3\n  end\nend\n",
			"config/initializers/good_job.rb": "Rails.application.config.good_job.max_threads = 8\n",
		}, want: 8, known: true},
		{name: "nil setting falls through", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.config.good_job.max_threads = ENV['GJ']\n",
		}, process: "GOOD_JOB_MAX_THREADS=6 good_job start", want: 6, known: true},
		{name: "--max-threads", process: "bundle exec good_job start --max-threads=15", want: 15, known: true, source: "--max-threads on the Procfile line"},
		{name: "queue pools", process: "bundle exec good_job start --queues='a:2;b:1;*' --max-threads=4", want: 7, known: true},
		{name: "one pool with a count", process: "GOOD_JOB_QUEUES=*:3 good_job start", want: 3, known: true},
		{name: "queues from config", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job.queues = 'default:5,low:1;*'\nend\n",
		}, want: 10, known: true},
		{name: "unknown max_threads", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job.max_threads = IdentityConfig.store.good_job_max_threads\nend\n",
		}, known: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{
				"Gemfile.lock":        sqLockfile("rails", "7.1.3", "good_job", "4.19.2"),
				"config/database.yml": "production:\n  adapter: postgresql\n",
			}
			for k, v := range tt.files {
				files[k] = v
			}
			if tt.process != "" {
				files["Procfile"] = "worker: " + tt.process + "\n"
			}
			a := sqLoadApp(t, files)
			p := a.Processes[0]
			if p.Kind != GoodJobProcess {
				t.Fatalf("process kind %v", p.Kind)
			}
			got := a.GoodJobThreads(p)
			if got.Known != tt.known || (tt.known && got.Max != tt.want) {
				t.Fatalf("got %+v, want %d known %v", got, tt.want, tt.known)
			}
			if tt.source != "" && got.Source != tt.source {
				t.Errorf("source %q, want %q", got.Source, tt.source)
			}
		})
	}
}

func TestGoodJobExternal(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		procfile string
		railsEnv string
		env      map[string]string
		external bool
		known    bool
	}{
		{name: "implied, production default", external: true, known: true},
		{name: "implied, development default", railsEnv: "development", external: false, known: true},
		{name: "implied, async in production.rb", files: map[string]string{
			"config/environments/production.rb": "Rails.application.configure do\n  config.good_job.execution_mode = :async\nend\n",
		}, external: false, known: true},
		{name: "implied, hash form external", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job = { execution_mode: :external }\nend\n",
		}, railsEnv: "development", external: true, known: true},
		{name: "implied, computed mode", files: map[string]string{
			"config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job.execution_mode = Rails.env.production? ? :external : :async\nend\n",
		}, known: false},
		{name: "implied, GOOD_JOB_EXECUTION_MODE", env: map[string]string{"GOOD_JOB_EXECUTION_MODE": "async"}, external: false, known: true},
		{name: "good_job start is always external", procfile: "worker: bundle exec good_job start\n", files: map[string]string{
			"config/environments/production.rb": "Rails.application.configure do\n  config.good_job.execution_mode = :async\nend\n",
		}, external: true, known: true},
		{name: "another subcommand", procfile: "clean: bundle exec good_job cleanup_preserved_jobs\n", external: false, known: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{
				"Gemfile.lock":        sqLockfile("rails", "7.1.3", "good_job", "4.19.2"),
				"config/database.yml": "production:\n  adapter: postgresql\n",
			}
			for k, v := range tt.files {
				files[k] = v
			}
			if tt.procfile != "" {
				files["Procfile"] = tt.procfile
			}
			a := sqLoadApp(t, files)
			p := a.Processes[0]
			if tt.railsEnv != "" {
				p.Env.Vars["RAILS_ENV"] = tt.railsEnv
			}
			for k, v := range tt.env {
				p.Env.Vars[k] = v
			}
			ext, known := a.GoodJobExternal(p)
			if ext != tt.external || known != tt.known {
				t.Errorf("external %v known %v, want %v %v", ext, known, tt.external, tt.known)
			}
		})
	}
}
