package deploy

import "testing"

func TestDockerfileAloneIsADeploymentWithoutAProcfile(t *testing.T) {
	files := map[string]string{"Dockerfile": "FROM ruby\nENV WEB_CONCURRENCY 2\nENV RAILS_MAX_THREADS=4 \\\n    OTHER=x\nCMD bundle exec puma -C config/puma.rb\n"}
	ds, _ := find(t, files, false)
	if len(ds) != 1 || ds[0].Platform != Docker {
		t.Fatalf("deployments %+v", ds)
	}
	r := ds[0].Roles[0]
	if r.Command == nil || r.Command.Program != "puma" || !r.Copies.Assumed {
		t.Errorf("role %+v", r)
	}
	env := envOf(r)
	if env["WEB_CONCURRENCY"] != "2" || env["RAILS_MAX_THREADS"] != "4" || env["OTHER"] != "x" {
		t.Errorf("env %v", env)
	}
	if v := r.EnvMap()["RAILS_MAX_THREADS"]; v.Span.Start.Line != 3 || v.Span.Start.Col != 23 {
		t.Errorf("RAILS_MAX_THREADS at %v, want 3:23", v.Span)
	}
	if ds, _ := find(t, files, true); len(ds) != 0 {
		t.Errorf("with a Procfile the Dockerfile is only an image: %+v", ds)
	}
}

func TestDockerfileEntrypointJoinsCMD(t *testing.T) {
	ds, _ := find(t, map[string]string{"Dockerfile": "FROM ruby\nENTRYPOINT [\"bundle\", \"exec\"]\nCMD [\"sidekiq\", \"-c\", \"10\"]\n"}, false)
	c := ds[0].Roles[0].Command
	if c == nil || c.Program != "sidekiq" || len(c.Argv) != 3 {
		t.Fatalf("command %+v", c)
	}
	if c.Argv[2].Span.Start.Line != 3 {
		t.Errorf("-c value at %v, want line 3", c.Argv[2].Span)
	}
}

func TestDockerfileStageInheritance(t *testing.T) {
	ds, _ := find(t, map[string]string{"Dockerfile": railsDockerfile}, false)
	r := ds[0].Roles[0]
	if envOf(r)["RAILS_ENV"] != "production" {
		t.Errorf("final stage FROM base inherits its ENV: %v", envOf(r))
	}
	if _, ok := envOf(r)["BUILD_ONLY"]; ok {
		t.Errorf("the build stage's ENV leaked into the final image")
	}
	if r.Command.Program != "thrust" {
		t.Errorf("docker-entrypoint passes through to CMD: %v", r.Command.Program)
	}
}
