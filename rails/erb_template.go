package rails

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// A YAML config template's ERB control flow, read into blocks so it can be
// rendered the way ERB would (erb_render.go). Only the forms config files
// use are blocks: if/elsif/else/unless, case/when, loops over literal
// lists and ranges, and assignments; any other Ruby in a code tag is run
// by nobody, and said so.

type erbNodeKind int

const (
	erbText    erbNodeKind = iota // template text, copied
	erbOut                        // an output tag
	erbAssign                     // `<% name = expr %>`
	erbOpaque                     // a code tag poollint does not run
	erbIf                         // if/elsif/else/unless … end, or case/when … end
	erbLoop                       // `<% list.each do |x| %>` … end
	erbSkipped                    // a block poollint cannot run: not rendered
)

type erbNode struct {
	kind erbNodeKind
	s, e int           // original bytes (text) or the tag's range
	tag  parser.ERBTag // the tag (all but text)
	// erbAssign: the local and where its expression is written.
	name      string
	code      string
	codeStart int
	// erbIf: the branches in order; a branch without a condition is the
	// else. A case's subject is kept so each when compares against it.
	branches []*erbBranch
	subject  *erbCode
	// erbLoop: the variable, the items (literal), the body.
	loopVar string
	items   []string
	body    []*erbNode
	why     string // erbOpaque / erbSkipped: what is not run
}

// erbCode is a piece of Ruby inside a tag, at its offset in the file.
type erbCode struct {
	code  string
	start int
	tag   parser.ERBTag
}

type erbBranch struct {
	cond   *erbCode // nil for else
	negate bool     // unless
	isWhen bool
	body   []*erbNode
}

var (
	reLoop  = regexp.MustCompile(`^(.+?)\.(each|each_with_index|map)\s*(?:do|\{)\s*\|\s*(\w+)\s*(?:,\s*\w+\s*)?\|\s*$`)
	reTimes = regexp.MustCompile(`^(\d+)\.times\s*(?:do|\{)\s*\|\s*(\w+)\s*\|\s*$`)
	reFor   = regexp.MustCompile(`^for\s+(\w+)\s+in\s+(.+?)(?:\s+do)?$`)
	reOpen  = regexp.MustCompile(`(?:\bdo\s*(?:\|[^|]*\|)?|\{\s*(?:\|[^|]*\|)?)$`)
)

// readERBTemplate reads the tags of f into blocks. An `end` without an
// opener or a block never closed makes the template unreadable (ERB itself
// would fail to compile it): ok false with the tag to blame.
func readERBTemplate(f *parser.File, tags []parser.ERBTag) (nodes []*erbNode, bad *erbMismatch, ok bool) {
	type frame struct {
		node   *erbNode
		branch *erbBranch // current branch of an if, nil for a loop
		out    *[]*erbNode
	}
	root := []*erbNode{}
	stack := []*frame{}
	cur := &root
	add := func(n *erbNode) { *cur = append(*cur, n) }
	pos := 0
	for i := range tags {
		t := tags[i]
		if t.Start > pos {
			add(&erbNode{kind: erbText, s: pos, e: t.Start})
		}
		pos = t.End
		if t.Kind == parser.ERBOutput {
			add(&erbNode{kind: erbOut, s: t.Start, e: t.End, tag: t})
			continue
		}
		if t.Kind == parser.ERBComment {
			continue
		}
		code := strings.TrimSpace(t.Code)
		lead := len(t.Code) - len(strings.TrimLeft(t.Code, " \t\r\n"))
		cs := t.CodeStart + lead
		word := firstWord(code)
		switch {
		case word == "if" || word == "unless":
			cond := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(code[len(word):]), " then"))
			n := &erbNode{kind: erbIf, s: t.Start, e: t.End, tag: t}
			br := &erbBranch{cond: &erbCode{code: cond, start: cs + strings.Index(code, cond), tag: t}, negate: word == "unless"}
			n.branches = []*erbBranch{br}
			add(n)
			stack = append(stack, &frame{node: n, branch: br, out: cur})
			cur = &br.body
		case word == "case":
			subj := strings.TrimSpace(code[len(word):])
			n := &erbNode{kind: erbIf, s: t.Start, e: t.End, tag: t, subject: &erbCode{code: subj, start: cs + strings.Index(code, subj), tag: t}}
			add(n)
			stack = append(stack, &frame{node: n, out: cur})
			var junk []*erbNode // text between `case` and the first `when`
			cur = &junk
		case word == "elsif" || word == "else" || word == "when":
			if len(stack) == 0 || stack[len(stack)-1].node.kind != erbIf {
				return root, &erbMismatch{t, "continues no if or case"}, false
			}
			fr := stack[len(stack)-1]
			br := &erbBranch{}
			switch word {
			case "elsif":
				cond := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(code[len(word):]), " then"))
				br.cond = &erbCode{code: cond, start: cs + strings.Index(code, cond), tag: t}
			case "when":
				br.isWhen = true
				pats := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(code[len(word):]), " then"))
				br.cond = &erbCode{code: pats, start: cs + strings.Index(code, pats), tag: t}
			}
			fr.node.branches = append(fr.node.branches, br)
			fr.branch = br
			cur = &br.body
		case word == "end" || code == "}":
			if len(stack) == 0 {
				return root, &erbMismatch{t, "closes no block"}, false
			}
			fr := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			fr.node.e = t.End
			cur = fr.out
		default:
			if n := loopNode(code, t); n != nil {
				add(n)
				stack = append(stack, &frame{node: n, out: cur})
				cur = &n.body
				continue
			}
			if reOpen.MatchString(code) {
				// A block over something poollint cannot list: the lines
				// inside are not rendered.
				n := &erbNode{kind: erbSkipped, s: t.Start, e: t.End, tag: t, why: "a loop over `" + oneLine(reOpen.ReplaceAllString(code, "")) + "`, which poollint cannot list"}
				add(n)
				stack = append(stack, &frame{node: n, out: cur})
				cur = &n.body
				continue
			}
			for _, n := range assignOrOpaque(f, t) {
				add(n)
			}
		}
	}
	if pos < len(f.Src) {
		add(&erbNode{kind: erbText, s: pos, e: len(f.Src)})
	}
	if len(stack) > 0 {
		return root, &erbMismatch{stack[len(stack)-1].node.tag, "opens a block that is never closed"}, false
	}
	return root, nil, true
}

// erbMismatch is a tag that makes the template's Ruby unbalanced.
type erbMismatch struct {
	tag parser.ERBTag
	why string
}

func firstWord(code string) string {
	end := strings.IndexFunc(code, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '_') })
	if end < 0 {
		return code
	}
	return code[:end]
}

// loopNode reads `%w[a b].each do |x|`, `[1, 2].each do |x|`,
// `(1..3).each do |i|`, `3.times do |i|` and `for x in list`.
func loopNode(code string, t parser.ERBTag) *erbNode {
	var list, name string
	if m := reLoop.FindStringSubmatch(code); m != nil {
		list, name = strings.TrimSpace(m[1]), m[3]
	} else if m := reTimes.FindStringSubmatch(code); m != nil {
		n, ok := atoiLoose(m[1])
		if !ok || n > maxLoopItems {
			return nil
		}
		items := make([]string, n)
		for i := range items {
			items[i] = strconv.Itoa(i)
		}
		return &erbNode{kind: erbLoop, s: t.Start, e: t.End, tag: t, loopVar: m[2], items: items}
	} else if m := reFor.FindStringSubmatch(code); m != nil {
		list, name = strings.TrimSpace(m[2]), m[1]
	} else {
		return nil
	}
	items, ok := literalList(list)
	if !ok {
		return nil
	}
	return &erbNode{kind: erbLoop, s: t.Start, e: t.End, tag: t, loopVar: name, items: items}
}

// maxLoopItems bounds how often a literal loop's body is rendered.
const maxLoopItems = 64

var (
	reWordList = regexp.MustCompile(`^%[wWiI]\s*[\[({<](.*)[\])}>]$`)
	reRange    = regexp.MustCompile(`^\(\s*(-?\d+)\s*(\.\.\.?)\s*(-?\d+)\s*\)$`)
	reArray    = regexp.MustCompile(`^\[(.*)\]$`)
	reAtom     = regexp.MustCompile(`^(?:'([^'\\]*)'|"([^"\\#]*)"|:(\w+)|(-?\d+))$`)
)

// literalList reads the items of a literal array, word list or range.
func literalList(s string) ([]string, bool) {
	if m := reWordList.FindStringSubmatch(s); m != nil {
		return strings.Fields(m[1]), true
	}
	if m := reRange.FindStringSubmatch(s); m != nil {
		lo, _ := atoiLoose(m[1])
		hi, _ := atoiLoose(m[3])
		if m[2] == "..." {
			hi--
		}
		if hi-lo+1 > maxLoopItems {
			return nil, false
		}
		var out []string
		for i := lo; i <= hi; i++ {
			out = append(out, strconv.Itoa(i))
		}
		return out, true
	}
	if m := reArray.FindStringSubmatch(s); m != nil {
		var out []string
		for _, part := range strings.Split(m[1], ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			a := reAtom.FindStringSubmatch(part)
			if a == nil {
				return nil, false
			}
			out = append(out, a[1]+a[2]+a[3]+a[4])
		}
		return out, len(out) <= maxLoopItems
	}
	return nil, false
}

// assignOrOpaque reads a complete code tag: each `name = expr` statement
// is an assignment, anything else is Ruby poollint does not run.
func assignOrOpaque(f *parser.File, t parser.ERBTag) []*erbNode {
	r, err := parser.RubySnippet(f, t.Code, t.CodeStart)
	if err != nil || r.HasErrors {
		return []*erbNode{{kind: erbOpaque, s: t.Start, e: t.End, tag: t, why: "Ruby poollint cannot read"}}
	}
	var out []*erbNode
	for _, st := range topStatements(r) {
		if st.Type() == "assignment" {
			left, right := st.ChildByFieldName("left"), st.ChildByFieldName("right")
			if left != nil && right != nil && left.Type() == "identifier" {
				out = append(out, &erbNode{kind: erbAssign, s: t.Start, e: t.End, tag: t, name: r.Text(left),
					code: r.Text(right), codeStart: int(right.StartByte()) + t.CodeStart})
				continue
			}
		}
		if st.Type() == "call" && st.ChildByFieldName("receiver") == nil {
			if m := st.ChildByFieldName("method"); m != nil && (r.Text(m) == "require" || r.Text(m) == "require_relative") {
				continue // loads code; what it defines is unknown where it is used
			}
		}
		sp := r.Span(st)
		out = append(out, &erbNode{kind: erbOpaque, s: sp.Start.Offset, e: sp.End.Offset, tag: t, why: "`" + oneLine(r.Text(st)) + "`"})
	}
	return out
}
