package parser

import "testing"

func TestParseCommandKeepsFileSpans(t *testing.T) {
	src := "servers:\n  job:\n    cmd: bundle exec sidekiq -c 10\n"
	f := NewFile("config/deploy.yml", "", []byte(src))
	start := len("servers:\n  job:\n    cmd: ")
	e := ParseCommand(f, "job", start, len(src)-1)
	if e.Program != "sidekiq" || !e.WrappedBy("bundle") {
		t.Fatalf("program %q wrappers %v", e.Program, e.Wrappers)
	}
	w, _, ok := Flag(e.Argv, "-c")
	if !ok || w.Span.Start.Line != 3 || w.Span.Start.Col != 33 {
		t.Fatalf("-c value at %v, want 3:33", w.Span)
	}
}

func TestParseExecFormSpansEachArgument(t *testing.T) {
	src := `CMD ["./bin/thrust", "./bin/rails", "server"]`
	f := NewFile("Dockerfile", "", []byte(src))
	spans := []Span{f.Span(5, 19), f.Span(21, 34), f.Span(36, 44)}
	e := ParseExecForm(f, "web", []string{"./bin/thrust", "./bin/rails", "server"}, spans, f.Span(0, len(src)))
	if len(e.Argv) != 3 || e.Program != "thrust" {
		t.Fatalf("argv %v", e.Argv)
	}
	if e.Argv[1].Span != spans[1] {
		t.Errorf("second word at %v, want %v", e.Argv[1].Span, spans[1])
	}
	if lit, _ := e.Argv[2].Literal(); lit != "server" {
		t.Errorf("third word %q", lit)
	}
}

func TestParseExecFormQuotesOddArguments(t *testing.T) {
	f := NewFile("Dockerfile", "", []byte("CMD"))
	e := ParseExecForm(f, "web", []string{"sh", "-c", "exec puma -t 5:5"}, nil, f.Span(0, 3))
	if lit, _ := e.Argv[2].Literal(); lit != "exec puma -t 5:5" {
		t.Errorf("argument with spaces read as %q", lit)
	}
}

func TestParseWordsPeelsWrappersAndKeepsSpans(t *testing.T) {
	f := NewFile("Procfile", "", []byte("web: bin/start bundle exec sidekiq -c ${C:-5}\n"))
	e := ParseProcfile(f).Entries[0]
	got := ParseWords(f, "web", e.Argv[1:], e.Span)
	if got.Program != "sidekiq" || !got.WrappedBy("bundle") || len(got.Argv) != 3 {
		t.Fatalf("entry %+v", got)
	}
	if got.Argv[2].Span != e.Argv[5].Span || got.Argv[2].Parts[0].Param != "C" {
		t.Errorf("-c value %+v at %v, want %v", got.Argv[2], got.Argv[2].Span, e.Argv[5].Span)
	}
}
