package deploy

import (
	"strings"
	"testing"
)

func TestFlyProcessGroups(t *testing.T) {
	dockerfile := "FROM ruby\nENV RAILS_ENV=production WEB_CONCURRENCY=2\nCMD [\"./bin/rails\", \"server\"]\n"
	tests := []struct {
		name, toml string
		roles      []string // name=program
		env        map[string]string
	}{
		{
			name: "processes, env and a release command",
			toml: `app = "rails-app"
primary_region = "iad"

[build]

[deploy]
  release_command = "./bin/rails db:prepare"

[env]
  RAILS_MAX_THREADS = "10"
  WEB_CONCURRENCY = 3

[processes]
  app = "bin/rails server"
  worker = "bundle exec sidekiq"

[[vm]]
  memory = "1gb"
`,
			roles: []string{"app=rails", "worker=sidekiq", "release=rails"},
			env:   map[string]string{"RAILS_MAX_THREADS": "10", "WEB_CONCURRENCY": "3", "RAILS_ENV": "production"},
		},
		{
			name:  "no [processes]: the image's CMD as the app group",
			toml:  "app = \"x\"\nenv.RAILS_MAX_THREADS = '4'\n\n[http_service]\n  internal_port = 3000\n  processes = [\"app\"]\n",
			roles: []string{"app=rails"},
			env:   map[string]string{"RAILS_MAX_THREADS": "4", "WEB_CONCURRENCY": "2"},
		},
		{
			name:  "inline processes table",
			toml:  "processes = { web = \"bundle exec puma -C config/puma.rb\", jobs = \"bin/jobs\" }\n",
			roles: []string{"web=puma", "jobs=jobs"},
			env:   map[string]string{"RAILS_ENV": "production"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, problems := find(t, map[string]string{"Dockerfile": dockerfile, "fly.toml": tt.toml}, false)
			if len(ds) != 1 || ds[0].Platform != Fly {
				t.Fatalf("want fly.toml only, got %d: %v", len(ds), problems)
			}
			var got []string
			for _, r := range ds[0].Roles {
				prog := "?"
				if r.Command != nil {
					prog = r.Command.Program
				}
				got = append(got, r.Name+"="+prog)
				if r.Copies.N != 1 || r.Copies.Unit != "machine" || (r.Name != "release") != r.Copies.Assumed {
					t.Errorf("%s copies %+v", r.Name, r.Copies)
				}
				env := envOf(r)
				for k, v := range tt.env {
					if env[k] != v {
						t.Errorf("%s: %s=%q, want %q", r.Name, k, env[k], v)
					}
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.roles, " ") {
				t.Errorf("roles %v, want %v", got, tt.roles)
			}
		})
	}
}

func TestFlySpansPointAtTheKeys(t *testing.T) {
	src := "[env]\n  RAILS_MAX_THREADS = \"10\"\n\n[processes]\n  worker = \"bundle exec sidekiq -c 7\"\n"
	ds, _ := find(t, map[string]string{"fly.toml": src}, false)
	w := ds[0].Roles[0]
	if w.Span.Start.Line != 5 || w.Span.Start.Col != 3 || w.Span.End.Col != 9 {
		t.Errorf("worker key at %v", w.Span)
	}
	v := w.EnvMap()["RAILS_MAX_THREADS"]
	if v.Span.Start.Line != 2 || src[v.Span.Start.Offset:v.Span.End.Offset] != `"10"` || v.Fixable {
		t.Errorf("RAILS_MAX_THREADS value at %v (%q), fixable %v", v.Span, src[v.Span.Start.Offset:v.Span.End.Offset], v.Fixable)
	}
	if got := w.Describe(); got != "the `worker` process group of fly.toml" {
		t.Errorf("Describe() = %q", got)
	}
	if w.Command == nil || w.Command.Program != "sidekiq" {
		t.Errorf("worker runs %v", w.Command)
	}
}

func TestFlyInvalidTOMLIsReported(t *testing.T) {
	ds, problems := find(t, map[string]string{"fly.toml": "[processes\napp = 1\n"}, false)
	if len(ds) != 0 || len(problems) != 1 || !strings.Contains(problems[0], "could not be read as TOML") {
		t.Errorf("deployments %d, problems %v", len(ds), problems)
	}
}
