package parser

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parseProcfileString(t *testing.T, src string) *Procfile {
	t.Helper()
	return ParseProcfile(NewFile("Procfile", "/app/Procfile", []byte(src)))
}

func raws(ws []Word) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Raw)
	}
	return out
}

func envStrings(as []Assign) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name+"="+a.Value.Raw)
	}
	return out
}

// entryShape is the part of an entry most tests care about, flattened so a
// failing case shows one readable diff.
type entryShape struct {
	Name     string
	Env      []string
	Wrappers []string
	Argv     []string
	Program  string
	Compound bool
}

func shapeOf(e ProcfileEntry) entryShape {
	return entryShape{
		Name:     e.Name,
		Env:      envStrings(e.Env),
		Wrappers: raws(e.Wrappers),
		Argv:     raws(e.Argv),
		Program:  e.Program,
		Compound: e.Compound,
	}
}

func TestParseProcfileForms(t *testing.T) {
	tests := []struct {
		line string
		want entryShape
	}{
		{"web: bundle exec puma -C config/puma.rb", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"puma", "-C", "config/puma.rb"}, Program: "puma"}},
		{"web: bundle exec puma -t 0:5 -p $PORT -e ${RACK_ENV:-development}", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv:    []string{"puma", "-t", "0:5", "-p", "$PORT", "-e", "${RACK_ENV:-development}"},
			Program: "puma"}},
		{"worker: RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq", entryShape{
			Name: "worker", Env: []string{"RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10}"},
			Wrappers: []string{"bundle", "exec"}, Argv: []string{"sidekiq"}, Program: "sidekiq"}},
		{"worker: bundle exec sidekiq -c ${SIDEKIQ_CONCURRENCY:-5}", entryShape{
			Name: "worker", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"sidekiq", "-c", "${SIDEKIQ_CONCURRENCY:-5}"}, Program: "sidekiq"}},
		{"worker: bundle exec sidekiq -q critical,7 -q default -c 3", entryShape{
			Name: "worker", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"sidekiq", "-q", "critical,7", "-q", "default", "-c", "3"}, Program: "sidekiq"}},
		{"worker: DB_POOL=10 bundle exec sidekiq", entryShape{
			Name: "worker", Env: []string{"DB_POOL=10"}, Wrappers: []string{"bundle", "exec"},
			Argv: []string{"sidekiq"}, Program: "sidekiq"}},
		{"web: bin/start-pgbouncer-stunnel bundle exec puma -C config/puma.rb", entryShape{
			Name: "web", Wrappers: []string{"bin/start-pgbouncer-stunnel", "bundle", "exec"},
			Argv: []string{"puma", "-C", "config/puma.rb"}, Program: "puma"}},
		{"web: bin/start-pgbouncer bundle exec rails server -p $PORT", entryShape{
			Name: "web", Wrappers: []string{"bin/start-pgbouncer", "bundle", "exec"},
			Argv: []string{"rails", "server", "-p", "$PORT"}, Program: "rails"}},
		{"release: bin/rails db:migrate", entryShape{
			Name: "release", Argv: []string{"bin/rails", "db:migrate"}, Program: "rails"}},
		{"release: bin/start-pgbouncer bundle exec rake db:migrate", entryShape{
			Name: "release", Wrappers: []string{"bin/start-pgbouncer", "bundle", "exec"},
			Argv: []string{"rake", "db:migrate"}, Program: "rake"}},
		{"web: jemalloc.sh bundle exec puma -C config/puma.rb", entryShape{
			Name: "web", Wrappers: []string{"jemalloc.sh", "bundle", "exec"},
			Argv: []string{"puma", "-C", "config/puma.rb"}, Program: "puma"}},
		{"web: RUBYOPT='-W0' bundle exec puma", entryShape{
			Name: "web", Env: []string{"RUBYOPT='-W0'"}, Wrappers: []string{"bundle", "exec"},
			Argv: []string{"puma"}, Program: "puma"}},
		{"web: unset PORT && bin/rails server", entryShape{
			Name: "web", Argv: []string{"bin/rails", "server"}, Program: "rails", Compound: true}},
		{"web: env PORT=3000 RAILS_ENV=development bundle exec puma -C config/puma_dev.rb", entryShape{
			Name: "web", Env: []string{"PORT=3000", "RAILS_ENV=development"},
			Wrappers: []string{"env", "bundle", "exec"},
			Argv:     []string{"puma", "-C", "config/puma_dev.rb"}, Program: "puma"}},
		{"web: bundle exec thrust bin/start-app", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"thrust", "bin/start-app"}, Program: "thrust"}},
		{"web: bundle exec unicorn -p $PORT -c ./config/unicorn.rb", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"unicorn", "-p", "$PORT", "-c", "./config/unicorn.rb"}, Program: "unicorn"}},
		{"web: bundle exec passenger start -p $PORT --max-pool-size $PASSENGER_MAX_POOL_SIZE", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv:    []string{"passenger", "start", "-p", "$PORT", "--max-pool-size", "$PASSENGER_MAX_POOL_SIZE"},
			Program: "passenger"}},
		{"worker: bundle exec rake jobs:work", entryShape{
			Name: "worker", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"rake", "jobs:work"}, Program: "rake"}},
		{"jobs: bin/jobs", entryShape{Name: "jobs", Argv: []string{"bin/jobs"}, Program: "jobs"}},
		{"worker: bundle exec good_job start", entryShape{
			Name: "worker", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"good_job", "start"}, Program: "good_job"}},
		{"web: bundle exec rails server -p ${PORT:-3000}", entryShape{
			Name: "web", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"rails", "server", "-p", "${PORT:-3000}"}, Program: "rails"}},
		{"web: export WEB_CONCURRENCY=2; exec bundle exec puma", entryShape{
			Name: "web", Env: []string{"WEB_CONCURRENCY=2"}, Wrappers: []string{"exec", "bundle", "exec"},
			Argv: []string{"puma"}, Program: "puma", Compound: true}},
		{"release: bin/rails db:migrate && bin/rails db:seed && echo done", entryShape{
			Name: "release", Argv: []string{"bin/rails", "db:seed"}, Program: "rails", Compound: true}},
		{"web: bundle install && yarn build", entryShape{
			Name: "web", Argv: []string{"yarn", "build"}, Program: "yarn", Compound: true}},
		{"web: env -i -u FOO PATH=/bin bin/rails s", entryShape{
			Name: "web", Env: []string{"PATH=/bin"}, Wrappers: []string{"env", "-i", "-u", "FOO"},
			Argv: []string{"bin/rails", "s"}, Program: "rails"}},
		{"web: $SERVER_CMD", entryShape{Name: "web", Argv: []string{"$SERVER_CMD"}}},
		// crossroads/api.goodcity config/systemd/sidekiq-production.service
		{"worker: /home/deployer/.nvm/nvm-exec /home/deployer/.rvm/bin/rvm 3.1.7 do bundle exec sidekiq -e production -C config/sidekiq.yml", entryShape{
			Name: "worker", Wrappers: []string{"/home/deployer/.nvm/nvm-exec", "/home/deployer/.rvm/bin/rvm", "3.1.7", "do", "bundle", "exec"},
			Argv: []string{"sidekiq", "-e", "production", "-C", "config/sidekiq.yml"}, Program: "sidekiq"}},
		{"web: /usr/bin/env PORT=3000 /usr/local/bin/bundle exec puma", entryShape{
			Name: "web", Env: []string{"PORT=3000"}, Wrappers: []string{"/usr/bin/env", "/usr/local/bin/bundle", "exec"},
			Argv: []string{"puma"}, Program: "puma"}},
		{"web: rbenv exec bundle exec puma", entryShape{
			Name: "web", Wrappers: []string{"rbenv", "exec", "bundle", "exec"}, Argv: []string{"puma"}, Program: "puma"}},
		{"web: chruby-exec 3.3 -- bundle exec puma", entryShape{
			Name: "web", Wrappers: []string{"chruby-exec", "3.3", "--", "bundle", "exec"}, Argv: []string{"puma"}, Program: "puma"}},
		{"web: rvm list", entryShape{Name: "web", Argv: []string{"rvm", "list"}, Program: "rvm"}},
		{"web: rbenv version", entryShape{Name: "web", Argv: []string{"rbenv", "version"}, Program: "rbenv"}},
		{"worker: bundle exec sidekiq -C config/sidekiq.yml # 25 threads", entryShape{
			Name: "worker", Wrappers: []string{"bundle", "exec"},
			Argv: []string{"sidekiq", "-C", "config/sidekiq.yml"}, Program: "sidekiq"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			pf := parseProcfileString(t, tt.line+"\n")
			if len(pf.Errors) != 0 {
				t.Fatalf("Errors = %q", pf.Errors)
			}
			if len(pf.Entries) != 1 {
				t.Fatalf("got %d entries, want 1", len(pf.Entries))
			}
			e := pf.Entries[0]
			if e.ParseError != "" {
				t.Fatalf("ParseError = %q", e.ParseError)
			}
			if diff := cmp.Diff(tt.want, shapeOf(e)); diff != "" {
				t.Errorf("entry mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseProcfileSpans(t *testing.T) {
	src := "# comment\r\n\r\nweb: bundle exec puma -C config/puma.rb\r\nworker:  DB_POOL=${DB_POOL:-10} bundle exec sidekiq -c 7\r\n"
	f := NewFile("Procfile", "/app/Procfile", []byte(src))
	pf := ParseProcfile(f)
	if len(pf.Errors) != 0 || len(pf.Entries) != 2 {
		t.Fatalf("entries=%d errors=%q", len(pf.Entries), pf.Errors)
	}
	text := func(s Span) string { return string(f.Src[s.Start.Offset:s.End.Offset]) }

	web := pf.Entries[0]
	if web.Line != 3 || web.Raw != "bundle exec puma -C config/puma.rb" {
		t.Errorf("web: line %d raw %q", web.Line, web.Raw)
	}
	if got := text(web.Span); got != "web: bundle exec puma -C config/puma.rb" {
		t.Errorf("web span text %q", got)
	}
	if got := text(web.CommandSpan); got != web.Raw {
		t.Errorf("web command span %q", got)
	}
	if web.CommandSpan.Start.Line != 3 || web.CommandSpan.Start.Col != 6 {
		t.Errorf("web command starts at %v", web.CommandSpan.Start)
	}

	worker := pf.Entries[1]
	if got := text(worker.CommandSpan); got != "DB_POOL=${DB_POOL:-10} bundle exec sidekiq -c 7" {
		t.Errorf("worker command span %q", got)
	}
	env := worker.Env[0]
	if got := text(env.Span); got != "DB_POOL=${DB_POOL:-10}" {
		t.Errorf("assign span %q", got)
	}
	if got := text(env.Value.Span); got != "${DB_POOL:-10}" {
		t.Errorf("assign value span %q", got)
	}
	p := env.Value.Parts[0]
	if p.Param != "DB_POOL" || p.Default == nil || !p.ColonDefault || text(p.Default.Span) != "10" {
		t.Errorf("default part %+v", p)
	}
	c, at, ok := Flag(worker.Argv, "-c", "--concurrency")
	if !ok || at != 1 || text(c.Span) != "7" || c.Span.Start.Line != 4 {
		t.Errorf("Flag -c = %+v at %d ok %v", c, at, ok)
	}
}

func TestParseProcfileErrors(t *testing.T) {
	src := strings.Join([]string{
		"web bundle exec puma",
		"web: bundle exec puma",
		`worker: bundle exec sidekiq -c "5`,
		"  indented: bundle exec puma",
		"empty:   ",
		"web: bin/rails server",
		"bad name: x",
		"",
	}, "\n")
	pf := parseProcfileString(t, src)
	// foreman skips lines that are not "name: command" (valid, run
	// nothing); a repeated name is an error.
	wantSkipped := []string{"Procfile:1:1:", "Procfile:4:1:", "Procfile:5:1:", "Procfile:7:1:"}
	if len(pf.Skipped) != len(wantSkipped) {
		t.Fatalf("Skipped = %q", pf.Skipped)
	}
	for i, prefix := range wantSkipped {
		if !strings.HasPrefix(pf.Skipped[i], prefix) || !strings.Contains(pf.Skipped[i], "skip") {
			t.Errorf("Skipped[%d] = %q, want prefix %q and the word skip", i, pf.Skipped[i], prefix)
		}
	}
	if len(pf.Errors) != 1 || !strings.HasPrefix(pf.Errors[0], "Procfile:6:1:") || !strings.Contains(pf.Errors[0], `"web" is defined again (first on line 2)`) {
		t.Errorf("Errors = %q, want the duplicate on line 6 only", pf.Errors)
	}
	if len(pf.Entries) != 3 {
		t.Fatalf("got %d entries", len(pf.Entries))
	}
	bad := pf.Entries[1]
	if bad.Name != "worker" || bad.Line != 3 || bad.Raw != `bundle exec sidekiq -c "5` {
		t.Errorf("bad entry %+v", bad)
	}
	if !strings.HasPrefix(bad.ParseError, "Procfile:3:") || !strings.Contains(bad.ParseError, "quote") {
		t.Errorf("ParseError = %q", bad.ParseError)
	}
	if bad.Argv != nil {
		t.Errorf("Argv of a rejected line = %q", raws(bad.Argv))
	}
}

func TestParseProcfileEmptyAndBOM(t *testing.T) {
	if pf := parseProcfileString(t, ""); len(pf.Entries) != 0 || len(pf.Errors) != 0 {
		t.Errorf("empty file: %+v", pf)
	}
	pf := parseProcfileString(t, "\uFEFFweb: bundle exec puma")
	if len(pf.Entries) != 1 || pf.Entries[0].Name != "web" || pf.Entries[0].Span.Start.Col != 4 {
		t.Errorf("BOM: %+v", pf)
	}
}

func TestParseProcfileAllCommands(t *testing.T) {
	pf := parseProcfileString(t, "web: A=1 && unset PORT && (cd app; bundle exec puma | tee log) &\n")
	e := pf.Entries[0]
	var got [][]string
	for _, c := range e.AllCommands {
		got = append(got, raws(c))
	}
	want := [][]string{{"A=1"}, {"unset", "PORT"}, {"cd", "app"}, {"bundle", "exec", "puma"}, {"tee", "log"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllCommands (-want +got):\n%s", diff)
	}
	if !e.Compound || e.Program != "puma" || len(e.Env) != 1 || e.Env[0].Name != "A" {
		t.Errorf("entry %+v", shapeOf(e))
	}
	simple := parseProcfileString(t, "web: bundle exec puma\n").Entries[0]
	if simple.Compound || len(simple.AllCommands) != 1 {
		t.Errorf("simple line: compound %v, %d commands", simple.Compound, len(simple.AllCommands))
	}
}

func TestProcfileWrappedBy(t *testing.T) {
	e := parseProcfileString(t, "web: ./bin/start-pgbouncer-stunnel bundle exec puma\n").Entries[0]
	if !e.WrappedBy("start-pgbouncer-stunnel") || e.WrappedBy("start-pgbouncer") || !e.WrappedBy("bundle") {
		t.Errorf("WrappedBy wrong for %q", raws(e.Wrappers))
	}
	e = parseProcfileString(t, "web: bundle install\n").Entries[0]
	if e.Program != "bundle" || len(e.Wrappers) != 0 {
		t.Errorf("bundle install: %+v", shapeOf(e))
	}
}

func TestWordParts(t *testing.T) {
	argv := func(cmd string) []Word {
		t.Helper()
		pf := parseProcfileString(t, "p: "+cmd+"\n")
		if len(pf.Entries) != 1 || pf.Entries[0].ParseError != "" {
			t.Fatalf("parse %q: %+v", cmd, pf)
		}
		return pf.Entries[0].Argv
	}
	tests := []struct {
		word string
		want []WordPart
	}{
		{`plain`, []WordPart{{Lit: "plain"}}},
		{`'sin gle'`, []WordPart{{Lit: "sin gle"}}},
		{`"dou\"ble\$"`, []WordPart{{Lit: `dou"ble$`}}},
		{`a\ b`, []WordPart{{Lit: "a b"}}},
		{`--conc'urr'ency=5`, []WordPart{{Lit: "--concurrency=5"}}},
		{`""`, []WordPart{{Lit: ""}}},
		{`$X`, []WordPart{{Param: "X"}}},
		{`${X}`, []WordPart{{Param: "X"}}},
		{`"${X}"`, []WordPart{{Param: "X"}}},
		{`pre${X}post`, []WordPart{{Lit: "pre"}, {Param: "X"}, {Lit: "post"}}},
		{`${X-5}`, []WordPart{{Param: "X", Default: &Word{Raw: "5", Parts: []WordPart{{Lit: "5"}}}}}},
		{`${X:-}`, []WordPart{{Param: "X", ColonDefault: true, Default: &Word{}}}},
		{`${X:-${Y:-3}}`, []WordPart{{Param: "X", ColonDefault: true, Default: &Word{
			Raw: "${Y:-3}", Parts: []WordPart{{Param: "Y", ColonDefault: true, Default: &Word{Raw: "3", Parts: []WordPart{{Lit: "3"}}}}}}}}},
		{`$(nproc)`, []WordPart{{Unsupported: "$(nproc)"}}},
		{`${X:=4}`, []WordPart{{Unsupported: "${X:=4}"}}},
		{`$((2*3))`, []WordPart{{Unsupported: "$((2*3))"}}},
		{`${#X}`, []WordPart{{Unsupported: "${#X}"}}},
		{`$1`, []WordPart{{Unsupported: "$1"}}},
		{`{a,b}`, []WordPart{{Lit: "{a,b}"}}},
		// Brace expansion is never performed: it would not be one word, and
		// {a,b}{a,b}... grows exponentially.
		{`x\ {a,b}` + strings.Repeat("{a,b}", 40), []WordPart{{Lit: `x\ {a,b}` + strings.Repeat("{a,b}", 40)}}},
		{`x\ {1..999999999}`, []WordPart{{Lit: `x\ {1..999999999}`}}},
		{`*.rb`, []WordPart{{Lit: "*.rb"}}},
		{`~/x`, []WordPart{{Lit: "~/x"}}},
	}
	ignoreSpans := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Span" }, cmp.Ignore())
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			ws := argv("prog " + tt.word)
			if len(ws) != 2 {
				t.Fatalf("argv = %q", raws(ws))
			}
			if ws[1].Raw != tt.word {
				t.Errorf("Raw = %q", ws[1].Raw)
			}
			if diff := cmp.Diff(tt.want, ws[1].Parts, ignoreSpans); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWordLiteral(t *testing.T) {
	if s, ok := (Word{Parts: []WordPart{{Lit: "a"}, {Lit: "b"}}}).Literal(); !ok || s != "ab" {
		t.Errorf("Literal = %q %v", s, ok)
	}
	if s, ok := (Word{}).Literal(); !ok || s != "" {
		t.Errorf("empty Literal = %q %v", s, ok)
	}
	if _, ok := (Word{Parts: []WordPart{{Lit: "a"}, {Param: "B"}}}).Literal(); ok {
		t.Error("Literal of an expansion reported ok")
	}
	if _, ok := (Word{Parts: []WordPart{{Unsupported: "$(x)"}}}).Literal(); ok {
		t.Error("Literal of a command substitution reported ok")
	}
}

func TestFlag(t *testing.T) {
	argv := func(cmd string) []Word {
		t.Helper()
		return parseProcfileString(t, "p: "+cmd+"\n").Entries[0].Argv
	}
	names := []string{"-c", "--concurrency"}
	tests := []struct {
		cmd    string
		want   string // Raw of the value
		lit    string // its literal text, when literal
		at     int
		absent bool
	}{
		{cmd: "sidekiq -c 5", want: "5", lit: "5", at: 1},
		{cmd: "sidekiq -c5", want: "5", lit: "5", at: 1},
		{cmd: "sidekiq --concurrency=5", want: "5", lit: "5", at: 1},
		{cmd: "sidekiq --concurrency 5", want: "5", lit: "5", at: 1},
		{cmd: "sidekiq -c ${SIDEKIQ_CONCURRENCY:-5}", want: "${SIDEKIQ_CONCURRENCY:-5}", at: 1},
		{cmd: "sidekiq -c${C:-5}", want: "${C:-5}", at: 1},
		{cmd: "sidekiq --concurrency=$C", want: "$C", at: 1},
		{cmd: "sidekiq -q critical,7 -q default -c 3", want: "3", lit: "3", at: 5},
		{cmd: "sidekiq -c 3 -c 4", want: "4", lit: "4", at: 3},
		{cmd: "sidekiq -c -c", want: "-c", lit: "-c", at: 1},
		{cmd: "sidekiq --$X -c 6", want: "6", lit: "6", at: 2},
		{cmd: "sidekiq -t 25", absent: true},
		{cmd: "sidekiq -C config/sidekiq.yml", absent: true},
		{cmd: "sidekiq -c", absent: true},
		{cmd: "sidekiq -- -c 5", absent: true},
		{cmd: "sidekiq --concurrencyX=5", absent: true},
		{cmd: `sidekiq "--concurrency=5"`, want: `"--concurrency=5"`, lit: "5", at: 1},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			a := argv(tt.cmd)
			v, at, ok := Flag(a, names...)
			if ok == tt.absent {
				t.Fatalf("ok = %v", ok)
			}
			if HasFlag(a, names...) != !tt.absent && tt.cmd != "sidekiq -c" {
				t.Errorf("HasFlag disagrees with Flag")
			}
			if tt.absent {
				return
			}
			if v.Raw != tt.want || at != tt.at {
				t.Errorf("value %q at %d, want %q at %d", v.Raw, at, tt.want, tt.at)
			}
			if lit, isLit := v.Literal(); isLit != (tt.lit != "") || lit != tt.lit {
				t.Errorf("Literal = %q %v, want %q", lit, isLit, tt.lit)
			}
		})
	}
}

func TestFlagValueSpanShifted(t *testing.T) {
	f := NewFile("Procfile", "/app/Procfile", []byte("worker: sidekiq --concurrency=12\n"))
	e := ParseProcfile(f).Entries[0]
	v, _, _ := Flag(e.Argv, "--concurrency")
	if got := string(f.Src[v.Span.Start.Offset:v.Span.End.Offset]); got != "12" || v.Span.Start.Col != 31 {
		t.Errorf("value span %q at col %d", got, v.Span.Start.Col)
	}
}

func TestHasFlag(t *testing.T) {
	a := parseProcfileString(t, "p: puma --preload -w 2\n").Entries[0].Argv
	if !HasFlag(a, "--preload") || !HasFlag(a, "-w", "--workers") || HasFlag(a, "-t", "--threads") {
		t.Errorf("HasFlag wrong for %q", raws(a))
	}
}
