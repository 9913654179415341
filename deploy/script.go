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
	// PassThrough marks a line that only runs the script's arguments
	// unchanged (script_passthrough.go): messages leave it out.
	PassThrough bool
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

// Chain renders the hops for messages: " → bin/start-app:4", without
// pass-through lines.
func Chain(via []Hop) string {
	var sb strings.Builder
	for _, h := range via {
		if h.PassThrough {
			continue
		}
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
	top := &frame{f: parser.NewFile(e.Span.File, "", nil), vars: map[string]varValue{}, funcs: map[string]*syntax.Stmt{}, givenArgs: -1}
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
	// givenArgs is how many arguments a script file was given (-1 for any
	// other frame), inherited how much of env it was started with: what a
	// pass-through line compares with.
	givenArgs, inherited int
}

// child is a frame for a script the current one runs: it inherits the
// environment so far (the caller's assignments are exported to it).
func (fr *frame) child(f *parser.File, args []parser.Word, extra []parser.Assign, hop []Hop) *frame {
	c := &frame{f: f, text: string(f.Src), args: args, via: hop, funcs: map[string]*syntax.Stmt{}, depth: fr.depth + 1, givenArgs: -1}
	c.env = append(append([]parser.Assign(nil), fr.env...), extra...)
	c.inherited = len(c.env)
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

func (fl *follower) hop(fr *frame, n syntax.Node, passThrough bool) []Hop {
	via := append([]Hop(nil), fr.via...)
	if fr.f != nil && fr.at == nil {
		via = append(via, Hop{File: fr.f.Path, Line: fl.line(fr, n), PassThrough: passThrough})
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
