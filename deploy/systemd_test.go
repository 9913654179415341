package deploy

import (
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
)

// mastodonSidekiq is mastodon/mastodon dist/mastodon-sidekiq.service (the
// sandboxing lines cut).
const mastodonSidekiq = `[Unit]
Description=mastodon-sidekiq
After=network.target

[Service]
Type=simple
User=mastodon
WorkingDirectory=/home/mastodon/live
Environment="RAILS_ENV=production"
Environment="DB_POOL=25"
Environment="MALLOC_ARENA_MAX=2"
ExecStart=/home/mastodon/.rbenv/shims/bundle exec sidekiq -c 25
TimeoutSec=15
Restart=always

[Install]
WantedBy=multi-user.target
`

const mastodonWeb = `[Unit]
Description=mastodon-web

[Service]
Type=simple
WorkingDirectory=/home/mastodon/live
Environment="RAILS_ENV=production"
Environment="PORT=3000"
ExecStart=/home/mastodon/.rbenv/shims/bundle exec puma -C config/puma.rb
ExecReload=/bin/kill -SIGUSR1 $MAINPID
`

const mastodonStreaming = `[Service]
Type=simple
Environment="NODE_ENV=production"
Environment="PORT=%I"
ExecStart=/usr/bin/node ./streaming
`

func roleNamed(t *testing.T, ds []*Deployment, name string) *Role {
	t.Helper()
	for _, d := range ds {
		for _, r := range d.Roles {
			if r.Name == name {
				return r
			}
		}
	}
	t.Fatalf("no role %s", name)
	return nil
}

func TestSystemdMastodonDist(t *testing.T) {
	ds, problems := find(t, map[string]string{
		"dist/mastodon-sidekiq.service":    mastodonSidekiq,
		"dist/mastodon-web.service":        mastodonWeb,
		"dist/mastodon-streaming@.service": mastodonStreaming,
		"dist/nginx.conf":                  "server {}\n",
	}, true)
	if len(ds) != 1 || ds[0].Name != "dist/*.service" || ds[0].Platform != Systemd {
		t.Fatalf("deployments %+v, problems %v", ds, problems)
	}
	var got []string
	for _, r := range ds[0].Roles {
		got = append(got, r.Name+"="+r.Command.Program)
		if r.Copies.N != 1 || r.Copies.Unit != "unit" || r.Copies.Assumed {
			t.Errorf("%s copies %+v", r.Name, r.Copies)
		}
	}
	// The node streaming unit is not the app.
	if strings.Join(got, " ") != "mastodon-sidekiq.service=sidekiq mastodon-web.service=puma" {
		t.Errorf("roles %v", got)
	}
	sk := roleNamed(t, ds, "mastodon-sidekiq.service")
	env := envOf(sk)
	if env["DB_POOL"] != "25" || env["RAILS_ENV"] != "production" {
		t.Errorf("env %v", env)
	}
	pool := sk.EnvMap()["DB_POOL"]
	src := mastodonSidekiq
	if src[pool.Span.Start.Offset:pool.Span.End.Offset] != "25" || !pool.Fixable || !pool.Own || pool.Span.Start.Line != 10 {
		t.Errorf("DB_POOL at %v (%q) fixable %v own %v", pool.Span, src[pool.Span.Start.Offset:pool.Span.End.Offset], pool.Fixable, pool.Own)
	}
	if src[pool.KeySpan.Start.Offset:pool.KeySpan.End.Offset] != "DB_POOL" {
		t.Errorf("DB_POOL key at %v", pool.KeySpan)
	}
	c, _, ok := flagOf(sk, "-c")
	if !ok || src[c.Span.Start.Offset:c.Span.End.Offset] != "25" || c.Span.Start.Line != 12 {
		t.Errorf("-c at %v", c.Span)
	}
	if got := sk.Describe(); got != "the `mastodon-sidekiq.service` unit (dist/mastodon-sidekiq.service:12)" {
		t.Errorf("Describe() = %q", got)
	}
}

func TestSystemdEnvironmentForms(t *testing.T) {
	unit := "[Service]\n" +
		"Environment=A=1 B=2\n" +
		"Environment=\"C=3 4\" 'D=5' E=\"6\"\n" +
		"Environment=A=7\n" +
		"Environment=BAD\n" +
		"Environment=F=%i G=a\\x\n" +
		"ExecStart=/usr/local/bin/bundle exec puma\n"
	ds, _ := find(t, map[string]string{"deploy/web.service": unit}, false)
	r := roleNamed(t, ds, "web.service")
	want := map[string]string{"A": "7", "B": "2", "C": "3 4", "D": "5", "E": "6", "F": "%i", "G": "ax"}
	env := envOf(r)
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	if len(env) != len(want) {
		t.Errorf("env %v", env)
	}
	m := r.EnvMap()
	for name, fixable := range map[string]bool{"A": true, "D": true, "E": true, "C": true, "F": false, "G": false} {
		if m[name].Fixable != fixable {
			t.Errorf("%s fixable %v", name, m[name].Fixable)
		}
	}
	e := m["E"]
	if unit[e.Span.Start.Offset:e.Span.End.Offset] != "6" {
		t.Errorf("E at %q", unit[e.Span.Start.Offset:e.Span.End.Offset])
	}
}

func TestSystemdEnvironmentReset(t *testing.T) {
	unit := "[Service]\nEnvironment=DB_POOL=5\nEnvironment=\nEnvironment=X=1\nExecStart=bundle exec sidekiq\n"
	ds, _ := find(t, map[string]string{"sidekiq.service": unit}, false)
	env := envOf(roleNamed(t, ds, "sidekiq.service"))
	if _, ok := env["DB_POOL"]; ok || env["X"] != "1" {
		t.Errorf("env %v", env)
	}
	if ds[0].Name != "*.service" {
		t.Errorf("name %q", ds[0].Name)
	}
}

func TestSystemdExecStartForms(t *testing.T) {
	tests := []struct {
		name, exec  string
		program     string // "" when the unit is not a role
		concurrency string
	}{
		{"ignore-failure prefix", "ExecStart=-/usr/bin/bundle exec sidekiq -c 7", "sidekiq", "7"},
		{"argv0 prefix", "ExecStart=@/usr/bin/bundle bundle exec sidekiq -c 8", "sidekiq", "8"},
		{"several prefixes", "ExecStart=+-/usr/bin/bundle exec sidekiq -c 9", "sidekiq", "9"},
		{"bash -lc, rbenv (Sidekiq's example unit)", "ExecStart=/bin/bash -lc 'exec /home/deploy/.rbenv/shims/bundle exec sidekiq -e production -c 12'", "sidekiq", "12"},
		{"bash -c with cd", `ExecStart=/bin/bash -c "cd /srv/app && bundle exec sidekiq -c 13"`, "sidekiq", "13"},
		{"rvm do (api.goodcity)", "ExecStart=/home/deployer/.nvm/nvm-exec /home/deployer/.rvm/bin/rvm 3.1.7 do bundle exec sidekiq -c 14", "sidekiq", "14"},
		{"reset then set", "ExecStart=/usr/bin/node x\nExecStart=\nExecStart=/usr/bin/bundle exec sidekiq -c 15", "sidekiq", "15"},
		{"continued line", "ExecStart=/usr/bin/bundle exec \\\n# a comment\n  sidekiq -c 16", "sidekiq", "16"},
		{"node", "ExecStart=/usr/bin/node ./streaming", "", ""},
		{"bash -lc of node", "ExecStart=/bin/bash -lc 'node ./streaming'", "", ""},
		{"oneshot migration", "Type=oneshot\nExecStart=/usr/bin/bundle exec rake db:migrate", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "[Service]\n" + tt.exec + "\n"
			ds, problems := find(t, map[string]string{"config/systemd/worker.service": src}, false)
			if tt.program == "" {
				if len(ds) != 0 {
					t.Fatalf("want no role, got %+v", ds[0].Roles[0].Command)
				}
				return
			}
			if len(ds) != 1 || len(ds[0].Roles) != 1 {
				t.Fatalf("deployments %v, problems %v", ds, problems)
			}
			r := ds[0].Roles[0]
			if r.Command.Program != tt.program {
				t.Fatalf("program %q (argv %v)", r.Command.Program, r.Command.Argv)
			}
			c, lit, ok := flagOf(r, "-c")
			if !ok || lit != tt.concurrency {
				t.Errorf("-c = %q (%v)", lit, ok)
			}
			if c.Span.File != "config/systemd/worker.service" || c.Span.Start.Line < 2 {
				t.Errorf("-c at %v", c.Span)
			}
			if strings.Contains(tt.exec, "\n") || strings.HasPrefix(tt.exec, "ExecStart=@") {
				return
			}
			// On one line the value keeps its own bytes.
			if src[c.Span.Start.Offset:c.Span.End.Offset] != tt.concurrency {
				t.Errorf("-c span %q", src[c.Span.Start.Offset:c.Span.End.Offset])
			}
		})
	}
}

func TestSystemdSeveralExecStartIsReported(t *testing.T) {
	src := "[Service]\nExecStart=/usr/bin/bundle exec puma\nExecStart=/usr/bin/bundle exec sidekiq\n"
	ds, problems := find(t, map[string]string{"app.service": src}, false)
	if len(ds) != 1 || ds[0].Roles[0].Command.Program != "sidekiq" {
		t.Fatalf("deployments %v", ds)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "several ExecStart=") {
		t.Errorf("problems %v", problems)
	}
}

func TestSystemdTemplateUnitAssumesOneInstance(t *testing.T) {
	ds, _ := find(t, map[string]string{"dist/sidekiq@.service": "[Service]\nExecStart=/usr/bin/bundle exec sidekiq -q %i\n"}, false)
	r := roleNamed(t, ds, "sidekiq@.service")
	if r.Copies.N != 1 || !r.Copies.Assumed || !strings.Contains(r.Copies.Source, "template unit") {
		t.Errorf("copies %+v", r.Copies)
	}
}

func TestSystemdEnvironmentFile(t *testing.T) {
	unit := "[Service]\n" +
		"WorkingDirectory=/home/app/live\n" +
		"Environment=DB_POOL=5 RAILS_MAX_THREADS=5\n" +
		"EnvironmentFile=/home/app/live/.env.production\n" +
		"EnvironmentFile=-/home/app/live/config/missing.env\n" +
		"EnvironmentFile=/etc/app/secrets.env\n" +
		"EnvironmentFile=relative.env\n" +
		"ExecStart=/usr/bin/bundle exec puma -C config/puma.rb\n"
	ds, problems := find(t, map[string]string{
		"dist/web.service": unit,
		".env.production":  "# set by the installer\nRAILS_MAX_THREADS=10\nexport WEB_CONCURRENCY=\"3\"\n",
		"relative.env":     "DB_POOL=99\n",
	}, false)
	r := roleNamed(t, ds, "web.service")
	env := envOf(r)
	// An EnvironmentFile= beats Environment=, whatever their order.
	if env["RAILS_MAX_THREADS"] != "10" || env["WEB_CONCURRENCY"] != "3" || env["DB_POOL"] != "5" {
		t.Errorf("env %v", env)
	}
	v := r.EnvMap()["RAILS_MAX_THREADS"]
	if v.Span.File != ".env.production" || v.Span.Start.Line != 2 || v.Own || !strings.Contains(v.Source, "EnvironmentFile= of dist/web.service") {
		t.Errorf("RAILS_MAX_THREADS from %+v", v)
	}
	want := []string{"config/missing.env of the app, which is not in the app's files", "/etc/app/secrets.env in web.service is a file on the server, outside the app", "relative.env in web.service is not an absolute path"}
	if len(problems) != len(want) {
		t.Fatalf("problems %v", problems)
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d = %q, want %q", i, problems[i], w)
		}
	}
}

func TestSystemdTemplateFileNotRead(t *testing.T) {
	ds, problems := find(t, map[string]string{"config/deploy/puma.service": "[Service]\nExecStart=<%= fetch(:bundle) %> exec puma\n"}, false)
	if len(ds) != 0 || len(problems) != 1 || !strings.Contains(problems[0], "template") {
		t.Errorf("deployments %v problems %v", ds, problems)
	}
}

func TestUnitEntriesSyntax(t *testing.T) {
	src := "; a comment\n[Service]\n  ExecStart = /usr/bin/bundle \\\n; ignored\n  exec puma  \nUser=x\n[Install]\nExecStart=not-service\n"
	f := newFile("a.service", src)
	es := unitEntries(f)
	if len(es) != 3 {
		t.Fatalf("entries %+v", es)
	}
	e := es[0]
	if e.section != "Service" || e.key != "ExecStart" || e.value != "/usr/bin/bundle    exec puma" {
		t.Errorf("entry %q %q %q", e.section, e.key, e.value)
	}
	sp := e.span(f, len(e.value)-4, len(e.value))
	if src[sp.Start.Offset:sp.End.Offset] != "puma" || sp.Start.Line != 5 {
		t.Errorf("puma at %v", sp)
	}
	if e.verbatim(f, 0, len(e.value)) || !e.verbatim(f, 0, 4) {
		t.Error("verbatim")
	}
	if es[2].section != "Install" {
		t.Errorf("section %q", es[2].section)
	}
}

func flagOf(r *Role, name string) (parser.Word, string, bool) {
	w, _, ok := parser.Flag(r.Command.Argv, name)
	lit, _ := w.Literal()
	return w, lit, ok
}

func newFile(rel, src string) *parser.File { return parser.NewFile(rel, "", []byte(src)) }

// GitLab's lib/support/systemd/gitlab-puma.service names its config by the
// server's absolute path under WorkingDirectory: that is the app's file.
func TestSystemdAbsoluteArgumentsUnderWorkingDirectory(t *testing.T) {
	src := "[Service]\nWorkingDirectory=/home/git/gitlab\nEnvironment=RAILS_ENV=production\n" +
		"ExecStart=/usr/local/bin/bundle exec puma --config /home/git/gitlab/config/puma.rb --environment production --pidfile /var/run/puma.pid\n"
	ds, _ := find(t, map[string]string{"lib/support/systemd/gitlab-puma.service": src}, false)
	r := roleNamed(t, ds, "gitlab-puma.service")
	w, _, ok := parser.Flag(r.Command.Argv, "--config")
	lit, _ := w.Literal()
	if !ok || lit != "config/puma.rb" || src[w.Span.Start.Offset:w.Span.End.Offset] != "/home/git/gitlab/config/puma.rb" {
		t.Errorf("--config %q at %v", lit, w.Span)
	}
	pid, _, _ := parser.Flag(r.Command.Argv, "--pidfile")
	if lit, _ := pid.Literal(); lit != "/var/run/puma.pid" {
		t.Errorf("a path outside the app stays: %q", lit)
	}
	if ds[0].Name != "lib/support/systemd/*.service" {
		t.Errorf("deployment %q", ds[0].Name)
	}
}

func TestSystemdTimerServiceIsATask(t *testing.T) {
	ds, _ := find(t, map[string]string{
		"deploy/cleanup.service": "[Service]\nExecStart=/usr/bin/bundle exec rake cleanup\n",
		"deploy/cleanup.timer":   "[Timer]\nOnCalendar=daily\n",
		"deploy/worker.service":  "[Service]\nExecStart=/usr/bin/bundle exec sidekiq\n",
	}, false)
	if len(ds) != 1 || len(ds[0].Roles) != 1 || ds[0].Roles[0].Name != "worker.service" {
		t.Errorf("deployments %+v", ds)
	}
}

// A unit that runs a script of the app is a role: the script follower
// finds the server it starts. The script's absolute path under
// WorkingDirectory is the app's.
func TestSystemdRunsAScriptOfTheApp(t *testing.T) {
	ds, _ := find(t, map[string]string{
		"deploy/web.service":  "[Service]\nWorkingDirectory=/srv/app\nExecStart=/srv/app/bin/start-web\n",
		"bin/start-web":       "#!/bin/sh\nexport RAILS_MAX_THREADS=8\nexec bundle exec puma -C config/puma.rb\n",
		"deploy/node.service": "[Service]\nExecStart=/usr/bin/node ./streaming/index.js\n",
	}, false)
	if len(ds) != 1 || len(ds[0].Roles) != 1 {
		t.Fatalf("deployments %+v", ds)
	}
	r := ds[0].Roles[0]
	if lit, _ := r.Command.Argv[0].Literal(); r.Name != "web.service" || lit != "bin/start-web" {
		t.Errorf("role %s runs %q", r.Name, lit)
	}
	procs, ok := Follow((&memReader{files: map[string]string{"bin/start-web": "#!/bin/sh\nexec bundle exec puma -C config/puma.rb\n"}}).reader(), r.Command, func(string) (string, bool) { return "", false })
	if !ok || len(procs) != 1 || procs[0].Entry.Program != "puma" {
		t.Errorf("followed %+v %v", procs, ok)
	}
}
