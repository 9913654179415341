package deploy

import (
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// A deployment's command often names a script of the app — `bin/start-app`,
// `docker/run.sh`, `./start.sh`, the argument of `thrust` or `sh -c` —
// that prepares the container and then starts the server. The follower
// reads that script through the app's file gate and walks it as the shell
// would: assignments (`export X=…`, `X=${X:-5}`) are collected in order,
// setup commands (`rails db:prepare`, `echo`) are passed over, and the
// `exec …` or foreground command that starts a server or worker is the
// process, its environment the assignments before it. `"$@"` is the
// arguments the caller passed. Background commands (`cmd &`) and a
// `foreman start -f Procfile.X` line start several processes. A branch
// that chooses the server by a value poollint cannot know is not guessed:
// it is reported, and the command is kept as written (a process poollint
// does not model), so it never causes a failing finding.

// maxScriptDepth bounds a script calling a script calling a script.
const maxScriptDepth = 5

// Hop is one script line on the way from the deployment's command to a
// process: "bin/start-app:4".
type Hop struct {
	File string
	Line int
}

func (h Hop) String() string { return h.File + ":" + strconv.Itoa(h.Line) }

// Followed is one process a command starts through the app's scripts.
type Followed struct {
	// Entry is the command that starts the server, as the script runs it:
	// its Env holds the caller's inline assignments, then the script's
	// assignments before it, then its own; its spans point into the files
	// where each word is written.
	Entry *parser.ProcfileEntry
	Via   []Hop
}

// Chain renders the hops for messages: " → bin/start-app:4".
func Chain(via []Hop) string {
	var sb strings.Builder
	for _, h := range via {
		sb.WriteString(" → ")
		sb.WriteString(h.String())
	}
	return sb.String()
}

// Follow follows e into the app's scripts. ok is false when e does not run
// a script of the app (e is then the process, as written). When it does
// but no process could be told, out is empty and the reason was reported
// through r.Problem as an assumption (info). lookup gives the values the
// environment is known to have, to decide `if`/`case` on them.
func Follow(r Reader, e *parser.ProcfileEntry, lookup func(string) (string, bool)) (out []Followed, ok bool) {
	if e == nil || e.ParseError != "" || !namesScript(r, e.Argv) {
		return nil, false
	}
	fl := &follower{r: r, lookup: lookup, name: e.Name, active: map[string]bool{}, origin: e}
	// The command's own assignments reach the script as the environment
	// it is started in (script, shell and procfile add them); here they
	// only decide branches.
	// A -c text at the top spans the command's own file.
	top := &frame{f: parser.NewFile(e.Span.File, "", nil), vars: map[string]varValue{}, funcs: map[string]*syntax.Stmt{}}
	fl.seedVars(top, e.Env)
	procs, _ := fl.command(top, *e, e.Wrappers, false)
	if fl.gaveUp {
		return nil, true
	}
	if len(procs) == 0 {
		fl.nothingStarted(*e, e.Argv[0].Raw)
	}
	return procs, true
}

// nothingStarted reports a script that starts no process poollint models
// (a Node server, a script that only runs tasks); the command is kept as
// written, a process poollint does not check.
func (fl *follower) nothingStarted(e parser.ProcfileEntry, script string) {
	fl.r.Problem(e.Span, "the \""+fl.name+"\" command runs "+script+", which starts no server or worker poollint knows; poollint did not model the process", true)
	fl.gaveUp = true
}

// namesScript reports whether argv runs (possibly through thrust or sh)
// a shell script of the app.
func namesScript(r Reader, argv []parser.Word) bool {
	for len(argv) > 0 {
		lit, ok := argv[0].Literal()
		if !ok {
			return false
		}
		switch path.Base(lit) {
		case "thrust", "nice", "chpst":
			argv = argv[1:]
			continue
		case "sh", "bash", "dash":
			return true
		case "foreman", "overmind", "hivemind":
			return len(argv) > 1 && literalOf(argv[1]) == "start"
		}
		_, ok = scriptFile(r, lit)
		return ok
	}
	return false
}

type follower struct {
	r      Reader
	lookup func(string) (string, bool)
	name   string
	origin *parser.ProcfileEntry
	active map[string]bool // scripts being walked: calling one again is a cycle
	gaveUp bool
}

// varValue is what the script knows of a variable it assigned.
type varValue struct {
	value string
	known bool
}

// frame is one script (or `sh -c` text, or function body) being walked.
type frame struct {
	f     *parser.File
	text  string       // the source walked (the file, or the -c text)
	base  int          // offset of text in f (files: 0)
	at    *parser.Span // for -c text: every span is the argument's
	args  []parser.Word
	env   []parser.Assign
	vars  map[string]varValue
	via   []Hop
	funcs map[string]*syntax.Stmt
	depth int
}

// child is a frame for a script the current one runs: it inherits the
// environment so far (the caller's assignments are exported to it).
func (fr *frame) child(f *parser.File, args []parser.Word, extra []parser.Assign, hop []Hop) *frame {
	c := &frame{f: f, text: string(f.Src), args: args, via: hop, funcs: map[string]*syntax.Stmt{}, depth: fr.depth + 1}
	c.env = append(append([]parser.Assign(nil), fr.env...), extra...)
	c.vars = map[string]varValue{}
	for k, v := range fr.vars {
		c.vars[k] = v
	}
	return c
}

// value is what the script knows of $name: its own assignment, else the
// deployment's environment.
func (fl *follower) value(fr *frame, name string) (string, bool) {
	if v, ok := fr.vars[name]; ok {
		return v.value, v.known
	}
	if fl.lookup != nil {
		return fl.lookup(name)
	}
	return "", false
}

// eval expands a word when every part of it is known.
func (fl *follower) eval(fr *frame, w parser.Word) (string, bool) {
	var sb strings.Builder
	for _, p := range w.Parts {
		switch {
		case positionalIndex(p) > 0:
			n := positionalIndex(p)
			if n > len(fr.args) {
				continue // a missing argument is empty
			}
			v, ok := fr.args[n-1].Literal()
			if !ok {
				return "", false
			}
			sb.WriteString(v)
		case p.Unsupported != "":
			return "", false
		case p.Param != "":
			v, ok := fl.value(fr, p.Param)
			if ok && (v != "" || !p.ColonDefault || p.Default == nil) {
				sb.WriteString(v)
				continue
			}
			if p.Default == nil || (ok && v == "" && !p.ColonDefault) {
				if !ok {
					return "", false
				}
				continue
			}
			d, dok := fl.eval(fr, *p.Default)
			if !dok {
				return "", false
			}
			if !ok {
				// Unknown: the default applies only when it is unset, which
				// poollint cannot tell.
				return "", false
			}
			sb.WriteString(d)
		default:
			sb.WriteString(p.Lit)
		}
	}
	return sb.String(), true
}

// seedVars records the values of assignments for later decisions.
func (fl *follower) seedVars(fr *frame, as []parser.Assign) {
	for _, a := range as {
		v, ok := fl.eval(fr, a.Value)
		fr.vars[a.Name] = varValue{value: v, known: ok}
	}
}

// assign records assignments that reach the commands after them.
func (fl *follower) assign(fr *frame, as []parser.Assign) {
	fl.seedVars(fr, as)
	fr.env = append(fr.env, as...)
}

// parse reads the simple command at node n of the frame's text.
func (fl *follower) parse(fr *frame, n syntax.Node) parser.ProcfileEntry {
	start, end := int(n.Pos().Offset()), int(n.End().Offset())
	end = min(end, len(fr.text))
	start = min(start, end)
	if fr.at != nil {
		return parser.ParseCommandText(fr.f, fl.name, fr.text[start:end], *fr.at)
	}
	return parser.ParseCommand(fr.f, fl.name, fr.base+start, fr.base+end)
}

// line is the line of node n in the frame's file.
func (fl *follower) line(fr *frame, n syntax.Node) int {
	if fr.at != nil {
		return fr.at.Start.Line
	}
	return fr.f.Lines.Pos(fr.base + int(n.Pos().Offset())).Line
}

func (fl *follower) hop(fr *frame, n syntax.Node) []Hop {
	via := append([]Hop(nil), fr.via...)
	if fr.f != nil && fr.at == nil {
		via = append(via, Hop{File: fr.f.Path, Line: fl.line(fr, n)})
	}
	return via
}

// notModeled reports a script line poollint cannot follow and gives up on
// the whole command: a guess could count the wrong server.
func (fl *follower) notModeled(fr *frame, n syntax.Node, why string) {
	if !fl.gaveUp {
		span := parser.Span{File: fl.origin.Span.File}
		where := ""
		if fr.f != nil {
			l := fl.line(fr, n)
			s, e := fr.f.Lines.LineBounds(l)
			span = fr.f.Span(s, e)
			where = fr.f.Path + ":" + strconv.Itoa(l) + " "
		}
		fl.r.Problem(span, "the \""+fl.name+"\" command runs "+where+"which "+why+"; poollint did not model the process it starts", true)
	}
	fl.gaveUp = true
}

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
	procs, stop := fl.commandAt(fr, e, c, bg)
	return procs, stop
}

// commandAt decides what one command of a script starts.
func (fl *follower) commandAt(fr *frame, e parser.ProcfileEntry, n syntax.Node, bg bool) ([]Followed, bool) {
	sub := fr.child(fr.f, nil, nil, fl.hop(fr, n))
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
	sub := &frame{f: f, text: string(f.Src), args: fr.args, env: fr.env, vars: fr.vars, via: fl.hop(fr, n), funcs: fr.funcs, depth: fr.depth + 1}
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

// ifClause takes the branch the known environment chooses. A branch that
// starts nothing is setup (`if [ -f tmp/pids/server.pid ]; then rm …`) and
// is passed over when it cannot be decided; its assignments then make
// their variables unknown.
func (fl *follower) ifClause(fr *frame, st *syntax.Stmt, c *syntax.IfClause) ([]Followed, bool) {
	for cl := c; cl != nil; cl = cl.Else {
		if len(cl.Cond) == 0 { // else
			return fl.walk(fr, cl.Then)
		}
		truth, known := fl.test(fr, cl.Cond)
		if !known {
			return fl.undecided(fr, st, "chooses what it starts by a test poollint cannot evaluate")
		}
		if truth {
			return fl.walk(fr, cl.Then)
		}
	}
	return nil, false
}

func (fl *follower) caseClause(fr *frame, st *syntax.Stmt, c *syntax.CaseClause) ([]Followed, bool) {
	w := fl.parseWord(fr, c.Word)
	subject, ok := fl.eval(fr, w)
	if !ok {
		return fl.undecided(fr, st, "chooses what it starts by `case "+w.Raw+"`, whose value poollint does not know")
	}
	for _, item := range c.Items {
		for _, pat := range item.Patterns {
			pw := fl.parseWord(fr, pat)
			p, ok := fl.eval(fr, pw)
			if !ok {
				return fl.undecided(fr, st, "has a `case` pattern poollint cannot read")
			}
			if m, err := path.Match(p, subject); err == nil && m {
				return fl.walk(fr, item.Stmts)
			}
		}
	}
	return nil, false
}

// undecided handles a branch poollint cannot decide.
func (fl *follower) undecided(fr *frame, st *syntax.Stmt, why string) ([]Followed, bool) {
	if fl.startsSomething(fr, st) {
		fl.notModeled(fr, st, why)
		return nil, true
	}
	// Setup only: the variables it may assign are unknown after it.
	syntax.Walk(st, func(n syntax.Node) bool {
		if a, ok := n.(*syntax.Assign); ok && a.Name != nil {
			name := a.Name.Value
			fr.vars[name] = varValue{}
			raw := "(set in a branch of " + fr.f.Path + ")"
			fr.env = append(fr.env, parser.Assign{Name: name, Span: fr.f.Span(0, 0),
				Value: parser.Word{Raw: raw, Parts: []parser.WordPart{{Unsupported: raw}}}})
		}
		return true
	})
	return nil, false
}

// parseWord reads one shell word of the frame's text.
func (fl *follower) parseWord(fr *frame, w *syntax.Word) parser.Word {
	e := fl.parseRange(fr, int(w.Pos().Offset()), int(w.End().Offset()))
	if len(e.Argv) == 1 {
		return e.Argv[0]
	}
	return parser.Word{Raw: "?", Parts: []parser.WordPart{{Unsupported: "?"}}}
}

func (fl *follower) parseRange(fr *frame, start, end int) parser.ProcfileEntry {
	end = min(end, len(fr.text))
	start = min(start, end)
	// "x" as a command would be peeled if it were a wrapper word; prefix a
	// neutral program so that every word is an argument.
	text := ": " + fr.text[start:end]
	var e parser.ProcfileEntry
	if fr.at != nil {
		e = parser.ParseCommandText(fr.f, fl.name, text, *fr.at)
	} else {
		syn := parser.NewFile(fr.f.Path, fr.f.Abs, []byte(text))
		e = parser.ParseCommand(syn, fl.name, 0, len(text))
	}
	if len(e.Argv) > 0 {
		e.Argv = e.Argv[1:]
	}
	return e
}

// test evaluates an if condition: `[ "$X" = web ]`, `[[ $X == web ]]`,
// `test -n "$X"`, `true`/`false`; the last command of the list decides.
func (fl *follower) test(fr *frame, cond []*syntax.Stmt) (truth, known bool) {
	if len(cond) == 0 {
		return false, false
	}
	st := cond[len(cond)-1]
	negate := st.Negated
	var words []parser.Word
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			return false, false
		}
		e := fl.parseRange(fr, int(c.Pos().Offset()), int(c.End().Offset()))
		words = e.Argv
		head := literalOf(words[0])
		switch head {
		case "true":
			return !negate, true
		case "false":
			return negate, true
		case "[":
			if len(words) < 2 || literalOf(words[len(words)-1]) != "]" {
				return false, false
			}
			words = words[1 : len(words)-1]
		case "test":
			words = words[1:]
		default:
			return false, false
		}
	case *syntax.TestClause:
		e := fl.parseRange(fr, int(c.X.Pos().Offset()), int(c.X.End().Offset()))
		words = e.Argv
	default:
		return false, false
	}
	if len(words) > 0 && literalOf(words[0]) == "!" {
		negate = !negate
		words = words[1:]
	}
	t, ok := fl.testWords(fr, words)
	return t != negate, ok
}

func (fl *follower) testWords(fr *frame, w []parser.Word) (bool, bool) {
	switch len(w) {
	case 1:
		v, ok := fl.eval(fr, w[0])
		return v != "", ok
	case 2:
		op := literalOf(w[0])
		v, ok := fl.eval(fr, w[1])
		if !ok {
			return false, false
		}
		switch op {
		case "-n":
			return v != "", true
		case "-z":
			return v == "", true
		}
	case 3:
		op := literalOf(w[1])
		a, aok := fl.eval(fr, w[0])
		b, bok := fl.eval(fr, w[2])
		if !aok || !bok {
			return false, false
		}
		switch op {
		case "=", "==":
			return a == b, true
		case "!=":
			return a != b, true
		}
	}
	return false, false
}

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
