package deploy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
)

// follow parses line as a Procfile line and follows it in files.
func follow(t *testing.T, files map[string]string, line string, env map[string]string) ([]Followed, bool, []string) {
	t.Helper()
	files["Procfile"] = line + "\n"
	m := &memReader{files: files}
	pf := parser.ParseProcfile(parser.NewFile("Procfile", "", []byte(files["Procfile"])))
	if len(pf.Entries) != 1 {
		t.Fatalf("Procfile %q: %+v", line, pf)
	}
	lookup := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	out, ok := Follow(m.reader(), &pf.Entries[0], lookup)
	return out, ok, m.problems
}

func argvText(e *parser.ProcfileEntry) string {
	var ws []string
	for _, w := range e.Argv {
		ws = append(ws, w.Raw)
	}
	return strings.Join(ws, " ")
}

func envNames(e *parser.ProcfileEntry) string {
	var ns []string
	for _, a := range e.Env {
		ns = append(ns, a.Name+"="+a.Value.Raw)
	}
	return strings.Join(ns, " ")
}

func TestFollowExecAfterSetupWithItsEnvironment(t *testing.T) {
	files := map[string]string{"bin/start-app": "#!/bin/bash\nset -e\nexport RAILS_MAX_THREADS=${RAILS_MAX_THREADS:-5}\nWEB_CONCURRENCY=2 \\\n  bundle exec rails db:prepare\nbundle exec rails db:prepare\nexec bundle exec puma -C config/puma.rb\necho never\n"}
	out, ok, probs := follow(t, files, "web: DB_POOL=9 bin/start-app", nil)
	if !ok || len(out) != 1 {
		t.Fatalf("followed %v %+v %v", ok, out, probs)
	}
	e := out[0].Entry
	if e.Program != "puma" || argvText(e) != "puma -C config/puma.rb" || e.Name != "web" || !e.WrappedBy("bundle") {
		t.Errorf("entry %+v", e)
	}
	// The inline assignment of `WEB_CONCURRENCY=2 cmd` is that command's
	// only; the caller's DB_POOL and the export reach puma, in order.
	if got := envNames(e); got != "DB_POOL=9 RAILS_MAX_THREADS=${RAILS_MAX_THREADS:-5}" {
		t.Errorf("env %q", got)
	}
	if sp := e.Env[1].Span; sp.File != "bin/start-app" || sp.Start.Line != 3 {
		t.Errorf("export at %v", sp)
	}
	if Chain(out[0].Via) != " → bin/start-app:7" || e.Argv[1].Span.File != "bin/start-app" {
		t.Errorf("via %q, -C at %v", Chain(out[0].Via), e.Argv[1].Span)
	}
}

func TestFollowCaseOnArgumentWithShiftAndArgs(t *testing.T) {
	// klausmeyer/oopsy docker-entrypoint.sh (shape).
	files := map[string]string{"docker-entrypoint.sh": "#!/bin/sh\n\nset -e\n\ncase \"$1\" in\n\n  web)\n    exec bundle exec puma -C config/puma.rb\n    ;;\n\n  sidekiq)\n    shift\n    exec bundle exec sidekiq $@\n    ;;\n\n  *)\n    exec \"$@\"\n    ;;\n\nesac\n"}
	out, _, probs := follow(t, files, "worker: ./docker-entrypoint.sh sidekiq -c 12", nil)
	if len(out) != 1 || out[0].Entry.Program != "sidekiq" || argvText(out[0].Entry) != "sidekiq -c 12" {
		t.Fatalf("worker %+v %v", out, probs)
	}
	if sp := out[0].Entry.Argv[2].Span; sp.File != "Procfile" {
		t.Errorf("-c value from the caller at %v", sp)
	}
	out, _, _ = follow(t, files, "web: ./docker-entrypoint.sh web", nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" {
		t.Errorf("web %+v", out)
	}
	// Anything else is exec'd as given.
	out, _, _ = follow(t, files, "other: ./docker-entrypoint.sh bundle exec good_job start", nil)
	if len(out) != 1 || out[0].Entry.Program != "good_job" || !out[0].Entry.WrappedBy("bundle") {
		t.Errorf("other %+v", out)
	}
}

// department-of-veterans-affairs/diffusion-marketplace scripts/start_server.sh (shape).
const roleScript = "#!/usr/bin/env bash\nif [ \"$CONTAINER_ROLE\" == \"bg_worker\" ]\nthen\n  bundle exec sidekiq\nelif [ \"$CONTAINER_ROLE\" == \"app_server\" ]\nthen\n  bundle exec rails db:migrate && bundle exec puma -C config/puma.rb\nelse\n  echo \"Error: unknown CONTAINER_ROLE\"\n  exit 125\nfi\n"

func TestFollowIfDecidedByKnownEnvironment(t *testing.T) {
	out, _, probs := follow(t, map[string]string{"scripts/start_server.sh": roleScript}, "web: scripts/start_server.sh", map[string]string{"CONTAINER_ROLE": "app_server"})
	if len(out) != 1 || out[0].Entry.Program != "puma" || Chain(out[0].Via) != " → scripts/start_server.sh:7" {
		t.Fatalf("%+v %v", out, probs)
	}
	out, _, _ = follow(t, map[string]string{"scripts/start_server.sh": roleScript}, "web: scripts/start_server.sh", map[string]string{"CONTAINER_ROLE": "bg_worker"})
	if len(out) != 1 || out[0].Entry.Program != "sidekiq" {
		t.Fatalf("%+v", out)
	}
}

func TestFollowUndecidedBranchIsReportedNotGuessed(t *testing.T) {
	out, ok, probs := follow(t, map[string]string{"scripts/start_server.sh": roleScript}, "web: scripts/start_server.sh", nil)
	if !ok || len(out) != 0 {
		t.Fatalf("guessed %+v", out)
	}
	if len(probs) != 1 || !strings.HasPrefix(probs[0], "scripts/start_server.sh:2:") || !strings.Contains(probs[0], "test poollint cannot evaluate") {
		t.Errorf("problems %v", probs)
	}
}

func TestFollowSetupBranchesArePassedOver(t *testing.T) {
	files := map[string]string{"bin/docker-start": "#!/bin/sh\nif [ -f tmp/pids/server.pid ]; then\n  rm tmp/pids/server.pid\nfi\nif [ -z \"$JOBS\" ]; then\n  export JOBS=3\nfi\nexec bin/rails server\n"}
	out, _, probs := follow(t, files, "web: bin/docker-start", nil)
	if len(out) != 1 || argvText(out[0].Entry) != "bin/rails server" {
		t.Fatalf("%+v %v", out, probs)
	}
	// JOBS may or may not be set by the branch: unknown, not 3.
	if got := envNames(out[0].Entry); !strings.HasPrefix(got, "JOBS=(set in a branch") {
		t.Errorf("env %q", got)
	}
}

func TestFollowBackgroundProcessesAndWait(t *testing.T) {
	files := map[string]string{"start.sh": "#!/bin/bash\nbundle exec sidekiq -c 5 &\nbundle exec puma -C config/puma.rb &\nwait -n\nexec bundle exec good_job\n"}
	out, _, probs := follow(t, files, "web: ./start.sh", nil)
	if len(out) != 2 || out[0].Entry.Program != "sidekiq" || out[1].Entry.Program != "puma" {
		t.Fatalf("%+v %v", out, probs)
	}
}

func TestFollowForemanProcfile(t *testing.T) {
	// mastodon/mastodon Procfile and Procfile.heroku.
	files := map[string]string{"Procfile.heroku": "nginx: bin/start-nginx-solo\nrails: env PORT=3000 bundle exec puma -C config/puma.rb\nstreaming: env PORT=4000 node ./streaming\n"}
	out, _, probs := follow(t, files, "web: bundle exec foreman start -f Procfile.heroku", nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" || out[0].Entry.Name != "web" || Chain(out[0].Via) != " → Procfile.heroku:2" {
		t.Fatalf("%+v %v", out, probs)
	}
	if got := envNames(out[0].Entry); got != "PORT=3000" {
		t.Errorf("env %q", got)
	}
}

func TestFollowNestedScriptsThrustAndShell(t *testing.T) {
	files := map[string]string{
		"bin/start-app":   "#!/usr/bin/env bash\n. bin/env.sh\nexec docker/run.sh \"$@\"\n",
		"bin/env.sh":      "export SIDEKIQ_CONCURRENCY=${SIDEKIQ_CONCURRENCY:-7}\n",
		"docker/run.sh":   "#!/bin/sh\nexec bundle exec sidekiq -c $SIDEKIQ_CONCURRENCY \"$@\"\n",
		"bin/rails":       "#!/usr/bin/env ruby\nrequire_relative '../config/boot'\n",
		"bin/with-thrust": "#!/bin/sh\nexec puma\n",
	}
	out, _, probs := follow(t, files, "worker: bundle exec thrust bin/start-app -q default", nil)
	if len(out) != 1 || argvText(out[0].Entry) != "sidekiq -c $SIDEKIQ_CONCURRENCY -q default" {
		t.Fatalf("%+v %v", out, probs)
	}
	if got := Chain(out[0].Via); got != " → bin/start-app:3 → docker/run.sh:2" {
		t.Errorf("via %q", got)
	}
	if got := envNames(out[0].Entry); got != "SIDEKIQ_CONCURRENCY=${SIDEKIQ_CONCURRENCY:-7}" {
		t.Errorf("env %q", got)
	}
	out, _, _ = follow(t, files, "web: sh -c 'bin/rails db:migrate && exec bin/with-thrust'", nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" {
		t.Errorf("sh -c: %+v", out)
	}
	// A Ruby binstub is a program: nothing to follow.
	if _, ok, _ := follow(t, files, "web: bin/rails server", nil); ok {
		t.Error("bin/rails followed as a script")
	}
}

func TestFollowCycleAndDepthAreBounded(t *testing.T) {
	files := map[string]string{
		"bin/a": "#!/bin/sh\nbin/b\nexec puma\n",
		"bin/b": "#!/bin/sh\nbin/a\n",
	}
	out, _, probs := follow(t, files, "web: bin/a", nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" || len(probs) != 1 || !strings.Contains(probs[0], "again from inside itself") {
		t.Fatalf("cycle: %+v %v", out, probs)
	}
	deep := map[string]string{}
	for i := 0; i < 10; i++ {
		deep["bin/s"+strconv.Itoa(i)] = "#!/bin/sh\nexec bin/s" + strconv.Itoa(i+1) + "\n"
	}
	deep["bin/s10"] = "#!/bin/sh\nexec puma\n"
	out, ok, probs := follow(t, deep, "web: bin/s0", nil)
	if !ok || len(out) != 0 || len(probs) != 1 || !strings.Contains(probs[0], "levels deep") {
		t.Fatalf("depth: %+v %v", out, probs)
	}
}

func TestFollowUnknownExecIsReported(t *testing.T) {
	files := map[string]string{"docker/start.sh": "#!/bin/sh\nexec supervisord -c /etc/supervisor.conf\n"}
	out, ok, probs := follow(t, files, "web: docker/start.sh", nil)
	if !ok || len(out) != 0 || len(probs) != 1 || !strings.Contains(probs[0], "execs supervisord") {
		t.Fatalf("%+v %v", out, probs)
	}
}

func TestDockerfileScriptEntrypointTakesCMD(t *testing.T) {
	files := map[string]string{
		"Dockerfile":           "FROM ruby\nADD docker-entrypoint.sh /docker-entrypoint.sh\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"web\"]\n",
		"docker-entrypoint.sh": "#!/bin/sh\ncase \"$1\" in\n  web) exec bundle exec puma ;;\n  *) exec \"$@\" ;;\nesac\n",
	}
	ds, _ := find(t, files, false)
	c := ds[0].Roles[0].Command
	if c == nil || argvText(c) != "/docker-entrypoint.sh web" {
		t.Fatalf("command %+v", c)
	}
	m := &memReader{files: files}
	out, _ := Follow(m.reader(), c, nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" {
		t.Errorf("followed %+v %v", out, m.problems)
	}
}

func TestFollowHelperScriptsThatStartNothingAreSetup(t *testing.T) {
	files := map[string]string{
		"bin/wait-for-db": "#!/bin/sh\nuntil pg_isready; do sleep 1; done\n",
		"bin/node-only":   "#!/bin/sh\nexec node server.js\n",
		"bin/tasks":       "#!/bin/sh\nbundle exec rake assets:precompile\n",
	}
	out, _, probs := follow(t, files, "web: sh -c 'bin/wait-for-db && exec bundle exec puma'", nil)
	if len(out) != 1 || out[0].Entry.Program != "puma" || len(probs) != 0 {
		t.Fatalf("%+v %v", out, probs)
	}
	out, ok, probs := follow(t, files, "web: bin/tasks", nil)
	if !ok || len(out) != 0 || len(probs) != 1 || !strings.Contains(probs[0], "starts no server or worker") {
		t.Fatalf("tasks %+v %v", out, probs)
	}
	_, _, probs = follow(t, files, "web: bin/node-only", nil)
	if len(probs) != 1 || !strings.Contains(probs[0], "execs node") || !strings.HasPrefix(probs[0], "bin/node-only:2:") {
		t.Fatalf("node %v", probs)
	}
}

// Rails 8's generated bin/docker-entrypoint (railties
// templates/docker-entrypoint.tt, shape): jemalloc, db:prepare before the
// server, then exec "${@}".
const railsDockerEntrypoint = `#!/bin/bash -e

# Enable jemalloc for reduced memory usage and latency.
if [ -z "${LD_PRELOAD+x}" ]; then
    LD_PRELOAD=$(find /usr/lib -name libjemalloc.so.2 -print -quit)
    export LD_PRELOAD
fi

# If running the rails server then create or migrate existing database
if [ "${@: -2:1}" == "./bin/rails" ] && [ "${@: -1:1}" == "server" ]; then
  ./bin/rails db:prepare
fi

exec "${@}"
`

func TestFollowRailsDockerEntrypointPassesCMDThrough(t *testing.T) {
	files := map[string]string{
		"Dockerfile":            "FROM ruby\nWORKDIR /rails\nENTRYPOINT [\"/rails/bin/docker-entrypoint\"]\nCMD [\"./bin/thrust\", \"./bin/rails\", \"server\"]\n",
		"bin/docker-entrypoint": railsDockerEntrypoint,
	}
	ds, _ := find(t, files, false)
	c := ds[0].Roles[0].Command
	m := &memReader{files: files}
	out, ok := Follow(m.reader(), c, nil)
	if !ok || len(out) != 1 || argvText(out[0].Entry) != "./bin/rails server" || len(m.problems) != 0 {
		t.Fatalf("%+v %v", out, m.problems)
	}
	// The line is kept (spans and fixes use it) but is pass-through:
	// messages do not print it.
	if !out[0].Entry.WrappedBy("thrust") || len(out[0].Via) != 1 || out[0].Via[0].String() != "bin/docker-entrypoint:14" || Chain(out[0].Via) != "" {
		t.Errorf("wrappers %+v via %+v %q", out[0].Entry.Wrappers, out[0].Via, Chain(out[0].Via))
	}
}

// An entrypoint that changes what it runs, or sets a variable poollint may
// read, stays in the printed chain.
func TestFollowEntrypointThatChangesSomethingKeepsItsHop(t *testing.T) {
	const server = `"./bin/rails", "server"`
	for name, c := range map[string][2]string{
		"sets a variable": {"#!/bin/sh\nexport RAILS_MAX_THREADS=3\nexec \"$@\"\n", server},
		"shifts":          {"#!/bin/sh\nshift\nexec \"$@\"\n", `"web", ` + server},
		"adds words":      {"#!/bin/sh\nexec \"$@\" -p 3000\n", server},
		"inline env":      {"#!/bin/sh\nRAILS_MAX_THREADS=3 exec \"$@\"\n", server},
	} {
		files := map[string]string{
			"Dockerfile":            "FROM ruby\nWORKDIR /rails\nENTRYPOINT [\"/rails/bin/docker-entrypoint\"]\nCMD [" + c[1] + "]\n",
			"bin/docker-entrypoint": c[0],
		}
		ds, _ := find(t, files, false)
		m := &memReader{files: files}
		out, ok := Follow(m.reader(), ds[0].Roles[0].Command, nil)
		if !ok || len(out) != 1 || !strings.HasPrefix(Chain(out[0].Via), " → bin/docker-entrypoint:") {
			t.Errorf("%s: %+v %v", name, out, m.problems)
		}
	}
}
