package deploy

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// shellScript follows `bash -lc 'exec bundle exec sidekiq'` (sh, dash, zsh
// too) into its script: the process is what the script runs, parsed with
// the same command parser, and the assignments written before the shell
// (`env A=1 bash -c …`) still reach it. Anything else is returned as is.
func shellScript(f *parser.File, e parser.ProcfileEntry) parser.ProcfileEntry {
	switch e.Program {
	case "bash", "sh", "dash", "zsh":
	default:
		return e
	}
	i, withC := 1, false
	for ; i < len(e.Argv); i++ {
		opt, ok := e.Argv[i].Literal()
		if !ok || !strings.HasPrefix(opt, "-") || opt == "-" || strings.HasPrefix(opt, "--") {
			break
		}
		withC = withC || strings.Contains(opt, "c")
	}
	if !withC || i >= len(e.Argv) {
		return e
	}
	w := e.Argv[i]
	script, ok := w.Literal()
	if !ok {
		return e
	}
	var inner parser.ProcfileEntry
	s, end := w.Span.Start.Offset, w.Span.End.Offset
	if end-s == len(script)+2 && end <= len(f.Src) && string(f.Src[s+1:end-1]) == script && (f.Src[s] == '\'' || f.Src[s] == '"') {
		inner = parser.ParseCommand(f, e.Name, s+1, end-1) // in place: every word keeps its offset
	} else {
		inner = parser.ParseCommandText(f, e.Name, script, w.Span)
	}
	if inner.ParseError != "" || len(inner.Argv) == 0 {
		return e
	}
	inner.Env = append(append([]parser.Assign{}, e.Env...), inner.Env...)
	inner.Wrappers = append(append(append([]parser.Word{}, e.Wrappers...), e.Argv[:i+1]...), inner.Wrappers...)
	inner.Line, inner.Span, inner.CommandSpan, inner.Raw = e.Line, e.Span, e.CommandSpan, e.Raw
	return inner
}
