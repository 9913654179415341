package deploy

import (
	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// layered is one value of a Kamal config seen through its files, the
// destination's first: Kamal deep-merges config/deploy.<dest>.yml over
// config/deploy.yml (ActiveSupport's Hash#deep_merge), so mappings merge key
// by key and anything else in the destination replaces the base's value.
// Each layer keeps its document, so every value keeps the span of the file
// it is written in.
type layered []layer

type layer struct {
	doc  *parser.YAMLDoc
	key  *yaml.Node // the key node that holds the value (nil at the root)
	node *yaml.Node
}

func rootLayers(docs ...*parser.YAMLDoc) layered {
	var out layered
	for _, d := range docs {
		if d != nil && d.Root != nil {
			out = append(out, layer{doc: d, node: parser.Resolve(d.Root)})
		}
	}
	return out.merged()
}

// merged cuts the layers at deep_merge's boundary: a non-mapping on top
// hides everything under it, and a mapping hides a non-mapping under it.
func (l layered) merged() layered {
	var out layered
	for i, x := range l {
		if x.node == nil {
			continue
		}
		if x.node.Kind != yaml.MappingNode {
			if i == 0 || len(out) == 0 {
				return layered{x}
			}
			break
		}
		out = append(out, x)
	}
	return out
}

func (l layered) get(key string) layered {
	var out layered
	for _, x := range l {
		if x.node.Kind != yaml.MappingNode {
			continue
		}
		if v, k := x.doc.Lookup(x.node, key); v != nil {
			out = append(out, layer{doc: x.doc, key: k, node: v})
		}
	}
	return out.merged()
}

func (l layered) present() bool { return len(l) > 0 }

func (l layered) top() layer { return l[0] }

func (l layered) isMapping() bool { return len(l) > 0 && l[0].node.Kind == yaml.MappingNode }

// keys lists a mapping's keys as the merged Hash orders them: the base's
// keys first, then those only the destination adds.
func (l layered) keys() []string {
	seen := map[string]bool{}
	var out []string
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].node.Kind != yaml.MappingNode {
			continue
		}
		for _, e := range l[i].doc.Entries(l[i].node) {
			if !seen[e.Key] {
				seen[e.Key] = true
				out = append(out, e.Key)
			}
		}
	}
	return out
}

// span is where the top layer's value is written.
func (x layer) span() parser.Span { return x.doc.Span(x.node) }

// keySpan is where its key is written, else the value.
func (x layer) keySpan() parser.Span {
	if x.key != nil {
		return x.doc.Span(x.key)
	}
	return x.span()
}

// command parses a scalar holding a shell command (Kamal's cmd:, Compose's
// command:). A plain one-line scalar is parsed in place, so every word
// keeps its offset in the file; a quoted or folded one is parsed from its
// value, its words spanning the whole scalar.
func (x layer) command(name string) parser.ProcfileEntry {
	span := x.span()
	if x.node.Style == 0 && span.Start.Line == span.End.Line {
		return parser.ParseCommand(x.doc.File, name, span.Start.Offset, span.End.Offset)
	}
	return parser.ParseCommandText(x.doc.File, name, x.node.Value, span)
}
