package deploy

import (
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// The follower's statements and commands: what runs, in order, and which
// command starts the process (script.go has the follower itself).

// walk runs the statements in order; stop is set once the script cannot go
// on (exec, a foreground server, exit, wait).
func (fl *follower) walk(fr *frame, stmts []*syntax.Stmt) (out []Followed, stop bool) {
	for _, st := range stmts {
		procs, done := fl.stmt(fr, st)
		out = append(out, procs...)
		if done || fl.gaveUp {
			return out, true
		}
	}
	return out, false
}

func (fl *follower) stmt(fr *frame, st *syntax.Stmt) ([]Followed, bool) {
	if st.Negated || st.Cmd == nil {
		return nil, false
	}
	bg := st.Background || st.Coprocess
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		e := fl.parse(fr, c)
		if e.ParseError != "" {
			return nil, false
		}
		if len(c.Args) == 0 {
			fl.assign(fr, e.Env)
			return nil, false
		}
		procs, stop := fl.call(fr, e, c, bg)
		return procs, stop && !bg
	case *syntax.DeclClause:
		if c.Variant.Value == "export" {
			fl.assign(fr, fl.parse(fr, c).Env)
		}
		return nil, false
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			return fl.stmt(fr, c.X)
		}
		out, stop := fl.stmt(fr, c.X)
		if stop {
			return out, true
		}
		more, stop := fl.stmt(fr, c.Y)
		return append(out, more...), stop
	case *syntax.Block:
		procs, stop := fl.walk(fr, c.Stmts)
		return procs, stop && !bg
	case *syntax.Subshell:
		sub := fr.child(fr.f, fr.args, nil, fr.via)
		sub.text, sub.base, sub.at, sub.depth, sub.funcs = fr.text, fr.base, fr.at, fr.depth, fr.funcs
		procs, stop := fl.walk(sub, c.Stmts)
		return procs, stop && !bg
	case *syntax.FuncDecl:
		fr.funcs[c.Name.Value] = c.Body
		return nil, false
	case *syntax.IfClause:
		return fl.ifClause(fr, st, c)
	case *syntax.CaseClause:
		return fl.caseClause(fr, st, c)
	}
	// Loops and the rest: harmless unless they start a server.
	if fl.startsSomething(fr, st) {
		fl.notModeled(fr, st, "starts its server inside a loop")
		return nil, true
	}
	return nil, false
}

// startsSomething reports whether a statement contains a command that
// starts a server or worker, or runs a script or an exec.
func (fl *follower) startsSomething(fr *frame, n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(x syntax.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			return false
		case *syntax.CallExpr:
			if len(x.Args) == 0 {
				return true
			}
			e := fl.parse(fr, x)
			if serverCommand(e.Argv) || execs(e) || namesScript(fl.r, e.Argv) {
				found = true
			}
			if len(e.Argv) > 0 && fr.funcs[literalOf(e.Argv[0])] != nil {
				found = true
			}
		}
		return true
	})
	return found
}

// call runs one simple command of the script.
func (fl *follower) call(fr *frame, e parser.ProcfileEntry, c *syntax.CallExpr, bg bool) ([]Followed, bool) {
	passThrough := passesArgsOn(fr, e)
	argv, changed := fl.positional(fr, e.Argv)
	if changed {
		re := parser.ParseWords(fr.f, fl.name, argv, e.Span)
		re.Env = append(append([]parser.Assign(nil), e.Env...), re.Env...)
		re.Wrappers = append(append([]parser.Word(nil), e.Wrappers...), re.Wrappers...)
		e = re
	}
	if len(e.Argv) == 0 {
		if execs(e) {
			return nil, false // `exec >log 2>&1`: a redirection
		}
		return nil, false
	}
	prog, _ := e.Argv[0].Literal()
	switch prog {
	case "wait", "exit":
		return nil, true
	case "shift":
		n := 1
		if len(e.Argv) > 1 {
			if k, err := strconv.Atoi(literalOf(e.Argv[1])); err == nil {
				n = k
			}
		}
		fr.args = fr.args[min(max(n, 0), len(fr.args)):]
		return nil, false
	case ".", "source":
		return fl.source(fr, e, c)
	}
	if body := fr.funcs[prog]; body != nil && !strings.Contains(prog, "/") {
		if fr.depth >= maxScriptDepth {
			fl.notModeled(fr, c, "calls "+prog+" beyond "+strconv.Itoa(maxScriptDepth)+" levels of scripts and functions")
			return nil, true
		}
		sub := fr.child(fr.f, e.Argv[1:], e.Env, fr.via)
		sub.text, sub.base, sub.at, sub.funcs = fr.text, fr.base, fr.at, fr.funcs
		procs, stop := fl.walk(sub, []*syntax.Stmt{body})
		if execs(e) {
			stop = true
		}
		return procs, stop
	}
	procs, stop := fl.commandAt(fr, e, c, bg, passThrough)
	return procs, stop
}

// commandAt decides what one command of a script starts; passThrough marks
// its line as one that runs the script's arguments unchanged.
func (fl *follower) commandAt(fr *frame, e parser.ProcfileEntry, n syntax.Node, bg, passThrough bool) ([]Followed, bool) {
	sub := fr.child(fr.f, nil, nil, fl.hop(fr, n, passThrough))
	sub.depth = fr.depth
	sub.env, sub.vars = fr.env, fr.vars
	procs, stop := fl.command(sub, e, e.Wrappers, bg)
	if !stop && execs(e) && len(procs) == 0 && !fl.gaveUp {
		prog, _ := e.Argv[0].Literal()
		if prog == "" {
			prog = e.Argv[0].Raw
		}
		fl.notModeled(fr, n, "execs "+prog+", a program poollint does not follow")
		return nil, true
	}
	return procs, stop
}

// command decides what e starts, fr being the frame it runs in (its via
// already ends at e's line). wrappers are the words peeled before it.
func (fl *follower) command(fr *frame, e parser.ProcfileEntry, wrappers []parser.Word, bg bool) ([]Followed, bool) {
	argv := e.Argv
	for len(argv) > 0 {
		switch programName(argv) {
		case "thrust", "nice", "chpst":
			wrappers = append(append([]parser.Word(nil), wrappers...), argv[0])
			argv = argv[1:]
			continue
		}
		break
	}
	if len(argv) == 0 {
		return nil, false
	}
	lit, _ := argv[0].Literal()
	switch programName(argv) {
	case "sh", "bash", "dash":
		return fl.shell(fr, e, argv, bg)
	case "foreman", "overmind", "hivemind":
		if len(argv) > 1 && literalOf(argv[1]) == "start" || programName(argv) == "hivemind" {
			return fl.procfile(fr, e, argv), !bg
		}
	}
	if serverCommand(argv) {
		out := e
		out.Name = fl.name
		out.Argv = argv
		out.Program = programName(argv)
		out.Wrappers = wrappers
		out.Env = append(append([]parser.Assign(nil), fr.env...), e.Env...)
		out.Compound = true
		return []Followed{{Entry: &out, Via: fr.via}}, !bg
	}
	if f, ok := scriptFile(fl.r, lit); ok {
		return fl.script(fr, f, e, argv[1:], bg)
	}
	return nil, false
}

// script follows a script file of the app.
func (fl *follower) script(fr *frame, f *parser.File, e parser.ProcfileEntry, args []parser.Word, bg bool) ([]Followed, bool) {
	if fl.active[f.Path] {
		fl.r.Problem(e.Span, "the \""+fl.name+"\" command runs "+f.Path+" again from inside itself; poollint stopped following it there", true)
		return nil, false
	}
	if fr.depth >= maxScriptDepth {
		fl.r.Problem(e.Span, "the \""+fl.name+"\" command runs scripts more than "+strconv.Itoa(maxScriptDepth)+" levels deep; poollint did not follow "+f.Path, true)
		fl.gaveUp = true
		return nil, true
	}
	file, err := parseScript(f.Src)
	if err != nil {
		fl.r.Problem(f.Span(0, 0), f.Path+" is not a shell script poollint can read ("+err.Error()+"); the process it starts was not modeled", true)
		fl.gaveUp = true
		return nil, true
	}
	fl.active[f.Path] = true
	defer delete(fl.active, f.Path)
	sub := fr.child(f, args, e.Env, fr.via)
	sub.givenArgs = len(args)
	procs, stop := fl.walk(sub, file.Stmts)
	if len(procs) == 0 && !fl.gaveUp && execs(e) {
		fl.nothingStarted(e, f.Path)
		return nil, true
	}
	return procs, stop
}

// shell follows `sh -c 'text'` and `sh script.sh args`.
func (fl *follower) shell(fr *frame, e parser.ProcfileEntry, argv []parser.Word, bg bool) ([]Followed, bool) {
	i := 1
	for i < len(argv) {
		opt := literalOf(argv[i])
		if shellCommandOption(opt) && i+1 < len(argv) {
			text, ok := argv[i+1].Literal()
			if !ok {
				return nil, false
			}
			file, err := parseScript([]byte(text))
			if err != nil {
				return nil, false
			}
			at := argv[i+1].Span
			sub := fr.child(fr.f, argv[i+2:], e.Env, fr.via)
			sub.depth = fr.depth
			sub.text, sub.at = text, &at
			procs, stop := fl.walk(sub, file.Stmts)
			return procs, stop || !bg
		}
		if !strings.HasPrefix(opt, "-") {
			break
		}
		i++
	}
	if i >= len(argv) {
		return nil, false
	}
	if f, ok := shellFile(fl.r, literalOf(argv[i])); ok {
		return fl.script(fr, f, e, argv[i+1:], bg)
	}
	return nil, false
}

// shellCommandOption says whether a shell option word reads the command
// from the next argument: `-c`, or `-c` among combined single-letter
// options (`bash -lc`, `sh -ec`), as systemd units and Procfiles write it.
func shellCommandOption(opt string) bool {
	if len(opt) < 2 || opt[0] != '-' || opt[1] == '-' {
		return false
	}
	for _, r := range opt[1:] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return strings.ContainsRune(opt[1:], 'c')
}

// source reads `. file` for the assignments it makes.
func (fl *follower) source(fr *frame, e parser.ProcfileEntry, n syntax.Node) ([]Followed, bool) {
	if len(e.Argv) < 2 {
		return nil, false
	}
	f, ok := shellFile(fl.r, literalOf(e.Argv[1]))
	if !ok || fl.active[f.Path] {
		return nil, false
	}
	file, err := parseScript(f.Src)
	if err != nil {
		return nil, false
	}
	fl.active[f.Path] = true
	defer delete(fl.active, f.Path)
	sub := &frame{f: f, text: string(f.Src), args: fr.args, env: fr.env, vars: fr.vars, via: fl.hop(fr, n, false), funcs: fr.funcs, depth: fr.depth + 1, givenArgs: -1, inherited: len(fr.env)}
	procs, stop := fl.walk(sub, file.Stmts)
	fr.env = sub.env
	return procs, stop
}

// procfile follows `foreman start [-f Procfile.X] [name]`: every line of
// that Procfile (or the named one) is a process of the caller.
func (fl *follower) procfile(fr *frame, e parser.ProcfileEntry, argv []parser.Word) []Followed {
	rel, only := "Procfile", ""
	for i := 2; i < len(argv); i++ {
		opt := literalOf(argv[i])
		switch {
		case (opt == "-f" || opt == "--procfile") && i+1 < len(argv):
			rel = literalOf(argv[i+1])
			i++
		case strings.HasPrefix(opt, "--procfile="):
			rel = strings.TrimPrefix(opt, "--procfile=")
		case (opt == "-c" || opt == "-m" || opt == "--formation" || opt == "-p" || opt == "--port" ||
			opt == "-d" || opt == "--root" || opt == "-e" || opt == "--env" || opt == "-l") && i+1 < len(argv):
			i++
		case !strings.HasPrefix(opt, "-") && opt != "":
			only = opt
		}
	}
	rel = strings.TrimPrefix(path.Clean(rel), "./")
	f := fl.r.Read(rel)
	if f == nil {
		fl.r.Problem(e.Span, "the \""+fl.name+"\" command starts the processes of "+rel+", which poollint could not read", true)
		fl.gaveUp = true
		return nil
	}
	var out []Followed
	pf := parser.ParseProcfile(f)
	for i := range pf.Entries {
		pe := pf.Entries[i]
		if only != "" && pe.Name != only {
			continue
		}
		pe.Name = fl.name
		sub := fr.child(f, nil, e.Env, append(append([]Hop(nil), fr.via...), Hop{File: f.Path, Line: pe.Line}))
		sub.depth = fr.depth
		if pe.ParseError != "" {
			continue
		}
		sub.env = append(sub.env, pe.Env...)
		fl.seedVars(sub, pe.Env)
		pe.Env = nil
		procs, _ := fl.command(sub, pe, pe.Wrappers, true)
		out = append(out, procs...)
		if fl.gaveUp {
			return nil
		}
	}
	return out
}

// positional replaces "$@", "$*" and "$N" words with the arguments the
// script was given.
func (fl *follower) positional(fr *frame, argv []parser.Word) ([]parser.Word, bool) {
	changed := false
	var out []parser.Word
	for _, w := range argv {
		if len(w.Parts) == 1 {
			p := w.Parts[0]
			switch {
			case p.Unsupported == "$@" || p.Unsupported == "${@}" || p.Unsupported == "$*" || p.Unsupported == "${*}":
				out = append(out, fr.args...)
				changed = true
				continue
			case positionalIndex(p) > 0:
				if n := positionalIndex(p); n <= len(fr.args) {
					out = append(out, fr.args[n-1])
				}
				changed = true
				continue
			}
		}
		out = append(out, w)
	}
	return out, changed
}
