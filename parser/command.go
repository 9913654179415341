package parser

import (
	"strings"
)

// Deployment files write commands outside a Procfile: a Kamal role's
// `cmd:`, a Dockerfile's shell-form CMD, a Compose `command:` string. They
// are parsed exactly as a Procfile line's command, so that wrappers, inline
// assignments and flags read the same everywhere.

// ParseCommand parses the shell command written at f.Src[start:end] (a
// YAML plain scalar, a Dockerfile instruction's argument) as the command of
// a process named name. Spans point into f.
func ParseCommand(f *File, name string, start, end int) ProcfileEntry {
	start = max(0, min(start, len(f.Src)))
	end = max(start, min(end, len(f.Src)))
	raw := string(f.Src[start:end])
	e := ProcfileEntry{
		Name:        name,
		Line:        f.Lines.Pos(start).Line,
		Span:        f.Span(start, end),
		CommandSpan: f.Span(start, end),
		Raw:         raw,
	}
	sh := getBashParser()
	defer putBashParser(sh)
	parseCommand(sh, wordBuilder{f: f, src: raw, base: start}, &e)
	return e
}

// ParseCommandText parses text, a command whose source bytes are not
// verbatim in f (a quoted or folded YAML scalar, an ERB-rendered value);
// every word's span is at, where the value is written.
func ParseCommandText(f *File, name, text string, at Span) ProcfileEntry {
	synthetic := NewFile(f.Path, f.Abs, []byte(text))
	e := ParseCommand(synthetic, name, 0, len(text))
	e.Line, e.Span, e.CommandSpan = at.Start.Line, at, at
	e.remapSpans(func(Span) Span { return at })
	return e
}

// ParseExecForm reads an exec-form command (a Dockerfile's
// `CMD ["./bin/thrust", "./bin/rails", "server"]`, a Compose command list):
// each element is one argument, as written, with its own span. whole is the
// span of the instruction.
func ParseExecForm(f *File, name string, args []string, spans []Span, whole Span) ProcfileEntry {
	quoted := make([]string, len(args))
	starts := map[int]Span{}
	off := 0
	for i, a := range args {
		quoted[i] = shellQuote(a)
		if i < len(spans) {
			starts[off] = spans[i]
		}
		off += len(quoted[i]) + 1
	}
	text := strings.Join(quoted, " ")
	synthetic := NewFile(f.Path, f.Abs, []byte(text))
	e := ParseCommand(synthetic, name, 0, len(text))
	e.Line, e.Span, e.CommandSpan = whole.Start.Line, whole, whole
	e.remapSpans(func(s Span) Span {
		if real, ok := starts[s.Start.Offset]; ok {
			return real
		}
		return whole
	})
	return e
}

// shellQuote quotes an argument so that the shell reads it back as one
// literal word.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// remapSpans rewrites the span of every word and assignment of e.
func (e *ProcfileEntry) remapSpans(to func(Span) Span) {
	word := func(w *Word) {
		w.Span = to(w.Span)
		for i := range w.Parts {
			if d := w.Parts[i].Default; d != nil {
				c := *d
				c.Span = to(c.Span)
				w.Parts[i].Default = &c
			}
		}
	}
	for i := range e.Env {
		e.Env[i].Span = to(e.Env[i].Span)
		word(&e.Env[i].Value)
	}
	for i := range e.Wrappers {
		word(&e.Wrappers[i])
	}
	for i := range e.Argv {
		word(&e.Argv[i])
	}
	for _, c := range e.AllCommands {
		for i := range c {
			word(&c[i])
		}
	}
}

// ParseWords reads words that are already parsed — a script's "$@" filled
// with the arguments its caller passed — as one command, so that wrappers
// (`bundle exec`, `env A=1`) are peeled as on a written line. Every word
// keeps its span; whole is the span of the command that assembled them.
func ParseWords(f *File, name string, words []Word, whole Span) ProcfileEntry {
	raws := make([]string, 0, len(words))
	starts := map[int]Span{}
	off := 0
	for _, w := range words {
		raw := w.Raw
		if raw == "" {
			raw = "''"
		}
		starts[off] = w.Span
		raws = append(raws, raw)
		off += len(raw) + 1
	}
	text := strings.Join(raws, " ")
	synthetic := NewFile(f.Path, f.Abs, []byte(text))
	e := ParseCommand(synthetic, name, 0, len(text))
	e.Line, e.Span, e.CommandSpan = whole.Start.Line, whole, whole
	e.remapSpans(func(s Span) Span {
		if real, ok := starts[s.Start.Offset]; ok {
			return real
		}
		return whole
	})
	return e
}

// StartsServerOrWorker reports whether the command runs a program whose
// process the linter models (a server, a job worker, rake, rails): a
// deployment whose command runs anything else (nginx, a node server) is
// not the app.
func (e *ProcfileEntry) StartsServerOrWorker() bool {
	return startsServerOrWorker(e.Program)
}
