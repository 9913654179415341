package parser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/smacker/go-tree-sitter/ruby"
)

// MaxRubySize bounds what ParseRuby accepts. A Rails config file is a few
// kilobytes; anything this large is not one, and parsing and walking it
// would only burn time and memory (tree-sitter offsets are 32-bit anyway).
const MaxRubySize = 4 << 20

// MaxRubyNesting bounds how deep the syntax tree of a parsed file may go.
// Real config files nest a few levels; a hostile one nesting `begin`
// 10,000 deep took 15 s and 3 GB, and 20,000 deep died. Past the limit
// the file is refused with ErrTooDeep (callers report it and read no
// settings from it) before any walk that follows the nesting.
const MaxRubyNesting = 5000

// TooDeepError is the error of a parse refused for nesting past
// MaxRubyNesting: the code may be valid Ruby, so callers report it as
// poollint's limit, not as a broken file.
type TooDeepError struct {
	At Span // the first node past the limit
}

func (e *TooDeepError) Error() string {
	return fmt.Sprintf("the code nests more than %d levels deep (at line %d), past what poollint reads: no setting is read from this file",
		MaxRubyNesting, e.At.Start.Line)
}

// rubyLanguage is the grammar, for its tables of names (ruby_tree.go).
var rubyLanguage = sync.OnceValue(ruby.GetLanguage)

// RubyFile is a Ruby source (a whole file, or an ERB snippet of one) with its
// syntax tree (ruby_tree.go). Its tree is immutable; the memos below are
// filled once, under a sync.Once where they are.
type RubyFile struct {
	File *File // the file the code comes from (for snippets, the enclosing file)
	Root *Node
	// HasErrors says the code is not valid Ruby: the tree has ERROR or
	// MISSING nodes, or a keyword read as a name (see firstError).
	HasErrors  bool
	FirstError Span // where the first such node is (zero when HasErrors is false)

	src  []byte // the bytes that were parsed: f.Src, or the snippet
	base int    // offset of src[0] in File.Src

	assignsOnce sync.Once
	assigns     map[string][]Assignment // Assignments, walked once
}

// ParseRuby parses f.Src as Ruby. A syntax error is not a Go error: the
// tree is still usable (tree-sitter recovers around the bad part) and
// HasErrors/FirstError report it. The error result is only for input that
// cannot be parsed at all (nil file, oversized source).
func ParseRuby(f *File) (*RubyFile, error) {
	if f == nil {
		return nil, errors.New("parse ruby: nil file")
	}
	return parseRuby(f, f.Src, 0)
}

// ParseRubySnippet parses code, a Ruby expression found at byte offset base
// of f (the inside of an ERB `<%= %>` tag in a YAML file). Text reads the
// snippet; Span maps nodes back into f, so diagnostics point at the YAML
// file's own bytes.
func ParseRubySnippet(f *File, code string, base int) (*RubyFile, error) {
	if f == nil {
		return nil, errors.New("parse ruby snippet: nil file")
	}
	if base < 0 || base+len(code) > len(f.Src) {
		return nil, fmt.Errorf("parse ruby snippet in %s: range [%d, %d) outside the file (%d bytes)",
			f.Path, base, base+len(code), len(f.Src))
	}
	return parseRuby(f, []byte(code), base)
}

func parseRuby(f *File, src []byte, base int) (*RubyFile, error) {
	if len(src) > MaxRubySize {
		return nil, fmt.Errorf("parse ruby %s: %d bytes is more than the %d a config file can be",
			f.Path, len(src), MaxRubySize)
	}
	root, deep, err := parseRubyTree(src)
	if err != nil {
		return nil, fmt.Errorf("parse ruby %s: %w", f.Path, err)
	}
	r := &RubyFile{File: f, Root: root, src: src, base: base}
	if deep != nil {
		return nil, &TooDeepError{At: r.Span(deep)}
	}
	if bad := r.firstError(); bad != nil {
		r.HasErrors = true
		r.FirstError = r.Span(r.errorShown(bad))
	}
	return r, nil
}

// firstError returns the first node, in source order, that makes the code
// invalid Ruby: an ERROR or MISSING node, or a reserved word tree-sitter
// took for a name. The grammar recovers from a stray `end`, `else` or
// `when 1` by reading the keyword as an identifier and reports no error,
// but Ruby rejects the file, and the fixer's re-parse check must see that.
func (r *RubyFile) firstError() (bad *Node) {
	walkTree([]step{{node: r.Root}}, func(path []step) bool {
		n := path[len(path)-1].node
		if bad == nil && (n.IsError() || n.IsMissing() || r.isKeywordAsName(path)) {
			bad = n
		}
		return bad == nil
	})
	return bad
}

// errorShown returns where a syntax error shows: tree-sitter puts a
// MISSING node, the zero-width token it had to invent, at the end of the
// token before the gap, often the line above (`plugin :x` then a stray
// `<% unless skip? -%>` line reports the end of `plugin :x`). The first
// real token after it is where Ruby stumbles; other nodes are shown as
// they are, and so is a MISSING node with nothing after it (an `end`
// missing at the end of the file). The tree is walked rather than asked
// for siblings: tree-sitter finds a zero-width node's parent by position
// and gets it wrong.
func (r *RubyFile) errorShown(bad *Node) *Node {
	if !bad.IsMissing() {
		return bad
	}
	seen := false
	var next *Node
	walkTree([]step{{node: r.Root}}, func(path []step) bool {
		n := path[len(path)-1].node
		switch {
		case next != nil:
			return false
		case !seen:
			seen = n.Equal(bad)
			return !seen
		case n.ChildCount() == 0 && !n.IsMissing() && n.EndByte() > n.StartByte():
			next = n
			return false
		}
		return true
	})
	if next == nil {
		return bad
	}
	return next
}

// isKeywordAsName reports whether the node at the end of path is an
// identifier spelled like a reserved word where Ruby cannot accept one.
// Method names after a receiver (`x.end`) and definition names (`def end`,
// `end:` parameters) are legal.
func (r *RubyFile) isKeywordAsName(path []step) bool {
	last := path[len(path)-1]
	if NodeType(last.node) != "identifier" || !rubyKeyword(r.Text(last.node)) {
		return false
	}
	if len(path) < 2 {
		return true
	}
	switch last.field {
	case "name":
		return false
	case "method":
		return field(path[len(path)-2].node, "receiver") == nil
	}
	return true
}

func rubyKeyword(s string) bool {
	switch s {
	case "BEGIN", "END", "alias", "and", "begin", "break", "case", "class", "def", "do",
		"else", "elsif", "end", "ensure", "for", "if", "in", "module", "next", "not", "or",
		"redo", "rescue", "retry", "return", "then", "undef", "unless", "until", "when", "while":
		return true
	}
	return false
}

// Text returns the source text of n ("" for nil).
func (r *RubyFile) Text(n *Node) string {
	if n == nil {
		return ""
	}
	start, end := int(n.StartByte()), int(n.EndByte())
	if start < 0 || end > len(r.src) || start > end {
		return ""
	}
	return string(r.src[start:end])
}

// Span returns where n is in the original file, honouring a snippet's base.
func (r *RubyFile) Span(n *Node) Span {
	if n == nil {
		return Span{}
	}
	return r.File.Span(r.base+int(n.StartByte()), r.base+int(n.EndByte()))
}

// CompactText returns n's source with the layout dropped: tokens are joined
// without whitespace, line breaks or comments, so a receiver chain split
// over lines compares equal to its one-line form
// ("ActiveRecord::Base\n  .connection" → "ActiveRecord::Base.connection").
// Text inside string literals is kept as written. Two word tokens that were
// separated in the source keep one space between them (`(a and b)`).
func (r *RubyFile) CompactText(n *Node) string {
	if n == nil || isNoise(n) {
		return ""
	}
	if n.kidCount == 0 {
		return r.Text(n)
	}
	var b []byte
	prevEnd := -1
	nodes := n.tree.nodes
	for i := n.index; i < n.next; {
		c := &nodes[i]
		switch {
		case isNoise(c):
			i = c.next
			continue
		case c.kidCount > 0:
			i++
			continue
		}
		i = c.next
		start, end := int(c.start), int(c.end)
		if start >= end || end > len(r.src) {
			continue
		}
		tok := r.src[start:end]
		if len(b) > 0 && start > prevEnd && isWordByte(b[len(b)-1]) && isWordByte(tok[0]) {
			b = append(b, ' ')
		}
		b = append(b, tok...)
		prevEnd = end
	}
	return string(b)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// Unwrap strips parentheses around a single expression: `((5))` → `5`.
// Parentheses holding several statements (`(a; b)`) are left alone because
// they are not one expression.
func Unwrap(n *Node) *Node {
	for n != nil && NodeType(n) == "parenthesized_statements" {
		inner := statements(n)
		if len(inner) != 1 {
			return n
		}
		n = inner[0]
	}
	return n
}

// StringValue returns the value of a string or symbol literal without
// interpolation: "X", 'X', %q(X), :x, :"x", and the `key:` of a hash pair.
// Escapes are decoded the way Ruby does for the quote used. ok is false for
// anything else, including interpolated strings, whose value is not known
// statically.
func (r *RubyFile) StringValue(n *Node) (string, bool) {
	n = Unwrap(n)
	if n == nil {
		return "", false
	}
	switch NodeType(n) {
	case "simple_symbol":
		return strings.TrimPrefix(r.Text(n), ":"), true
	case "hash_key_symbol":
		return r.Text(n), true
	case "string", "delimited_symbol":
		return r.literalContent(n)
	case "chained_string": // "a" "b" is one string
		var b strings.Builder
		for _, part := range namedChildren(n) {
			s, ok := r.literalContent(part)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// literalContent joins the content pieces of a string-like node, decoding
// escape sequences; an interpolation makes the value unknown.
func (r *RubyFile) literalContent(n *Node) (string, bool) {
	if NodeType(n) != "string" && NodeType(n) != "delimited_symbol" {
		return "", false
	}
	// Single-quoted forms ('x', %q, %w is not a string node) only honour
	// \\ and \' and tree-sitter leaves those inside string_content.
	open := r.Text(n)
	single := strings.HasPrefix(open, "'") || strings.HasPrefix(open, "%q") || strings.HasPrefix(open, ":'")
	var b strings.Builder
	for _, c := range namedChildren(n) {
		switch NodeType(c) {
		case "string_content":
			t := r.Text(c)
			if single {
				t = unescapeSingle(t)
			}
			b.WriteString(t)
		case "escape_sequence":
			s, ok := unescapeDouble(r.Text(c))
			if !ok {
				return "", false
			}
			b.WriteString(s)
		default: // interpolation and anything we do not know
			return "", false
		}
	}
	return b.String(), true
}

func unescapeSingle(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '\'') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble decodes one escape_sequence token of a double-quoted
// string. Control/meta escapes (\C-x, \M-x) are rare enough in config to be
// reported as unknown rather than decoded.
func unescapeDouble(esc string) (string, bool) {
	if len(esc) < 2 || esc[0] != '\\' {
		return "", false
	}
	body := esc[1:]
	if len(body) == 1 {
		if s, ok := simpleEscape(body[0]); ok {
			return s, true
		}
	}
	switch c := body[0]; {
	case c == 'u':
		hex := strings.Trim(body[1:], "{}")
		var b strings.Builder
		for _, h := range strings.Fields(hex) {
			v, err := strconv.ParseUint(h, 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", false
			}
			b.WriteRune(rune(v))
		}
		return b.String(), b.Len() > 0
	case c == 'x':
		v, err := strconv.ParseUint(body[1:], 16, 8)
		if err != nil {
			return "", false
		}
		return string([]byte{byte(v)}), true
	case c >= '0' && c <= '7':
		v, err := strconv.ParseUint(body, 8, 16)
		if err != nil || v > 0xff {
			return "", false
		}
		return string([]byte{byte(v)}), true
	case c == 'C' || c == 'M' || c == 'c':
		return "", false
	case c == '\n': // a backslash at the end of a line joins the lines
		return "", true
	default:
		// Ruby turns an unknown escape into the character itself: "\"" → ".
		return body, true
	}
}

func simpleEscape(c byte) (string, bool) {
	switch c {
	case 'n':
		return "\n", true
	case 't':
		return "\t", true
	case 'r':
		return "\r", true
	case 's':
		return " ", true
	case 'e':
		return "\x1b", true
	case 'a':
		return "\a", true
	case 'b':
		return "\b", true
	case 'f':
		return "\f", true
	case 'v':
		return "\v", true
	}
	return "", false
}

// IntValue returns the value of an integer literal: 5, 1_000, 0x1F, 0b101,
// 0o17, 017 (octal, as in Ruby), 0d9, and a sign in front (-3). ok is false
// for anything else, floats included.
func (r *RubyFile) IntValue(n *Node) (int, bool) {
	n = Unwrap(n)
	if n == nil {
		return 0, false
	}
	if NodeType(n) == "unary" {
		op := field(n, "operator")
		v, ok := r.IntValue(field(n, "operand"))
		if !ok || op == nil {
			return 0, false
		}
		switch NodeType(op) {
		case "-":
			return -v, true
		case "+":
			return v, true
		}
		return 0, false
	}
	if NodeType(n) != "integer" {
		return 0, false
	}
	s := strings.ReplaceAll(r.Text(n), "_", "")
	if len(s) > 2 && s[0] == '0' && (s[1] == 'd' || s[1] == 'D') {
		s = s[2:]
		if len(s) > 1 {
			s = strings.TrimLeft(s, "0")
			if s == "" {
				s = "0"
			}
		}
	}
	// Go's base-0 syntax matches Ruby's prefixes, including a bare leading
	// zero meaning octal.
	v, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// Tree navigation: paths carry the field each node fills in its parent.

// step is one node of a path, with the field it fills in its parent ("" for
// none, or for the first step).
type step struct {
	node  *Node
	field string
}

// walkTree visits the last node of prefix and its descendants in source
// order. visit gets the path from prefix[0] down to the node (the node is
// last) and returns whether to walk into the node's children; the path is
// reused between calls and must not be kept. Comments and heredoc bodies
// are skipped; ERROR nodes, which tree-sitter may also mark as extras, are
// not. Extras are told apart with IsExtra, never by Type.
//
// The nodes of a subtree are consecutive in the tree's record, so the
// walk is a loop over them that jumps past a subtree it does not enter.
func walkTree(prefix []step, visit func(path []step) bool) {
	if len(prefix) == 0 || prefix[len(prefix)-1].node == nil {
		return
	}
	path := make([]step, len(prefix), len(prefix)+16) // most trees are shallow
	copy(path, prefix)
	base := len(path) - 1 // path index of the start node
	start := prefix[base].node
	nodes := start.tree.nodes
	for i := start.index; i < start.next; {
		n := &nodes[i]
		if i != start.index {
			// The parent is on the path: drop what is below it.
			for path[len(path)-1].node.index != n.parent {
				path = path[:len(path)-1]
			}
			path = append(path, step{n, n.FieldName()})
		}
		if !isNoise(n) && visit(path) {
			i++
			continue
		}
		i = n.next // skip the subtree
	}
}

// isNoise says n is an extra without an error (a comment, a heredoc
// body), which walks neither visit nor enter.
func isNoise(n *Node) bool { return n.IsExtra() && !n.HasError() }

// childrenOf returns every child of n with its field.
func childrenOf(n *Node) []step {
	if n == nil || n.kidCount == 0 {
		return nil
	}
	out := make([]step, 0, n.kidCount)
	for _, k := range n.children() {
		c := &n.tree.nodes[k]
		out = append(out, step{c, c.FieldName()})
	}
	return out
}

// pathTo returns the path from the root of r's tree down to n (n last),
// from n's parents. A node of another tree gets a path of its own.
func (r *RubyFile) pathTo(n *Node) []step {
	if n == nil {
		return nil
	}
	if r.Root == nil || n.tree != r.Root.tree {
		return []step{{node: n}}
	}
	depth := 0
	for p := n; p != nil; p = p.Parent() {
		depth++
	}
	path := make([]step, depth)
	for p := n; p != nil; p = p.Parent() {
		depth--
		path[depth] = step{p, p.FieldName()}
	}
	path[0].field = ""
	return path
}

// field returns n's child in the named field, skipping comments: tree-sitter
// attaches a comment that sits inside a construct to the surrounding field
// (`if x # note` gives the comment the field "condition" too).
func field(n *Node, name string) *Node {
	if n == nil {
		return nil
	}
	return n.childInField(name, true)
}

// fields returns every child of n in the named field, in order.
func fields(n *Node, name string) []*Node {
	var out []*Node
	for _, c := range childrenOf(n) {
		if c.field == name && !c.node.IsExtra() {
			out = append(out, c.node)
		}
	}
	return out
}

// namedChildren returns n's named children that are code, leaving out
// comments and heredoc bodies (extras that tree-sitter can place anywhere).
func namedChildren(n *Node) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, k := range n.children() {
		if c := &n.tree.nodes[k]; c.IsNamed() && !c.IsExtra() {
			out = append(out, c)
		}
	}
	return out
}

// namedSteps is namedChildren with the fields.
func namedSteps(n *Node) []step {
	if n == nil {
		return nil
	}
	var out []step
	for _, k := range n.children() {
		if c := &n.tree.nodes[k]; c.IsNamed() && !c.IsExtra() {
			out = append(out, step{c, c.FieldName()})
		}
	}
	return out
}

// statements is namedChildren under the name that says what they are for a
// statement container (program, body_statement, then, else, …).
func statements(n *Node) []*Node { return namedChildren(n) }
