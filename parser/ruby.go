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

// MaxRubySize bounds what ParseRuby accepts. Tree-sitter offsets are 32-bit
// and a Rails config file is a few kilobytes; anything this large is not a
// config file and parsing it would only burn memory.
const MaxRubySize = 16 << 20

// rubyLanguage is the grammar, created once. A TSLanguage is immutable, so
// sharing it between goroutines is safe (unlike a parser or a tree).
var rubyLanguage = sync.OnceValue(ruby.GetLanguage)

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
	Tree       *sitter.Tree
	Root       *sitter.Node
	HasErrors  bool // the tree has ERROR or MISSING nodes
	FirstError Span // where the first of them is (zero when HasErrors is false)

	src  []byte // the bytes that were parsed: f.Src, or the snippet
	base int    // offset of src[0] in File.Src
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
	// One parser per parse: a TSParser carries state between calls and is
	// not safe to share, and creating one is cheap next to parsing.
	p := sitter.NewParser()
	p.SetLanguage(rubyLanguage())
	tree, err := p.ParseCtx(ctx, nil, src)
	if err != nil {
		return nil, fmt.Errorf("parse ruby %s: %w", f.Path, err)
	}
	r := &RubyFile{File: f, Tree: tree, Root: tree.RootNode(), src: src, base: base}
	if bad := r.firstError(r.Root); bad != nil {
		r.HasErrors = true
		r.FirstError = r.Span(bad)
	}
	return r, nil
}

// firstError returns the first node, in source order, that makes the code
// invalid Ruby: an ERROR or MISSING node, or a reserved word tree-sitter
// took for a name. The grammar recovers from a stray `end`, `else` or
// `when 1` by reading the keyword as an identifier and reports no error,
// but Ruby rejects the file, and the fixer's re-parse check must see that.
func (r *RubyFile) firstError(n *sitter.Node) *sitter.Node {
	if n.IsError() || n.IsMissing() || r.isKeywordAsName(n) {
		return n
	}
	for i := 0; i < int(n.ChildCount()); i++ {
		if bad := r.firstError(n.Child(i)); bad != nil {
			return bad
		}
	}
	return nil
}

// isKeywordAsName reports whether n is an identifier spelled like a
// reserved word where Ruby cannot accept one. Method names after a receiver
// (`x.end`) and definition names (`def end`, `end:` parameters) are legal.
func (r *RubyFile) isKeywordAsName(n *sitter.Node) bool {
	if n.Type() != "identifier" || !rubyKeyword(r.Text(n)) {
		return false
	}
	p := n.Parent()
	if p == nil {
		return true
	}
	switch {
	case same(field(p, "name"), n):
		return false
	case same(field(p, "method"), n):
		return field(p, "receiver") == nil
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
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if n.Type() == "comment" {
			return
		}
		if n.ChildCount() == 0 {
			tok := r.Text(n)
			if tok == "" {
				return
			}
			start := int(n.StartByte())
			if b.Len() > 0 && start > prevEnd && isWordByte(lastByte(b.String())) && isWordByte(tok[0]) {
				b.WriteByte(' ')
			}
			b.WriteString(tok)
			prevEnd = int(n.EndByte())
			return
		}
		for i := 0; i < int(n.ChildCount()); i++ {
			walk(n.Child(i))
		}
	}
	walk(n)
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
	for n != nil && n.Type() == "parenthesized_statements" {
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
	switch n.Type() {
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
	if n.Type() != "string" && n.Type() != "delimited_symbol" {
		return "", false
	}
	// Single-quoted forms ('x', %q, %w is not a string node) only honour
	// \\ and \' and tree-sitter leaves those inside string_content.
	single := false
	if n.ChildCount() > 0 {
		open := r.Text(n.Child(0))
		single = strings.HasPrefix(open, "'") || strings.HasPrefix(open, "%q") || strings.HasPrefix(open, ":'")
	}
	var b strings.Builder
	for _, c := range namedChildren(n) {
		switch c.Type() {
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
	if n.Type() == "unary" {
		op := field(n, "operator")
		v, ok := r.IntValue(field(n, "operand"))
		if !ok || op == nil {
			return 0, false
		}
		switch op.Type() {
		case "-":
			return -v, true
		case "+":
			return v, true
		}
		return 0, false
	}
	if n.Type() != "integer" {
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

// field returns n's child in the named field, skipping comments: tree-sitter
// attaches a comment that sits inside a construct to the surrounding field
// (`if x # note` gives the comment the field "condition" too).
func field(n *sitter.Node, name string) *sitter.Node {
	if n == nil {
		return nil
	}
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if !c.IsExtra() && n.FieldNameForChild(i) == name {
			return c
		}
	}
	return nil
}

// fields returns every child of n in the named field, in order.
func fields(n *sitter.Node, name string) []*sitter.Node {
	var out []*sitter.Node
	for i := 0; n != nil && i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if !c.IsExtra() && n.FieldNameForChild(i) == name {
			out = append(out, c)
		}
	}
	return out
}

// namedChildren returns n's named children that are code, leaving out
// comments and heredoc bodies (extras that tree-sitter can place anywhere).
func namedChildren(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := 0; n != nil && i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if !c.IsExtra() {
			out = append(out, c)
		}
	}
	return out
}

// statements is namedChildren under the name that says what they are for a
// statement container (program, body_statement, then, else, …).
func statements(n *sitter.Node) []*sitter.Node { return namedChildren(n) }
