package rails

import (
	"testing"
)

// lockfile returns a Gemfile.lock locking the given gem → version pairs.
func lockfile(pairs ...string) string {
	s := "GEM\n  remote: https://rubygems.org/\n  specs:\n"
	for i := 0; i+1 < len(pairs); i += 2 {
		s += "    " + pairs[i] + " (" + pairs[i+1] + ")\n"
	}
	return s + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n"
}

func loadTree(t *testing.T, files map[string]string) *App {
	t.Helper()
	files["Gemfile"] = "gem 'rails'\n"
	app, err := Load(writeTree(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestPumaForkOf(t *testing.T) {
	tests := []struct {
		name     string
		puma     string // locked Puma version
		procfile string
		config   string
		forks    bool
		workers  int
		preload  string // the preload source, when forks
	}{
		{name: "preload_app! and workers", puma: "3.12.6", config: "workers 2\npreload_app!\n", forks: true, workers: 2, preload: "preload_app! in config/puma.rb"},
		{name: "workers 0", puma: "3.12.6", config: "workers 0\npreload_app!\n"},
		{name: "no preload on Puma 3", puma: "3.12.6", config: "workers 2\n"},
		{name: "preload_app! false", puma: "7.1.0", config: "workers 2\npreload_app! false\n"},
		{name: "Puma 5 file workers: no default preload", puma: "5.6.9", config: "workers 2\n"},
		{name: "Puma 5 -w: default preload", puma: "5.6.9", procfile: "web: puma -w 2 -C config/puma.rb\n", config: "threads 5, 5\n", forks: true, workers: 2, preload: "Puma 5.6.9 preloads by default when -w or WEB_CONCURRENCY is above 1"},
		{name: "Puma 5 WEB_CONCURRENCY: default preload", puma: "5.6.9", procfile: "web: WEB_CONCURRENCY=3 puma -C config/puma.rb\n", config: "threads 5, 5\n", forks: true, workers: 3, preload: "Puma 5.6.9 preloads by default when -w or WEB_CONCURRENCY is above 1"},
		{name: "Puma 5 WEB_CONCURRENCY=1: no default preload", puma: "5.6.9", procfile: "web: WEB_CONCURRENCY=1 puma -C config/puma.rb\n", config: "threads 5, 5\n"},
		{name: "Puma 4 ignores WEB_CONCURRENCY", puma: "4.3.12", procfile: "web: WEB_CONCURRENCY=3 puma -C config/puma.rb\n", config: "preload_app!\n"},
		{name: "Puma 7 file workers: default preload", puma: "7.1.0", config: "workers 2\n", forks: true, workers: 2, preload: "Puma 7.1.0 preloads by default with more than one worker"},
		{name: "Puma 7 prune_bundler", puma: "7.1.0", config: "workers 2\nprune_bundler\n"},
		{name: "--preload flag", puma: "3.12.6", procfile: "web: puma --preload -w 2\n", forks: true, workers: 2, preload: "--preload on the Procfile line"},
		{name: "-w wins over the file", puma: "3.12.6", procfile: "web: puma -w 0 -C config/puma.rb\n", config: "workers 4\npreload_app!\n"},
		{name: "guarded workers", puma: "3.12.6", config: "if ENV['RAILS_ENV'] == 'development'\n  workers 2\nend\npreload_app!\n"},
		{name: "unknown workers", puma: "3.12.6", config: "workers Etc.nprocessors\npreload_app!\n"},
		{name: "delegated config", puma: "3.12.6", config: "GovukPuma.configure_rails(self)\nworkers 2\npreload_app!\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"Gemfile.lock": lockfile("activerecord", "4.2.11", "puma", tt.puma, "rails", "4.2.11")}
			if tt.procfile != "" {
				files["Procfile"] = tt.procfile
			}
			if tt.config != "" {
				files["config/puma.rb"] = tt.config
			} else {
				files["config/application.rb"] = "\n"
			}
			app := loadTree(t, files)
			ps := app.ProcessesOf(PumaProcess)
			if len(ps) != 1 {
				t.Fatalf("want one Puma process, got %d", len(ps))
			}
			f := app.PumaForkOf(ps[0])
			if f.Forks() != tt.forks {
				t.Fatalf("forks = %v, want %v (%+v)", f.Forks(), tt.forks, f)
			}
			if !tt.forks {
				return
			}
			if f.Workers.Int != tt.workers {
				t.Errorf("workers = %d, want %d", f.Workers.Int, tt.workers)
			}
			if f.Preload.Source != tt.preload {
				t.Errorf("preload source = %q, want %q", f.Preload.Source, tt.preload)
			}
		})
	}
}

func TestUnicornForkOf(t *testing.T) {
	tests := []struct {
		name   string
		config string
		forks  bool
	}{
		{name: "preload_app true", config: "worker_processes 3\npreload_app true\n", forks: true},
		{name: "preload_app false", config: "preload_app false\n"},
		{name: "no preload_app", config: "worker_processes 3\n"},
		{name: "commented", config: "# preload_app true\n"},
		{name: "last wins", config: "preload_app true\npreload_app false\n"},
		{name: "unknown", config: "preload_app ENV['PRELOAD']\n"},
		{name: "delegated", config: "GovukUnicorn.configure(self)\npreload_app true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := loadTree(t, map[string]string{
				"Gemfile.lock":      lockfile("activerecord", "4.2.11", "rails", "4.2.11", "unicorn", "5.4.1"),
				"config/unicorn.rb": tt.config,
			})
			ps := app.ProcessesOf(UnicornProcess)
			if len(ps) != 1 {
				t.Fatalf("want one Unicorn process, got %d", len(ps))
			}
			if got := app.UnicornForkOf(ps[0]).Forks(); got != tt.forks {
				t.Errorf("forks = %v, want %v", got, tt.forks)
			}
		})
	}
}
