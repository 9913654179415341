package deploy

import "testing"

func TestComposeServicesBuiltFromTheApp(t *testing.T) {
	ds, problems := find(t, map[string]string{
		"Dockerfile": "FROM ruby\nENV RAILS_ENV=production\nCMD [\"bundle\", \"exec\", \"puma\"]\n",
		".env":       "JOBS=4\n",
		"web.env":    "# shared\nexport WEB_CONCURRENCY=3\nRAILS_MAX_THREADS=\"6\"\n",
		"compose.yaml": `services:
  db:
    image: postgres:16
  migrate:
    build: .
    command: bin/rails db:migrate
    restart: "no"
  web:
    build:
      context: .
    env_file: web.env
    environment:
      RAILS_MAX_THREADS: 8
      PASSED_THROUGH:
  worker:
    build: .
    command: ["bundle", "exec", "sidekiq", "-c", "12"]
    environment:
      - RAILS_MAX_THREADS=${SIDEKIQ_THREADS:-12}
      - BARE
    deploy:
      replicas: ${JOBS:-1}
`,
		"compose.override.yaml":      "services:\n  web:\n    deploy:\n      replicas: 2\n",
		"docker-compose.dev.yml":     "services:\n  web:\n    build: .\n",
		"compose.production.yaml":    "services:\n  web:\n    scale: 5\n",
		"compose.production.yaml.bk": "not yaml: [",
	}, false)
	if len(ds) != 2 {
		t.Fatalf("want compose.yaml (with its override) and compose.production.yaml, got %d: %v", len(ds), problems)
	}
	base := ds[0]
	if base.Name != "compose.yaml" || base.Platform != Compose || len(base.Roles) != 2 {
		t.Fatalf("base %q %v with %d roles (db is an image, migrate a one-off)", base.Name, base.Platform, len(base.Roles))
	}
	web, worker := base.Roles[0], base.Roles[1]
	if web.Command == nil || web.Command.Program != "puma" {
		t.Errorf("web runs the image's CMD: %v", web.Command)
	}
	env := envOf(web)
	if env["RAILS_MAX_THREADS"] != "8" || env["WEB_CONCURRENCY"] != "3" || env["RAILS_ENV"] != "production" {
		t.Errorf("environment over env_file over Dockerfile ENV: %v", env)
	}
	if _, ok := env["PASSED_THROUGH"]; ok {
		t.Errorf("a null value passes the host's variable through; poollint cannot know it")
	}
	if web.Copies.N != 2 || web.Copies.Assumed || web.Copies.Span.File != "compose.override.yaml" {
		t.Errorf("the override's replicas: %+v", web.Copies)
	}
	if v := web.EnvMap()["WEB_CONCURRENCY"]; v.Span.File != "web.env" || v.Span.Start.Line != 2 || v.Span.Start.Col != 24 {
		t.Errorf("WEB_CONCURRENCY at %v", v.Span)
	}
	if worker.Command == nil || worker.Command.Program != "sidekiq" || worker.Copies.N != 4 {
		t.Errorf("worker %v × %d (replicas interpolated from .env)", worker.Command, worker.Copies.N)
	}
	if got := envOf(worker)["RAILS_MAX_THREADS"]; got != "12" {
		t.Errorf("list form with ${X:-d}: %q", got)
	}
	if got := worker.Describe(); got != "the `worker` service of compose.yaml" {
		t.Errorf("Describe() = %q", got)
	}
	if prod := ds[1]; prod.Name != "compose.production.yaml" || prod.Roles[0].Copies.N != 2 {
		// deploy.replicas (from the override) wins over scale:.
		t.Errorf("production variant %q: %+v", prod.Name, prod.Roles[0].Copies)
	}
}

func TestDotenvForms(t *testing.T) {
	m := &memReader{files: map[string]string{"x.env": "A=1\nexport B=two # note\nC='3'\n#D=4\nbad line\nE=\"$HOME\"\n"}}
	vars := ReadDotenv(m.reader().Read("x.env"), "x.env")
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	want := map[string]string{"A": "1", "B": "two", "C": "3", "E": "$HOME"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s=%q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("read %v", got)
	}
}
