package parser

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Assign is a variable assignment that reaches a program: FOO=bar before
// the command, after `env`, or an `export FOO=bar` earlier on the line.
type Assign struct {
	Name  string
	Value Word
	Span  Span
}

// ProcfileEntry is one process type of a Procfile ("web: bundle exec puma").
type ProcfileEntry struct {
	Name        string // "web", "worker", "release"
	Line        int
	Span        Span   // the whole line
	CommandSpan Span   // from the first char of the command to end of line
	Raw         string // the command text as written (CommandSpan's text)

	// Env lists the assignments the program sees, in order: leading
	// `A=1 B=2 cmd`, then those after `env`. On a compound line, `export A=1`
	// and bare `A=1` commands before the chosen command come first: Heroku
	// config vars are already exported, so even a bare assignment reaches
	// the program in practice.
	Env []Assign

	// Wrappers are the words peeled off before the real program, in order,
	// with their options: `bin/start-pgbouncer`, `bin/start-pgbouncer-stunnel`,
	// `bundle` `exec`, `env` `-i`, `jemalloc.sh`, `exec`. Use WrappedBy to ask
	// for one. `bin/rails` is a program, never a wrapper.
	Wrappers []Word

	// Argv is the real program and its arguments: ["puma", "-C",
	// "config/puma.rb"], ["sidekiq", "-c", "${SIDEKIQ_CONCURRENCY:-5}"].
	Argv []Word

	// Program is the base name of Argv[0] ("puma", "sidekiq", "rails",
	// "rake", "jobs", "thrust"...), empty when Argv[0] is not literal.
	Program string

	// Compound is set when the line is not exactly one simple command
	// (`a && b`, `unset PORT && bin/rails server`, pipes, `;`, subshells).
	// Argv is then that of the last command that starts a server or worker,
	// else the last command; AllCommands lists every simple command's words
	// as written (wrappers included), in order. For a simple line
	// AllCommands holds its one command.
	Compound    bool
	AllCommands [][]Word

	// ParseError is non-empty when the shell parser rejected the command
	// ("Procfile:3:20: reached EOF without closing quote '"); Raw is still set.
	ParseError string
}

// WrappedBy reports whether the program runs under a wrapper whose base
// name is base ("start-pgbouncer", "jemalloc.sh", "bundle").
func (e *ProcfileEntry) WrappedBy(base string) bool {
	for _, w := range e.Wrappers {
		if lit, ok := w.Literal(); ok && path.Base(lit) == base {
			return true
		}
	}
	return false
}

// Procfile is a parsed Procfile. Skipped lists the lines that are not
// process lines (no "name:" prefix, no command): foreman reads each line
// with /^([A-Za-z0-9_]+):\s*(.+)$/ and "all other lines are ignored"
// (lib/foreman/procfile.rb), so they are valid and run nothing. Errors
// lists a repeated name. Both as "Procfile:LINE:COL: message"; lines the
// shell cannot parse are entries with ParseError.
type Procfile struct {
	Entries []ProcfileEntry
	Skipped []string
	Errors  []string
}

// ParseProcfile reads a Procfile the way Heroku and foreman do: one
// "name: command" per line, where name matches [A-Za-z0-9_-]+ at the start
// of the line and the command is a bash command line. Blank lines and lines
// starting with # are skipped; CRLF line ends are accepted. It never fails
// as a whole: every problem is recorded against its line.
func ParseProcfile(f *File) *Procfile {
	pf := &Procfile{}
	sh := getBashParser()
	defer putBashParser(sh)
	firstLine := map[string]int{}
	for line := 1; line <= f.Lines.LineCount(); line++ {
		start, _ := f.Lines.LineBounds(line)
		text := f.LineText(line)
		if line == 1 && strings.HasPrefix(text, "\uFEFF") {
			// Editors on Windows save a byte order mark; it is not part of
			// the first process name.
			start += len("\uFEFF")
			text = text[len("\uFEFF"):]
		}
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		name, cmdAt, ok := splitProcfileLine(text)
		if !ok {
			pf.Skipped = append(pf.Skipped, fmt.Sprintf("%s:%d:1: %q is not a \"name: command\" line (a name of letters, digits, _ or - at the start of the line); foreman skips it (it reads only such lines), so it runs nothing", f.Path, line, trimmed))
			continue
		}
		if cmdAt == len(text) {
			pf.Skipped = append(pf.Skipped, fmt.Sprintf("%s:%d:1: process %q has no command; foreman skips the line, so it runs nothing", f.Path, line, name))
			continue
		}
		if prev, dup := firstLine[name]; dup {
			pf.Errors = append(pf.Errors, fmt.Sprintf("%s:%d:1: process %q is defined again (first on line %d)", f.Path, line, name, prev))
		} else {
			firstLine[name] = line
		}
		e := ProcfileEntry{
			Name:        name,
			Line:        line,
			Span:        f.Span(start, start+len(text)),
			CommandSpan: f.Span(start+cmdAt, start+len(text)),
			Raw:         text[cmdAt:],
		}
		parseCommand(sh, wordBuilder{f: f, src: e.Raw, base: start + cmdAt}, &e)
		pf.Entries = append(pf.Entries, e)
	}
	return pf
}

// splitProcfileLine splits "name: command" at the first ':' after a valid
// name. cmdAt is the byte index in text where the command starts (after
// the blanks that follow the colon).
func splitProcfileLine(text string) (name string, cmdAt int, ok bool) {
	colon := strings.IndexByte(text, ':')
	if colon <= 0 {
		return "", 0, false
	}
	for _, c := range text[:colon] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "", 0, false
		}
	}
	cmdAt = colon + 1
	for cmdAt < len(text) && (text[cmdAt] == ' ' || text[cmdAt] == '\t') {
		cmdAt++
	}
	// Trailing blanks are not a command either.
	if strings.TrimSpace(text[cmdAt:]) == "" {
		cmdAt = len(text)
	}
	return text[:colon], cmdAt, true
}

// shellCmd is one simple command of a Procfile line.
type shellCmd struct {
	words    []Word   // every word as written
	assigns  []Assign // assignments the program sees
	wrappers []Word
	argv     []Word
	// persists is set for `export A=1` and a bare `A=1`: their assignments
	// carry over to the commands after them.
	persists bool
}

// parseCommand parses e.Raw with the shell parser and fills in the
// command fields of e.
func parseCommand(sh *syntax.Parser, b wordBuilder, e *ProcfileEntry) {
	file, err := parseShell(sh, b.src)
	if err != nil {
		e.ParseError = shellErrorAt(b, err)
		return
	}
	var cmds []shellCmd
	for _, st := range file.Stmts {
		collectCommands(sh, b, st, &cmds)
	}
	_, simple := singleCall(file)
	e.Compound = !simple
	chosen := lastCommand(cmds, func(c shellCmd) bool { return startsServerOrWorker(programName(c.argv)) })
	if chosen < 0 {
		chosen = lastCommand(cmds, func(c shellCmd) bool { return len(c.argv) > 0 })
	}
	for i, c := range cmds {
		e.AllCommands = append(e.AllCommands, c.words)
		if c.persists && (chosen < 0 || i < chosen) {
			e.Env = append(e.Env, c.assigns...)
		}
	}
	if chosen < 0 {
		return
	}
	c := cmds[chosen]
	e.Env = append(e.Env, c.assigns...)
	e.Wrappers = c.wrappers
	e.Argv = c.argv
	e.Program = programName(c.argv)
}

func lastCommand(cmds []shellCmd, match func(shellCmd) bool) int {
	for i := len(cmds) - 1; i >= 0; i-- {
		if match(cmds[i]) {
			return i
		}
	}
	return -1
}

// parseShell runs the shell parser, turning a panic inside it into an
// error: a Procfile line is untrusted input and one bad line must not stop
// the linting of the whole app.
func parseShell(sh *syntax.Parser, src string) (file *syntax.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("shell parser failed: %v", r)
		}
	}()
	return sh.Parse(strings.NewReader(src), "")
}

// shellErrorAt formats a shell parse error with its position in the file.
func shellErrorAt(b wordBuilder, err error) string {
	var pe syntax.ParseError
	var le syntax.LangError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("%s: %s", b.span(pe.Pos, pe.Pos), pe.Text)
	case errors.As(err, &le):
		return fmt.Sprintf("%s: %s is not supported", b.span(le.Pos, le.Pos), le.Feature)
	}
	return fmt.Sprintf("%s: %v", b.f.Span(b.base, b.base), err)
}

// singleCall reports whether the line is exactly one simple command.
func singleCall(file *syntax.File) (*syntax.CallExpr, bool) {
	if len(file.Stmts) != 1 {
		return nil, false
	}
	call, ok := file.Stmts[0].Cmd.(*syntax.CallExpr)
	return call, ok
}

// collectCommands appends the simple commands of st in execution order.
func collectCommands(sh *syntax.Parser, b wordBuilder, st *syntax.Stmt, out *[]shellCmd) {
	switch c := st.Cmd.(type) {
	case nil:
	case *syntax.CallExpr:
		*out = append(*out, callCommand(sh, b, c))
	case *syntax.DeclClause:
		*out = append(*out, declCommand(b, c))
	default:
		// &&, ||, pipes, subshells, blocks, if/while/for: the commands are
		// the statements nested inside. Command substitutions are skipped:
		// they produce words, not processes.
		syntax.Walk(c, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.Stmt:
				collectCommands(sh, b, n, out)
				return false
			case *syntax.CmdSubst, *syntax.ProcSubst:
				return false
			}
			return true
		})
	}
}

// callCommand converts a simple command and peels its wrappers.
func callCommand(sh *syntax.Parser, b wordBuilder, c *syntax.CallExpr) shellCmd {
	var cmd shellCmd
	for _, a := range c.Assigns {
		if as, ok := b.assign(a); ok {
			cmd.assigns = append(cmd.assigns, as)
		}
		cmd.words = append(cmd.words, assignWord(b, a))
	}
	args := make([]Word, len(c.Args))
	for i, w := range c.Args {
		args[i] = b.word(w, false)
	}
	cmd.words = append(cmd.words, args...)
	if len(args) == 0 {
		cmd.persists = true
		return cmd
	}
	i := 0
	for i < len(args) {
		n, envAssigns := wrapperAt(sh, b, c.Args, args, i)
		if n == 0 {
			break
		}
		for j := i; j < i+n; j++ {
			if !isAssignWord(envAssigns, args[j]) {
				cmd.wrappers = append(cmd.wrappers, args[j])
			}
		}
		cmd.assigns = append(cmd.assigns, envAssigns...)
		i += n
	}
	cmd.argv = args[i:]
	return cmd
}

// declCommand converts `export A=1` (and declare/readonly/local).
func declCommand(b wordBuilder, c *syntax.DeclClause) shellCmd {
	cmd := shellCmd{persists: c.Variant.Value == "export"}
	cmd.words = append(cmd.words, Word{
		Span:  b.span(c.Variant.Pos(), c.Variant.End()),
		Raw:   c.Variant.Value,
		Parts: []WordPart{{Lit: c.Variant.Value}},
	})
	for _, a := range c.Args {
		if as, ok := b.assign(a); ok && cmd.persists {
			cmd.assigns = append(cmd.assigns, as)
		}
		cmd.words = append(cmd.words, assignWord(b, a))
	}
	return cmd
}

// assignWord renders an assignment as the word it is on the command line,
// for AllCommands.
func assignWord(b wordBuilder, a *syntax.Assign) Word {
	w := Word{Span: b.span(a.Pos(), a.End()), Raw: b.text(a.Pos(), a.End())}
	switch {
	case a.Name == nil:
		if a.Value != nil {
			return b.word(a.Value, false)
		}
	case a.Naked:
		w.Parts = []WordPart{{Lit: a.Name.Value}}
	case a.Array != nil || a.Index != nil:
		w.Parts = []WordPart{{Unsupported: w.Raw}}
	default:
		op := "="
		if a.Append {
			op = "+="
		}
		w.Parts = []WordPart{{Lit: a.Name.Value + op}}
		if a.Value != nil {
			w.Parts = b.parts(a.Value.Parts, false, w.Parts)
		}
	}
	return w
}

func isAssignWord(assigns []Assign, w Word) bool {
	for _, a := range assigns {
		if a.Span == w.Span {
			return true
		}
	}
	return false
}

// wrapperAt reports how many words starting at args[i] form a wrapper
// (program plus its options and, for env, assignments), 0 when args[i] is
// the real program. Wrappers are the programs that exec their arguments
// unchanged, so the process is really the program after them.
func wrapperAt(sh *syntax.Parser, b wordBuilder, raw []*syntax.Word, args []Word, i int) (int, []Assign) {
	lit, ok := args[i].Literal()
	if !ok {
		return 0, nil
	}
	switch lit {
	case "exec", "nohup", "/usr/bin/nohup":
		return 1, nil
	case "env", "/usr/bin/env", "/bin/env":
		// systemd before v239 wants an absolute program path: /usr/bin/env.
		return envWrapper(sh, b, raw, args, i)
	}
	switch path.Base(lit) {
	case "start-pgbouncer", "start-pgbouncer-stunnel", // Heroku PgBouncer buildpack
		"start-stunnel",                    // Heroku Redis stunnel buildpack
		"start-nginx", "start-nginx-debug", // Heroku nginx buildpack
		"jemalloc.sh", // jemalloc buildpack
		"nvm-exec":    // nvm's runner, seen in systemd units before rvm
		return 1, nil
	case "rvm", "chruby-exec":
		// Version managers that exec the command after them:
		// `rvm 3.1.7 do bundle exec sidekiq`, `chruby-exec 3.3 -- bundle …`.
		sep := "do"
		if path.Base(lit) == "chruby-exec" {
			sep = "--"
		}
		for n := 1; i+n < len(args)-1; n++ {
			if w, _ := args[i+n].Literal(); w == sep {
				return n + 1, nil
			}
		}
		return 0, nil
	case "rbenv", "asdf":
		// `rbenv exec bundle exec puma`, `asdf exec bundle exec puma`.
		if i+2 < len(args) {
			if sub, _ := args[i+1].Literal(); sub == "exec" {
				return 2, nil
			}
		}
		return 0, nil
	case "bundle":
		if i+1 >= len(args) {
			return 0, nil
		}
		if sub, _ := args[i+1].Literal(); sub != "exec" {
			return 0, nil // `bundle install` is the program bundle
		}
		n := 2
		for i+n < len(args) {
			opt, _ := args[i+n].Literal()
			if !strings.HasPrefix(opt, "--") {
				break
			}
			n++
			if opt == "--gemfile" {
				n++
			}
		}
		return min(n, len(args)-i), nil
	}
	return 0, nil
}

// envWrapper peels `env [-i] [-u NAME] [NAME=value]...`.
func envWrapper(sh *syntax.Parser, b wordBuilder, raw []*syntax.Word, args []Word, i int) (int, []Assign) {
	var assigns []Assign
	n := 1
	for i+n < len(args) {
		w := args[i+n]
		opt, lit := w.Literal()
		switch {
		case lit && opt == "--":
			n++
			continue
		case lit && (opt == "-u" || opt == "--unset" || opt == "-C" || opt == "--chdir"):
			n += 2
			continue
		case lit && strings.HasPrefix(opt, "-"):
			n++
			continue
		}
		a, ok := envAssign(sh, b, raw[i+n])
		if !ok {
			break
		}
		assigns = append(assigns, a)
		n++
	}
	return min(n, len(args)-i), assigns
}

// envAssign reads an argument of env as an assignment by parsing its
// source text as a shell statement: "PORT=3000" is then an assignment with
// the same quoting and expansions the shell would see.
func envAssign(sh *syntax.Parser, b wordBuilder, w *syntax.Word) (Assign, bool) {
	start := b.offset(w.Pos())
	sub := wordBuilder{f: b.f, src: b.text(w.Pos(), w.End()), base: b.base + start}
	file, err := parseShell(sh, sub.src)
	if err != nil {
		return Assign{}, false
	}
	call, ok := singleCall(file)
	if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 {
		return Assign{}, false
	}
	return sub.assign(call.Assigns[0])
}

func programName(argv []Word) string {
	if len(argv) == 0 {
		return ""
	}
	lit, ok := argv[0].Literal()
	if !ok || lit == "" {
		return ""
	}
	return path.Base(lit)
}

// startsServerOrWorker reports whether a program is one whose process the
// linter models; on a compound line it picks the command that matters over
// helpers such as `unset`, `cd` or `echo`.
func startsServerOrWorker(program string) bool {
	switch program {
	case "puma", "pumactl", "unicorn", "unicorn_rails", "rails", "rake", "rackup",
		"thin", "falcon", "passenger", "iodine", "thrust",
		"sidekiq", "sidekiqswarm", "good_job", "jobs", "solid_queue",
		"resque", "resque-pool", "que", "delayed_job", "shoryuken":
		return true
	}
	return false
}
