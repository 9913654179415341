package rules

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
)

// Edits that add or change one key of a YAML mapping, in the file's own
// style: the indentation of the mapping's keys, its line ends (LF or
// CRLF), its flow or block layout. The edits are on the original bytes
// (ERB included), so they work on database.yml templates as they are.

// AddKey returns the edit that appends `key: valueText` to mapping m of
// doc as its last entry. Appending last is what makes the key win over a
// `<<: *default` merge wherever that merge is written (Psych: later
// entries overwrite earlier ones). valueText is written as given. It
// returns nil when m is not a mapping it can edit safely (an alias, a
// block mapping whose keys do not start their lines).
//
// The caller must make sure m does not already hold key: a duplicate key
// is an error for strict YAML parsers. SetValue changes an existing one.
func AddKey(doc *parser.YAMLDoc, m *yaml.Node, key, valueText string) []fixer.Edit {
	if doc == nil || m == nil || m.Kind != yaml.MappingNode || m.Line == 0 {
		return nil
	}
	src := doc.File.Src
	entry := key + ": " + valueText
	span := doc.Span(m)
	if m.Style&yaml.FlowStyle != 0 {
		closer := span.End.Offset - 1
		if closer < 0 || closer >= len(src) || src[closer] != '}' {
			return nil
		}
		if len(m.Content) == 0 {
			return []fixer.Edit{{File: doc.File.Path, Start: closer, End: closer, NewText: entry}}
		}
		last := doc.Span(m.Content[len(m.Content)-1]).End.Offset
		return []fixer.Edit{{File: doc.File.Path, Start: last, End: last, NewText: ", " + entry}}
	}
	if len(m.Content) == 0 {
		return nil
	}
	first := doc.Span(m.Content[0]).Start
	lineStart, _ := doc.File.Lines.LineBounds(first.Line)
	if strings.Trim(string(src[lineStart:first.Offset]), " ") != "" {
		return nil // `- key: v` or a key after other text: not a layout to copy
	}
	indent := string(src[lineStart:first.Offset])
	// After the end of the last entry's line, so a trailing comment stays
	// on the line it annotates.
	at := span.End.Offset
	for at < len(src) && src[at] != '\n' && src[at] != '\r' {
		at++
	}
	return []fixer.Edit{{File: doc.File.Path, Start: at, End: at, NewText: lineEnding(src) + indent + entry}}
}

// SetValue returns the edit that replaces the scalar value node v with
// valueText (quotes and ERB of the old value included).
func SetValue(doc *parser.YAMLDoc, v *yaml.Node, valueText string) []fixer.Edit {
	v = parser.Resolve(v)
	if doc == nil || v == nil || v.Kind != yaml.ScalarNode || v.Line == 0 {
		return nil
	}
	span := doc.Span(v)
	if span.End.Offset <= span.Start.Offset {
		// An empty (null) value is a point: write after the colon.
		return []fixer.Edit{{File: doc.File.Path, Start: span.Start.Offset, End: span.Start.Offset, NewText: " " + valueText}}
	}
	return []fixer.Edit{{File: doc.File.Path, Start: span.Start.Offset, End: span.End.Offset, NewText: valueText}}
}

// lineEnding is the file's line break: CRLF when its first line ends so.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// mappingEntry finds the entry of the document (at any depth, aliases not
// followed) whose key starts at offset: the raw value node as written,
// which is an alias when the key's value is `*name`, and the mapping that
// holds the entry.
func mappingEntry(doc *parser.YAMLDoc, offset int) (value, parent *yaml.Node) {
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n == nil || n.Kind == yaml.AliasNode {
			return false
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Line > 0 && doc.Span(n.Content[i]).Start.Offset == offset {
					value, parent = n.Content[i+1], n
					return true
				}
			}
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	if doc != nil {
		walk(doc.Root)
	}
	return value, parent
}

// aliasesTo returns whether some alias of the document names node m
// (`<<: *primary_production` merges it into another config).
func aliasesTo(doc *parser.YAMLDoc, m *yaml.Node) bool {
	found := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found {
			return
		}
		if n.Kind == yaml.AliasNode {
			found = n.Alias == m
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	if doc != nil {
		walk(doc.Root)
	}
	return found
}

// directEntry returns the value of key when mapping m writes it itself
// (not through a merge).
func directEntry(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := parser.Resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyEdit is a change that sets one key of one config mapping.
type keyEdit struct {
	Edits []fixer.Edit
	// SharedAnchor names the anchor of the edited mapping when other
	// mappings merge it: the change reaches them too.
	SharedAnchor string
}

// setKeyIn returns the edits that make mapping entry keyOffset (the key
// of a config, e.g. `production:` or `primary:`) hold `key: valueText`:
// the key's own value is replaced when the mapping writes it itself, else
// the key is appended to the mapping, after any `<<: *default`. ok is
// false when there is no safe place: the config is an alias of another
// (`production: *default`, where an edit would change every user of the
// anchor) or writes the key itself but loses it to a later merge.
func setKeyIn(doc *parser.YAMLDoc, keyOffset int, key, valueText string) (keyEdit, bool) {
	raw, _ := mappingEntry(doc, keyOffset)
	if raw == nil || raw.Kind != yaml.MappingNode {
		return keyEdit{}, false
	}
	var edits []fixer.Edit
	if own := directEntry(raw, key); own != nil {
		if winner, _ := doc.Lookup(raw, key); winner != parser.Resolve(own) {
			return keyEdit{}, false
		}
		edits = SetValue(doc, own, valueText)
	} else {
		edits = AddKey(doc, raw, key, valueText)
	}
	if len(edits) == 0 {
		return keyEdit{}, false
	}
	ke := keyEdit{Edits: edits}
	if raw.Anchor != "" && aliasesTo(doc, raw) {
		ke.SharedAnchor = raw.Anchor
	}
	return ke, true
}
