package parser

import (
	"strings"
	"testing"
)

// FuzzParseProcfile checks that any bytes parse without a panic and that
// every span an entry reports lies inside the file, since diagnostics and
// fixes slice the source with them.
func FuzzParseProcfile(f *testing.F) {
	for _, seed := range []string{
		"web: bundle exec puma -C config/puma.rb\n",
		"worker: RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq -c ${C:-5}\r\n",
		"web: env PORT=3000 A+=x B=(1 2) bin/start-pgbouncer bundle exec --gemfile Gemfile puma\n",
		"web: unset PORT && (cd app; bin/rails server | tee log) &\n# c\n\nrelease: bin/rails db:migrate\n",
		"web: bundle exec sidekiq -c \"5\nweb bundle exec puma\n",
		"web: ${X:-${Y:-$(z)}} $'a\\tb' \"$@\" <<EOF\n",
		"\uFEFFweb: export A=1; if true; then puma; fi\n",
	} {
		f.Add([]byte(seed))
	}
	addAppSeeds(f, isProcfileName)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := NewFile("Procfile", "/app/Procfile", src)
		pf := ParseProcfile(file)
		inFile := func(what string, s Span) {
			if s.Start.Offset < 0 || s.End.Offset > len(src) || s.Start.Offset > s.End.Offset {
				t.Fatalf("%s span %v..%v outside a %d-byte file", what, s.Start, s.End, len(src))
			}
		}
		var words func(what string, ws []Word)
		words = func(what string, ws []Word) {
			for _, w := range ws {
				inFile(what, w.Span)
				for _, p := range w.Parts {
					if p.Default != nil {
						words(what+" default", []Word{*p.Default})
					}
				}
			}
		}
		for _, e := range pf.Entries {
			inFile("line", e.Span)
			inFile("command", e.CommandSpan)
			if got := string(src[e.CommandSpan.Start.Offset:e.CommandSpan.End.Offset]); got != e.Raw {
				t.Fatalf("CommandSpan text %q != Raw %q", got, e.Raw)
			}
			if strings.ContainsAny(e.Name, ": \t") {
				t.Fatalf("bad name %q", e.Name)
			}
			for _, a := range e.Env {
				inFile("assign", a.Span)
				words("assign value", []Word{a.Value})
			}
			words("wrapper", e.Wrappers)
			words("argv", e.Argv)
			for _, c := range e.AllCommands {
				words("command word", c)
			}
			Flag(e.Argv, "-c", "--concurrency")
			HasFlag(e.Argv, "-t", "--threads")
		}
	})
}
