package parser

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
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

// rubyLanguage is the grammar, created once. A TSLanguage is immutable, so
// sharing it between goroutines is safe (unlike a parser or a tree).
var rubyLanguage = sync.OnceValue(ruby.GetLanguage)

// parsers are TSParsers for reuse. A parser carries state only during a
// parse and is not safe to share, so each parse takes one to itself; an
// app parses dozens of snippets and files, and making and freeing a
// parser (with its finalizer) for each cost more than some parses.
var parsers = sync.Pool{New: func() any {
	p := sitter.NewParser()
	p.SetLanguage(rubyLanguage())
	return p
}}

// getParser returns a parser for one parse. A parse under a context that
// can be cancelled gets a parser of its own: go-tree-sitter may raise the
// parser's cancellation flag after the parse is over, which would cut
// short the next parse of a reused parser.
func getParser(ctx context.Context) *sitter.Parser {
	if ctx.Done() != nil {
		p := sitter.NewParser()
		p.SetLanguage(rubyLanguage())
		return p
	}
	return parsers.Get().(*sitter.Parser)
}

// putParser hands back a parser whose parse completed.
func putParser(ctx context.Context, p *sitter.Parser) {
	if ctx.Done() == nil {
		parsers.Put(p)
	}
}

// RubyFile is a Ruby source (a whole file, or an ERB snippet of one) with its
// tree-sitter tree.
//
// A RubyFile is not safe for concurrent use: go-tree-sitter caches node
// wrappers in a map on the tree every time a node is visited, so even
// read-only walks from two goroutines race. Parse once per goroutine instead.
type RubyFile struct {
	File *File // the file the code comes from (for snippets, the enclosing file)
	// Tree is kept so the C tree outlives every node handed out: a node
	// holds a pointer to its tree, but callers holding only the RubyFile
	// must not see the tree freed under them.
	Tree *sitter.Tree
	Root *sitter.Node
	// HasErrors says the code is not valid Ruby: the tree has ERROR or
	// MISSING nodes, or a keyword read as a name (see firstError).
	HasErrors  bool
	FirstError Span // where the first such node is (zero when HasErrors is false)

	src  []byte // the bytes that were parsed: f.Src, or the snippet
	base int    // offset of src[0] in File.Src

	assignsOnce sync.Once
	assigns     map[string][]Assignment // Assignments, walked once

	flat  []flatNode             // the first walk, in source order (ruby_walk.go)
	index map[*sitter.Node]int32 // flat's nodes, made when first needed
}

// ParseRuby parses f.Src as Ruby. A syntax error is not a Go error: the
// tree is still usable (tree-sitter recovers around the bad part) and
// HasErrors/FirstError report it. The error result is only for input that
// cannot be parsed at all (nil file, oversized source).
func ParseRuby(f *File) (*RubyFile, error) {
	return ParseRubyContext(context.Background(), f)
}

// ParseRubyContext is ParseRuby with a context that can cancel the parse.
func ParseRubyContext(ctx context.Context, f *File) (*RubyFile, error) {
	if f == nil {
		return nil, errors.New("parse ruby: nil file")
	}
	return parseRuby(ctx, f, f.Src, 0)
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
	return parseRuby(context.Background(), f, []byte(code), base)
}

func parseRuby(ctx context.Context, f *File, src []byte, base int) (*RubyFile, error) {
	if len(src) > MaxRubySize {
		return nil, fmt.Errorf("parse ruby %s: %d bytes is more than the %d a config file can be",
			f.Path, len(src), MaxRubySize)
	}
	p := getParser(ctx)
	tree, err := p.ParseCtx(ctx, nil, src)
	if err != nil {
		return nil, fmt.Errorf("parse ruby %s: %w", f.Path, err)
	}
	putParser(ctx, p)
	r := &RubyFile{File: f, Tree: tree, Root: tree.RootNode(), src: src, base: base}
	bad, deep := r.firstError(r.Root)
	if deep != nil {
		return nil, &TooDeepError{At: r.Span(deep)}
	}
	if bad != nil {
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
//
// The first walk (flatten, which records the tree for the walks after
// it) measures the nesting: deep is the first node past MaxRubyNesting,
// nil when there is none.
func (r *RubyFile) firstError(root *sitter.Node) (bad, deep *sitter.Node) {
	if deep = r.flatten(); deep != nil {
		return nil, deep
	}
	r.walk([]step{{node: root}}, func(path []step) bool {
		n := path[len(path)-1].node
		if bad == nil && (n.IsError() || n.IsMissing() || r.isKeywordAsName(path)) {
			bad = n
		}
		return bad == nil
	})
	return bad, nil
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
func (r *RubyFile) errorShown(bad *sitter.Node) *sitter.Node {
	if !bad.IsMissing() {
		return bad
	}
	seen := false
	var next *sitter.Node
	r.walk([]step{{node: r.Root}}, func(path []step) bool {
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
		return r.field(path[len(path)-2].node, "receiver") == nil
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
func (r *RubyFile) Text(n *sitter.Node) string {
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
func (r *RubyFile) Span(n *sitter.Node) Span {
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
func (r *RubyFile) CompactText(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	prevEnd := -1
	r.walk([]step{{node: n}}, func(path []step) bool {
		leaf := path[len(path)-1].node
		if leaf.ChildCount() > 0 {
			return true
		}
		tok := r.Text(leaf)
		if tok == "" {
			return false
		}
		start := int(leaf.StartByte())
		if b.Len() > 0 && start > prevEnd && isWordByte(lastByte(b.String())) && isWordByte(tok[0]) {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
		prevEnd = int(leaf.EndByte())
		return false
	})
	return b.String()
}

func lastByte(s string) byte { return s[len(s)-1] }

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// Unwrap strips parentheses around a single expression: `((5))` → `5`.
// Parentheses holding several statements (`(a; b)`) are left alone because
// they are not one expression.
func Unwrap(n *sitter.Node) *sitter.Node {
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
func (r *RubyFile) StringValue(n *sitter.Node) (string, bool) {
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
func (r *RubyFile) literalContent(n *sitter.Node) (string, bool) {
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
func (r *RubyFile) IntValue(n *sitter.Node) (int, bool) {
	n = Unwrap(n)
	if n == nil {
		return 0, false
	}
	if NodeType(n) == "unary" {
		op := r.field(n, "operator")
		v, ok := r.IntValue(r.field(n, "operand"))
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

// Tree navigation. Node.Child(i) and Node.Parent() in go-tree-sitter are
// not constant-time (Parent walks down from the root), so looping over
// them is quadratic on a long file. These helpers walk with one TreeCursor
// and carry the path from the root instead of asking for parents.

// step is one node of a path, with the field it fills in its parent ("" for
// none, or for the first step).
type step struct {
	node  *sitter.Node
	field string
}

// walkTree visits the last node of prefix and its descendants in source
// order. visit gets the path from prefix[0] down to the node (the node is
// last) and returns whether to walk into the node's children; the path is
// reused between calls and must not be kept. Comments and heredoc bodies
// are skipped; ERROR nodes, which tree-sitter may also mark as extras, are
// not.
//
// Extras are told apart with IsExtra, never by Type: this tree-sitter's
// cursor gives an extra the alias of the node the cursor started from, so a
// comment inside a receiver chain reports itself as a "call".
func walkTree(prefix []step, visit func(path []step) bool) {
	if len(prefix) == 0 || prefix[len(prefix)-1].node == nil {
		return
	}
	path := append([]step(nil), prefix...)
	base := len(path)
	c := sitter.NewTreeCursor(path[base-1].node)
	defer c.Close()
	for {
		cur := path[len(path)-1].node
		noise := cur.IsExtra() && !cur.HasError()
		if !noise && visit(path) && c.GoToFirstChild() {
			path = append(path, step{c.CurrentNode(), c.CurrentFieldName()})
			continue
		}
		for {
			if len(path) == base {
				return
			}
			if c.GoToNextSibling() {
				path[len(path)-1] = step{c.CurrentNode(), c.CurrentFieldName()}
				break
			}
			c.GoToParent()
			path = path[:len(path)-1]
		}
	}
}

// childrenOf returns every child of n with its field.
func childrenOf(n *sitter.Node) []step {
	if n == nil || n.ChildCount() == 0 {
		return nil
	}
	out := make([]step, 0, n.ChildCount())
	c := sitter.NewTreeCursor(n)
	defer c.Close()
	for ok := c.GoToFirstChild(); ok; ok = c.GoToNextSibling() {
		out = append(out, step{c.CurrentNode(), c.CurrentFieldName()})
	}
	return out
}

// pathTo returns the path from the root of r's tree down to n (n last).
// A node not found (from another tree) gets a path of its own.
//
// One cursor goes down, jumping at each level straight to the child that
// holds n's first byte: siblings never overlap, so for a node of some
// width that child is the only candidate. The cost is the depth, with no
// allocation per level; EnclosingConditions asks it for every setting of
// a file, and a file of 2,000 nested ternaries asked it 2,000 times.
func (r *RubyFile) pathTo(n *sitter.Node) []step {
	if n == nil {
		return nil
	}
	if n.StartByte() == n.EndByte() {
		return r.pathToSearch(n) // zero-width: several children may hold it
	}
	c := sitter.NewTreeCursor(r.Root)
	defer c.Close()
	path := []step{{node: r.Root}}
	for !path[len(path)-1].node.Equal(n) {
		if c.GoToFirstChildForByte(n.StartByte()) < 0 {
			return []step{{node: n}}
		}
		ch := c.CurrentNode()
		if ch.StartByte() > n.StartByte() || n.EndByte() > ch.EndByte() {
			return []step{{node: n}}
		}
		path = append(path, step{ch, c.CurrentFieldName()})
	}
	return path
}

// pathToSearch is pathTo by a search that backtracks, for a zero-width
// node (a MISSING token) that several children's ranges may hold.
func (r *RubyFile) pathToSearch(n *sitter.Node) []step {
	var path []step
	var search func(at step) bool
	search = func(at step) bool {
		path = append(path, at)
		if at.node.Equal(n) {
			return true
		}
		for _, c := range childrenOf(at.node) {
			if c.node.StartByte() <= n.StartByte() && n.EndByte() <= c.node.EndByte() && search(c) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !search(step{node: r.Root}) {
		return []step{{node: n}}
	}
	return path
}

// field returns n's child in the named field, skipping comments: tree-sitter
// attaches a comment that sits inside a construct to the surrounding field
// (`if x # note` gives the comment the field "condition" too).
func field(n *sitter.Node, name string) *sitter.Node {
	if n == nil {
		return nil
	}
	if c := n.ChildByFieldName(name); c == nil || !c.IsExtra() {
		return c
	}
	if all := fields(n, name); len(all) > 0 {
		return all[0]
	}
	return nil
}

// fields returns every child of n in the named field, in order.
func fields(n *sitter.Node, name string) []*sitter.Node {
	var out []*sitter.Node
	for _, c := range childrenOf(n) {
		if c.field == name && !c.node.IsExtra() {
			out = append(out, c.node)
		}
	}
	return out
}

// namedChildren returns n's named children that are code, leaving out
// comments and heredoc bodies (extras that tree-sitter can place anywhere).
func namedChildren(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for _, c := range namedSteps(n) {
		out = append(out, c.node)
	}
	return out
}

// namedSteps is namedChildren with the fields.
func namedSteps(n *sitter.Node) []step {
	var out []step
	for _, c := range childrenOf(n) {
		if c.node.IsNamed() && !c.node.IsExtra() {
			out = append(out, c)
		}
	}
	return out
}

// statements is namedChildren under the name that says what they are for a
// statement container (program, body_statement, then, else, …).
func statements(n *sitter.Node) []*sitter.Node { return namedChildren(n) }
