package deploy

import (
	"path"

	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// Branches in a followed script: an if or case is decided in the known
// environment, never enumerated; an undecided one that starts a server is
// reported.

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
