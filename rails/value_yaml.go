package rails

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// Setting is one key of a YAML mapping as the app reads it: the value
// expression plus where the key and value are written. When the key comes
// through a merge key (`<<: *default`), the spans point into the anchored
// mapping, where a fix must edit it.
type Setting struct {
	Value     *Value
	Key       *yaml.Node
	Node      *yaml.Node
	KeySpan   parser.Span
	ValueSpan parser.Span
	Raw       string // the scalar as written (ERB included)
	Inherited bool   // defined in another mapping and merged or aliased in
}

// settingOf reads key from mapping m of doc, or nil when absent.
func settingOf(doc *parser.YAMLDoc, m *yaml.Node, key string) *Setting {
	val, keyNode := doc.Lookup(m, key)
	if val == nil || keyNode == nil {
		return nil
	}
	s := &Setting{
		Key:       keyNode,
		Node:      val,
		KeySpan:   doc.Span(keyNode),
		ValueSpan: doc.Span(val),
	}
	s.Raw = string(doc.File.Src[s.ValueSpan.Start.Offset:s.ValueSpan.End.Offset])
	if parser.Resolve(val) == val { // Lookup resolves aliases: the same span and text
		s.Value = valueFromYAML(doc, val, s.ValueSpan, s.Raw)
	} else {
		s.Value = ValueFromYAML(doc, val)
	}
	s.Inherited = !directKey(m, keyNode)
	if doc.DynamicStructure && countKey(parser.Resolve(m), key) > 1 {
		// `<% if env == "production" %> key: 20 <% else %> key: 5 <% end %>`:
		// ERB keeps one of the copies, and the last one is not the answer.
		s.Value = Unknown("`"+key+"` is written more than once and ERB picks which copy is kept", s.ValueSpan, s.Raw)
	}
	return s
}

// countKey counts the direct keys of m spelled key.
func countKey(m *yaml.Node, key string) int {
	n := 0
	for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
		if k := parser.Resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			n++
		}
	}
	return n
}

// directKey reports whether keyNode is one of m's own keys.
func directKey(m *yaml.Node, keyNode *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == keyNode {
			return true
		}
	}
	return false
}

// ValueFromYAML builds the Value of a scalar node. An ERB output tag is
// parsed as the Ruby expression it is; Rails renders it before YAML reads
// the file, so an expression that renders nothing yields a YAML null.
func ValueFromYAML(doc *parser.YAMLDoc, n *yaml.Node) *Value {
	n = parser.Resolve(n)
	span := doc.Span(n)
	return valueFromYAML(doc, n, span, string(doc.File.Src[span.Start.Offset:span.End.Offset]))
}

// valueFromYAML is ValueFromYAML of a resolved node whose span and text
// the caller already has.
func valueFromYAML(doc *parser.YAMLDoc, n *yaml.Node, span parser.Span, text string) *Value {
	if n.Kind != yaml.ScalarNode {
		return Unknown("not a scalar", span, text)
	}
	if tag := doc.ERBOf(n); tag != nil {
		code := strings.TrimSpace(tag.Code)
		if code == "" {
			return &Value{Op: OpNil, Span: span, Text: text}
		}
		r, err := parser.RubySnippet(doc.File, tag.Code, tag.CodeStart)
		if err != nil || r.HasErrors {
			return Unknown("the ERB in this value is not valid Ruby", span, text)
		}
		stmts := topStatements(r)
		if len(stmts) != 1 {
			return Unknown("cannot evaluate `"+oneLine(code)+"` statically", span, text)
		}
		if sc, ok := doc.Scope.(*erbScope); ok {
			return sc.value(r, stmts[0])
		}
		v := ValueFromRuby(r, stmts[0])
		return v
	}
	if len(doc.ERBInside(n)) > 0 {
		return Unknown("a value mixing text and ERB", span, text)
	}
	switch n.Tag {
	case "!!null":
		return &Value{Op: OpNil, Span: span, Text: text}
	case "!!int":
		if v, ok := atoiLoose(n.Value); ok {
			return Lit(v, span, text)
		}
	case "!!bool":
		if n.Value == "true" || n.Value == "yes" || n.Value == "on" {
			return &Value{Op: OpStr, Str: "true", Span: span, Text: text}
		}
		return &Value{Op: OpStr, Str: "false", Span: span, Text: text}
	}
	return &Value{Op: OpStr, Str: n.Value, Span: span, Text: text}
}
