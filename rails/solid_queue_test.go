package rails

import "testing"

const queueTemplate = `default: &default
  dispatchers:
    - polling_interval: 1
      batch_size: 500
  workers:
    - queues: "*"
      threads: 3
      processes: <%= ENV.fetch("JOB_CONCURRENCY", 1) %>
      polling_interval: 0.1

development:
  <<: *default

production:
  <<: *default
`

const rails8DB = `default: &default
  adapter: postgresql
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
production:
  primary: &primary_production
    <<: *default
    database: app
  queue:
    <<: *primary_production
    database: app_queue
`

func TestSolidQueueThreads(t *testing.T) {
	tests := []struct {
		name     string
		queue    string // config/queue.yml; "" for none
		procfile string
		env      map[string]string
		want     int
		known    bool
		def      bool
		line     int // where T is written; 0 for nowhere
	}{
		{name: "template", queue: queueTemplate, want: 3, known: true, line: 7},
		{name: "erb threads", queue: "production:\n  workers:\n    - threads: <%= ENV.fetch('JT', 4) %>\n    - threads: 2\n", want: 4, known: true, line: 3},
		{name: "erb threads set", queue: "production:\n  workers:\n    - threads: <%= ENV.fetch('JT', 4) %>\n    - threads: 2\n", env: map[string]string{"JT": "9"}, want: 9, known: true, line: 3},
		{name: "default threads in an entry", queue: "workers:\n  - queues: a\n    threads: 1\n  - queues: b\n", want: 3, known: true, def: true, line: 4},
		{name: "no workers nor dispatchers", queue: "production:\n  foo: 1\n", want: 3, known: true, def: true},
		{name: "dispatchers only", queue: "dispatchers:\n  - batch_size: 5\n", want: 1, known: true, def: true},
		{name: "other env only: the whole file", queue: "development:\n  workers:\n    - threads: 9\nworkers:\n  - threads: 2\n", want: 2, known: true, line: 5},
		{name: "symbol section", queue: ":production:\n  :workers:\n    - :threads: 6\n", want: 6, known: true, line: 3},
		{name: "alias section", queue: "default: &default\n  workers:\n    - threads: 7\nproduction: *default\n", want: 7, known: true, line: 3},
		{name: "no file", queue: "", procfile: "jobs: bin/jobs\n", want: 3, known: true, def: true},
		{name: "ERB structure decided", queue: "<% if true %>\nworkers:\n  - threads: 2\n<% end %>\n", want: 2, known: true, line: 3},
		{name: "ERB structure", queue: "<% AppConfig.queues.each do |q| %>\nworkers:\n  - threads: 2\n<% end %>\n", known: false},
		{name: "unknown threads", queue: "workers:\n  - threads: <%= AppConfig.threads %>\n", known: false, line: 2},
		{name: "-c file", queue: "workers:\n  - threads: 2\n", procfile: "jobs: bin/jobs -c config/other.yml\n", want: 8, known: true, line: 2},
		{name: "SOLID_QUEUE_CONFIG", queue: "workers:\n  - threads: 2\n", procfile: "jobs: SOLID_QUEUE_CONFIG=config/other.yml bin/jobs\n", want: 8, known: true, line: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{
				"Gemfile.lock":        sqLockfile("rails", "8.0.3", "activerecord", "8.0.3", "solid_queue", "1.1.0"),
				"config/database.yml": rails8DB,
				"config/other.yml":    "workers:\n  - threads: 8\n",
			}
			if tt.queue != "" {
				files["config/queue.yml"] = tt.queue
			}
			if tt.procfile != "" {
				files["Procfile"] = tt.procfile
			}
			a := sqLoadApp(t, files)
			if a.SolidQueue == nil {
				t.Fatal("no SolidQueue config")
			}
			var p *Process
			for _, q := range a.Processes {
				if q.Kind == SolidQueueProcess {
					p = q
				}
			}
			if p == nil {
				t.Fatalf("no Solid Queue process among %d", len(a.Processes))
			}
			for k, v := range tt.env {
				p.Env.Vars[k] = v
			}
			got := a.SolidQueueThreads(p)
			if got.Known != tt.known || (tt.known && (got.Max != tt.want || got.Default != tt.def)) {
				t.Fatalf("got %+v, want %d known %v default %v", got, tt.want, tt.known, tt.def)
			}
			if got.Span.Start.Line != tt.line {
				t.Errorf("span %v, want line %d", got.Span, tt.line)
			}
		})
	}
}

func TestSolidQueueDatabaseAndPlugin(t *testing.T) {
	a := sqLoadApp(t, map[string]string{
		"Gemfile.lock":        sqLockfile("rails", "8.0.3", "puma", "6.6.1", "solid_queue", "1.1.0"),
		"config/database.yml": rails8DB,
		"config/queue.yml":    queueTemplate,
		"config/puma.rb":      "threads 3, 3\nplugin :solid_queue if ENV[\"SOLID_QUEUE_IN_PUMA\"]\n",
		"Procfile":            "web: bundle exec puma\nweb2: SOLID_QUEUE_IN_PUMA=true bundle exec puma\n",
	})
	if db := a.SolidQueueDatabase("production"); db == nil || db.Name != "queue" {
		t.Errorf("queue database = %+v", db)
	}
	if a.SolidQueueInPuma(sqProcessNamed(t, a, "web")) {
		t.Errorf("plugin guarded by an unset SOLID_QUEUE_IN_PUMA counts as running")
	}
	if !a.SolidQueueInPuma(sqProcessNamed(t, a, "web2")) {
		t.Errorf("plugin with SOLID_QUEUE_IN_PUMA set not seen")
	}
	two := sqLoadApp(t, map[string]string{
		"Gemfile.lock":        sqLockfile("rails", "7.1.3", "solid_queue", "1.0.0"),
		"config/database.yml": "production:\n  adapter: postgresql\n",
	})
	if db := two.SolidQueueDatabase("production"); db == nil || !db.Primary {
		t.Errorf("two-level file: queue database = %+v", db)
	}
	if two.SolidQueue == nil || len(two.Processes) != 0 {
		t.Errorf("no queue.yml implies no jobs process: %d processes", len(two.Processes))
	}
	none := sqLoadApp(t, map[string]string{
		"Gemfile.lock":     sqLockfile("rails", "7.1.3"),
		"config/queue.yml": queueTemplate,
	})
	if none.SolidQueue != nil {
		t.Errorf("queue.yml without solid_queue locked is dead config")
	}
}
