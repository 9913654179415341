package deploy

import (
	"strings"
	"testing"
)

const railsDockerfile = `FROM ruby:3.3-slim AS base
ENV RAILS_ENV="production" \
    BUNDLE_WITHOUT="development"
FROM base AS build
ENV BUILD_ONLY=1
FROM base
ENTRYPOINT ["/rails/bin/docker-entrypoint"]
CMD ["./bin/thrust", "./bin/rails", "server"]
`

func TestKamalRolesEnvAndCopies(t *testing.T) {
	ds, problems := find(t, map[string]string{
		"Dockerfile": railsDockerfile,
		"config/deploy.yml": `service: app
servers:
  web:
    - 192.168.0.1
    - 192.168.0.2
  job:
    hosts:
      - 192.168.0.3
    cmd: bin/jobs
    env:
      clear:
        JOB_CONCURRENCY: 3
env:
  secret:
    - RAILS_MASTER_KEY
  clear:
    RAILS_MAX_THREADS: "10"
    JOB_CONCURRENCY: 1
`,
	}, false)
	if len(ds) != 1 || len(ds[0].Roles) != 2 {
		t.Fatalf("deployments %v, problems %v", ds, problems)
	}
	web, job := ds[0].Roles[0], ds[0].Roles[1]
	if web.Name != "web" || web.Copies.N != 2 || web.Copies.Unit != "host" {
		t.Errorf("web role %q copies %+v", web.Name, web.Copies)
	}
	if web.Command == nil || web.Command.Program != "thrust" {
		t.Errorf("web runs %v, want the image's CMD", web.Command)
	}
	env := envOf(web)
	if env["RAILS_ENV"] != "production" || env["RAILS_MAX_THREADS"] != "10" || env["RAILS_MASTER_KEY"] != "(secret)" || env["BUILD_ONLY"] != "" {
		t.Errorf("web env %v", env)
	}
	if v := web.EnvMap()["RAILS_MAX_THREADS"]; v.Span.Start.Line != 17 || v.Span.Start.Col != 25 || !v.Fixable {
		t.Errorf("RAILS_MAX_THREADS written at %v (fixable %v), want inside the quotes at 17:25", v.Span, v.Fixable)
	}
	if job.Command == nil || job.Command.Program != "jobs" || job.Copies.N != 1 {
		t.Errorf("job role runs %v on %d hosts", job.Command, job.Copies.N)
	}
	if got := envOf(job)["JOB_CONCURRENCY"]; got != "3" {
		t.Errorf("role env must win over global env: JOB_CONCURRENCY=%s", got)
	}
	if got := job.Describe(); got != "the `job` role of config/deploy.yml" {
		t.Errorf("Describe() = %q", got)
	}
}

func TestKamalDestinationDeepMerges(t *testing.T) {
	ds, problems := find(t, map[string]string{
		"config/deploy.yml": `servers:
  web:
    hosts: [a, b]
    cmd: bundle exec puma
env:
  clear:
    RAILS_MAX_THREADS: 5
    WEB_CONCURRENCY: 2
`,
		"config/deploy.staging.yml": `servers:
  web:
    hosts: [c]
env:
  clear:
    RAILS_MAX_THREADS: 3
`,
	}, false)
	if len(ds) != 2 {
		t.Fatalf("want the base and the staging destination, got %d (%v)", len(ds), problems)
	}
	staging := ds[1]
	if staging.Name != "config/deploy.staging.yml" {
		t.Fatalf("name %q", staging.Name)
	}
	web := staging.Roles[0]
	if web.Copies.N != 1 {
		t.Errorf("the destination's hosts replace the base's: %d hosts", web.Copies.N)
	}
	if web.Command == nil || web.Command.Program != "puma" {
		t.Errorf("cmd merged from the base: %v", web.Command)
	}
	env := web.EnvMap()
	if env["RAILS_MAX_THREADS"].Value != "3" || env["RAILS_MAX_THREADS"].Span.File != "config/deploy.staging.yml" {
		t.Errorf("RAILS_MAX_THREADS %+v, want 3 from the destination", env["RAILS_MAX_THREADS"])
	}
	if env["WEB_CONCURRENCY"].Value != "2" || env["WEB_CONCURRENCY"].Span.File != "config/deploy.yml" {
		t.Errorf("WEB_CONCURRENCY %+v, want 2 from the base", env["WEB_CONCURRENCY"])
	}
}

func TestKamalRequireDestinationDropsTheBase(t *testing.T) {
	ds, _ := find(t, map[string]string{
		"config/deploy.yml":            "require_destination: true\nservers: [a]\n",
		"config/deploy.production.yml": "servers: [b, c]\n",
	}, false)
	if len(ds) != 1 || ds[0].Name != "config/deploy.production.yml" || ds[0].Roles[0].Copies.N != 2 {
		t.Fatalf("deployments %+v", ds)
	}
}

func TestKamalHostTagsSplitTheRole(t *testing.T) {
	ds, _ := find(t, map[string]string{
		"config/deploy.yml": `servers:
  web:
    - a
    - b: big
    - c: [big]
env:
  clear:
    RAILS_MAX_THREADS: 3
  tags:
    big:
      RAILS_MAX_THREADS: 8
`,
	}, false)
	roles := ds[0].Roles
	if len(roles) != 2 {
		t.Fatalf("want untagged and tagged web roles, got %d", len(roles))
	}
	if roles[0].Copies.N != 1 || envOf(roles[0])["RAILS_MAX_THREADS"] != "3" {
		t.Errorf("untagged: %d hosts, env %v", roles[0].Copies.N, envOf(roles[0]))
	}
	if roles[1].Copies.N != 2 || envOf(roles[1])["RAILS_MAX_THREADS"] != "8" {
		t.Errorf("tagged: %d hosts, env %v", roles[1].Copies.N, envOf(roles[1]))
	}
}

func TestKamalRoleWithoutHostsIsNotARole(t *testing.T) {
	ds, problems := find(t, map[string]string{"config/deploy.yml": "servers:\n  web:\n    hosts: [a]\n    cmd: bin/rails server\n  job:\n    cmd: bin/jobs\n"}, false)
	if len(ds[0].Roles) != 1 || len(problems) != 1 {
		t.Fatalf("roles %d, problems %v", len(ds[0].Roles), problems)
	}
}

// TestKamalERBHostsAreAssumed: hosts computed by ERB (`web: <%= system!
// "tofu output" %>`, AlanFoster/tracker) run somewhere: the role is read
// with one host, marked assumed, and nothing is reported; an empty host
// list still runs nowhere.
func TestKamalERBHostsAreAssumed(t *testing.T) {
	ds, problems := find(t, map[string]string{
		"Dockerfile": railsDockerfile,
		"config/deploy.yml": `service: app
servers:
  web: <%= system! %q(tofu output --json app_ips) %>
  job:
    hosts: <%= ENV.fetch("JOB_HOSTS").split(",") %>
    cmd: bin/jobs
  cron:
    hosts: []
    cmd: bin/cron
`,
	}, false)
	if len(ds) != 1 || len(ds[0].Roles) != 2 {
		t.Fatalf("deployments %v, problems %v", ds, problems)
	}
	for _, r := range ds[0].Roles {
		if r.Copies.N != 1 || !r.Copies.Assumed || !strings.Contains(r.Copies.Source, "come from ERB") {
			t.Errorf("%s role copies %+v, want 1 host assumed from ERB", r.Name, r.Copies)
		}
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "`cron` role of config/deploy.yml lists no hosts") {
		t.Errorf("problems %q, want only the cron role's empty host list", problems)
	}
}

// TestKamalBuilderDockerfile: `builder: dockerfile: web.Dockerfile`
// (tramlinehq/tramline) builds the image from that file, so its ENV and
// CMD are the roles'; a named file that is missing is said so.
func TestKamalBuilderDockerfile(t *testing.T) {
	deployYML := func(dockerfile string) string {
		return `service: app
builder:
  dockerfile: ` + dockerfile + `
servers:
  web:
    - 192.168.0.1
`
	}
	ds, problems := find(t, map[string]string{
		"Dockerfile":        "FROM ruby:3.3\nENV FROM_DEFAULT=1\nCMD [\"bin/boot\"]\n",
		"web.Dockerfile":    railsDockerfile,
		"config/deploy.yml": deployYML("web.Dockerfile"),
	}, false)
	if len(ds) != 1 || len(ds[0].Roles) != 1 || len(problems) != 0 {
		t.Fatalf("deployments %v, problems %v", ds, problems)
	}
	web := ds[0].Roles[0]
	if web.Command == nil || web.Command.Program != "thrust" || !strings.Contains(web.CommandSource, "web.Dockerfile") {
		t.Errorf("web runs %v from %q, want web.Dockerfile's CMD", web.Command, web.CommandSource)
	}
	if env := envOf(web); env["RAILS_ENV"] != "production" || env["FROM_DEFAULT"] != "" {
		t.Errorf("web env %v, want web.Dockerfile's ENV only", env)
	}
	_, problems = find(t, map[string]string{
		"Dockerfile":        railsDockerfile,
		"config/deploy.yml": deployYML("docker/Dockerfile.prod"),
	}, false)
	if len(problems) != 1 || !strings.Contains(problems[0], "docker/Dockerfile.prod, which builder.dockerfile names, was not found") {
		t.Errorf("problems %q, want the missing named Dockerfile", problems)
	}
}
