package deploy

import (
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// Which words name a server, and which name a script of the app the
// follower reads.

// serverCommand reports whether argv starts a server or worker poollint
// models (not a one-off task such as `rails db:prepare`).
func serverCommand(argv []parser.Word) bool {
	switch programName(argv) {
	case "puma", "pumactl", "unicorn", "unicorn_rails", "sidekiq", "sidekiqswarm",
		"good_job", "jobs", "solid_queue", "rackup", "thin", "falcon", "iodine",
		"resque-pool", "shoryuken", "que":
		return true
	case "rails", "rake":
		if len(argv) < 2 {
			return false
		}
		switch literalOf(argv[1]) {
		case "server", "s", "solid_queue:start", "jobs:work", "resque:work", "good_job:start":
			return true
		}
	}
	return false
}

// execs reports whether the command is run by the exec builtin, which
// replaces the script: nothing after it runs.
func execs(e parser.ProcfileEntry) bool {
	return len(e.Wrappers) > 0 && literalOf(e.Wrappers[0]) == "exec"
}

func programName(argv []parser.Word) string {
	if len(argv) == 0 {
		return ""
	}
	lit, ok := argv[0].Literal()
	if !ok {
		return ""
	}
	return path.Base(lit)
}

func literalOf(w parser.Word) string {
	s, _ := w.Literal()
	return s
}

// positionalIndex is N for a part written $N or ${N}, else 0.
func positionalIndex(p parser.WordPart) int {
	u := p.Unsupported
	switch {
	case strings.HasPrefix(u, "${") && strings.HasSuffix(u, "}"):
		u = u[2 : len(u)-1]
	case strings.HasPrefix(u, "$"):
		u = u[1:]
	default:
		return 0
	}
	n, err := strconv.Atoi(u)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// scriptFile returns the app's shell script a command word names: a path
// (`bin/start-app`, `./docker/run.sh`, `/rails/bin/start` inside the
// image) whose file starts with a shell's #! line or ends in .sh. Ruby
// binstubs (bin/rails, bin/jobs) are programs, not scripts.
func scriptFile(r Reader, word string) (*parser.File, bool) {
	if !strings.Contains(word, "/") && !strings.HasSuffix(word, ".sh") {
		return nil, false
	}
	for _, rel := range candidatePaths(word) {
		if f := r.Read(rel); f != nil && isShellScript(f) {
			return f, true
		}
	}
	return nil, false
}

// shellFile is the file `sh FILE` or `. FILE` reads: any file of the app.
func shellFile(r Reader, word string) (*parser.File, bool) {
	for _, rel := range candidatePaths(word) {
		if f := r.Read(rel); f != nil {
			return f, true
		}
	}
	return nil, false
}

// candidatePaths are the app-relative paths a command word may name: as
// written, and for an absolute path inside the image (WORKDIR /rails),
// each suffix of it.
func candidatePaths(word string) []string {
	if word == "" || strings.ContainsAny(word, "*?[") {
		return nil
	}
	if !strings.HasPrefix(word, "/") {
		rel := path.Clean(word)
		if strings.HasPrefix(rel, "../") || rel == ".." || rel == "." {
			return nil
		}
		return []string{rel}
	}
	parts := strings.Split(strings.TrimPrefix(path.Clean(word), "/"), "/")
	var out []string
	for i := range parts {
		out = append(out, strings.Join(parts[i:], "/"))
	}
	return out
}

func isShellScript(f *parser.File) bool {
	first := f.LineText(1)
	if strings.HasPrefix(first, "#!") {
		interp := strings.Fields(strings.TrimPrefix(first, "#!"))
		if len(interp) == 0 {
			return false
		}
		prog := path.Base(interp[0])
		if prog == "env" && len(interp) > 1 {
			prog = interp[1]
			if prog == "-S" && len(interp) > 2 {
				prog = interp[2]
			}
		}
		switch prog {
		case "sh", "bash", "dash", "ash", "ksh", "zsh":
			return true
		}
		return false
	}
	return strings.HasSuffix(f.Path, ".sh")
}

// parseScript parses a whole script, recovering from a panic in the
// parser (the file is untrusted input).
func parseScript(src []byte) (file *syntax.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, errPanic{r}
		}
	}()
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(string(src)), "")
}

type errPanic struct{ v any }

func (e errPanic) Error() string { return "the shell parser failed" }
