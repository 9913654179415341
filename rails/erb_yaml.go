package rails

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// Reading a YAML template whose ERB shapes the document: render each
// combination of its undecided conditions (erb_render.go), parse each, and
// keep one. When the values rules read agree across the renderings, any
// one will do; when they differ, the model keeps the worst for the rules
// (the smallest pool, the most threads) and records the condition, which
// findings then name.

// maxIncludeDepth bounds ERB includes of includes.
const maxIncludeDepth = 3

// erbEnv is the environment ERB conditions are decided in: the declared
// variables and RAILS_ENV.
func (a *App) erbEnv() Env {
	vars := map[string]string{}
	for k, v := range a.outerEnv {
		vars[k] = v
	}
	if _, ok := vars["RAILS_ENV"]; !ok {
		vars["RAILS_ENV"] = a.RailsEnv
	}
	return Env{Vars: vars}
}

// notModeled records a valid part of a file that poollint cannot model.
func (a *App) notModeled(span parser.Span, msg string) {
	a.Problems = append(a.Problems, Problem{Span: span, Message: msg, NotModeled: true})
}

// renderedYAML reads a template whose ERB code shapes the document.
// handled is false when the template is not one the renderer reads (no
// ERB, or an unterminated tag), which parseYAML then reports as before.
func (a *App) renderedYAML(f *parser.File, depth int) (doc *parser.YAMLDoc, handled bool) {
	tags, err := f.ERBTags()
	if err != nil || len(tags) == 0 {
		return nil, false
	}
	nodes, bad, ok := readERBTemplate(f, tags)
	if !ok {
		a.problem(f.Span(bad.tag.Start, bad.tag.End), "ERB cannot compile this template: `"+
			oneLine(string(f.Src[bad.tag.Start:bad.tag.End]))+"` "+bad.why+"; nothing in this file was read", false)
		return nil, true
	}
	env := a.erbEnv()
	vs, truncated := renderERBVariants(f, nodes, env, a.RailsEnv, a.appFiles)
	type parsed struct {
		v   *erbVariant
		doc *parser.YAMLDoc
	}
	var docs []parsed
	var firstErr error
	var firstErrVariant *erbVariant
	for _, v := range vs {
		d, err := a.parseVariant(f, v, depth)
		if err != nil {
			if firstErr == nil {
				firstErr, firstErrVariant = err, v
			}
			continue
		}
		if d != nil {
			docs = append(docs, parsed{v, d})
		}
	}
	if firstErr != nil {
		firstErr = locatedVariantError(f, firstErrVariant, firstErr)
	}
	if len(docs) == 0 {
		if firstErr == nil {
			return nil, true // every variant includes a file that is not there: noted
		}
		span, msg := locateError(f, firstErr)
		var ye *parser.YAMLError
		if errors.As(firstErr, &ye) && ye.Path != f.Path {
			span, msg = parser.Span{File: ye.Path}, firstErr.Error()
		}
		if len(firstErrVariant.when) == 0 && len(firstErrVariant.notes) == 0 && (ye == nil || ye.ERBReason == "") {
			a.problem(span, "invalid YAML once ERB renders it: "+msg+"; nothing in this file was read", false)
		} else {
			a.notModeled(span, "poollint's rendering of this ERB template is not valid YAML ("+msg+"); nothing in this file was read")
		}
		return nil, true
	}
	// Each rendering's extremes once (comparing pairs read the best one
	// again for every other).
	type extremes struct{ pool, threads int }
	ext := make([]extremes, len(docs))
	for i, d := range docs {
		if len(docs) > 1 {
			ext[i].pool, ext[i].threads = yamlExtremes(d.doc, env, a.RailsEnv)
		}
	}
	best := 0
	for i := 1; i < len(docs); i++ {
		if worseExtremes(ext[i].pool, ext[i].threads, ext[best].pool, ext[best].threads) {
			best = i
		}
	}
	chosen := docs[best]
	a.noteVariant(f, chosen.v)
	for _, n := range chosen.v.notes {
		if n.skipped && chosen.doc.File == f && !chosen.doc.DynamicStructure {
			// ERB writes lines poollint did not render: the document is
			// still generated (Octopus reads that as shard entries
			// written with no pool).
			chosen.doc.DynamicStructure = true
			chosen.doc.DynamicReason = "ERB code `" + oneLine(string(f.Src[n.tag.Start:n.tag.End])) + "` on line " + strconv.Itoa(f.Lines.Pos(n.tag.Start).Line) + " can add, drop or repeat lines"
			break
		}
	}
	if firstErr != nil {
		var ye *parser.YAMLError
		if errors.As(firstErr, &ye) && ye.ERBReason != "" && chosen.doc.File == f && !chosen.doc.DynamicStructure {
			// Another branch has ERB write lines poollint cannot see: the
			// keys it may write are unknown, not absent.
			chosen.doc.DynamicStructure, chosen.doc.DynamicReason = true, ye.ERBReason
		}
		span, msg := locateError(f, firstErr)
		a.notModeled(span, "poollint's rendering of this ERB template "+joinWhen(firstErrVariant)+"is not valid YAML ("+msg+"); that branch was not read")
	}
	if chosen.doc.DynamicStructure && chosen.doc.File == f && !hasSkipped(chosen.v) {
		a.notModeled(parser.Span{File: f.Path}, "ERB generates part of this file's structure ("+chosen.doc.DynamicReason+"); only what is written statically was read")
	}
	if truncated {
		a.notModeled(parser.Span{File: f.Path}, "ERB in this file has more than "+strconv.Itoa(maxERBVariants)+" combinations of undecided conditions; only the first were read")
	}
	// Name the conditions where the chosen reading parts from a reading
	// that gives other values.
	// A condition is named when flipping it alone gives other values.
	mine := yamlFingerprint(chosen.doc, a.RailsEnv)
	seen := map[string]bool{}
	for _, o := range docs {
		if o.v == chosen.v || yamlFingerprint(o.doc, a.RailsEnv) == mine {
			continue
		}
		if k := singleFlip(chosen.v.taken, o.v.taken); k >= 0 {
			if w := assumptionAt(chosen.v, k); w != "" && !seen[w] {
				seen[w] = true
				a.ERBChoices = append(a.ERBChoices, ERBChoice{File: chosen.doc.File.Path, When: w})
			}
		}
	}
	if len(seen) > 0 {
		var ws []string
		for _, c := range a.ERBChoices {
			if c.File == chosen.doc.File.Path {
				ws = append(ws, c.When)
			}
		}
		a.problem(parser.Span{File: f.Path}, "ERB conditions in this file cannot be decided here and its branches give different values; poollint read the worst case for pools and threads: "+strings.Join(ws, ", "), true)
	}
	return chosen.doc, true
}

// parseVariant parses one rendering, or the file it includes.
func (a *App) parseVariant(f *parser.File, v *erbVariant, depth int) (*parser.YAMLDoc, error) {
	if includesOnly(v) {
		if depth >= maxIncludeDepth {
			return nil, errors.New(f.Path + ": ERB includes nested too deeply")
		}
		inc := a.readFile(v.include)
		if inc == nil {
			return nil, nil
		}
		if hasERBCode(inc) {
			if d2, handled := a.renderedYAML(inc, depth+1); handled {
				return d2, nil // as below, without the masked parse
			}
		}
		d, err := parser.ParseYAML(inc)
		if err == nil && !d.DynamicStructure {
			d.Scope = newERBScope(a.RailsEnv)
			return d, nil
		}
		if d2, handled := a.renderedYAML(inc, depth+1); handled {
			return d2, nil
		}
		return d, err
	}
	d, err := parser.ParseYAMLRenderingUnlocated(f, &v.r)
	if err != nil {
		return nil, err
	}
	d.Scope = v.scope
	return d, nil
}

// includesOnly reports whether variant v renders nothing but the file its
// ERB includes (parseVariant reads that file instead).
func includesOnly(v *erbVariant) bool {
	return v.include != "" && strings.TrimSpace(string(v.r.Src)) == ""
}

// locatedVariantError is the error parseVariant gave for v, with its line:
// parseVariant does not locate a rendering's syntax error, since only the
// first failing rendering's is shown. An include's error is located.
func locatedVariantError(f *parser.File, v *erbVariant, err error) error {
	if includesOnly(v) {
		return err
	}
	if _, located := parser.ParseYAMLRendering(f, &v.r); located != nil {
		return located
	}
	return err
}

// noteVariant reports the Ruby the chosen rendering did not run and any
// structure ERB still generates, at the smallest span.
func (a *App) noteVariant(f *parser.File, v *erbVariant) {
	seen := map[int]bool{}
	for _, n := range v.notes {
		if seen[n.tag.Start] {
			continue // one note per tag: the first statement not run
		}
		seen[n.tag.Start] = true
		a.notModeled(f.Span(n.s, n.e), n.msg)
	}
}

// singleFlip is the one decision point where two variants' choices differ
// (as far as both go), or -1 when they differ at none or at several.
func singleFlip(a, b []int) int {
	k := -1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if k >= 0 {
				return -1
			}
			k = i
		}
	}
	return k
}

// assumptionAt is what variant v assumed at decision point k. Every
// decision point is an assumption (conditions and includes alike), met
// in the same order.
func assumptionAt(v *erbVariant, k int) string {
	if k < len(v.when) {
		return v.when[k].When
	}
	return ""
}

// sizingKeys are the keys that size pools and thread counts: where the
// branches of a template agree on them, which branch is read does not
// change what the pool rules report.
var sizingKeys = map[string]bool{
	"pool": true, "max_connections": true, "min_connections": true,
	"concurrency": true, "threads": true, "processes": true, "workers": true,
}

// yamlFingerprint is the text of every sizing value of the section rules
// read (the RAILS_ENV section when there is one), by key path.
func yamlFingerprint(d *parser.YAMLDoc, railsEnv string) string {
	var lines []string
	walkYAMLValues(d, sectionOf(d, railsEnv), yamlPath{}, 0, func(path yamlPath, n *yaml.Node) {
		if !sizingKeys[strings.TrimPrefix(path.last(), ":")] {
			return
		}
		sp := d.Span(n)
		lines = append(lines, path.String()+"="+string(d.File.Src[sp.Start.Offset:sp.End.Offset]))
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func sectionOf(d *parser.YAMLDoc, railsEnv string) *yaml.Node {
	if v, _ := d.Lookup(d.Root, railsEnv); v != nil && v.Kind == yaml.MappingNode {
		return v
	}
	return d.Root
}

// yamlPath is the key path of a node below the walk's start: "" for the
// start itself, else parent+"/"+key. It is joined only when asked: most
// scalars are skipped on their key alone.
type yamlPath struct {
	parent, key string
	below       bool // not the start
}

func (p yamlPath) String() string {
	if !p.below {
		return ""
	}
	return p.parent + "/" + p.key
}

// last is the path's last segment (the text after its last "/").
func (p yamlPath) last() string {
	return p.key[strings.LastIndex(p.key, "/")+1:]
}

// walkYAMLValues calls fn on each scalar below n, merges resolved.
func walkYAMLValues(d *parser.YAMLDoc, n *yaml.Node, path yamlPath, depth int, fn func(yamlPath, *yaml.Node)) {
	n = parser.Resolve(n)
	if n == nil || depth > 8 {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		fn(path, n)
	case yaml.MappingNode:
		here := path.String()
		for _, e := range d.Entries(n) {
			walkYAMLValues(d, e.Value, yamlPath{parent: here, key: e.Key, below: true}, depth+1, fn)
		}
	case yaml.SequenceNode:
		here := path.String()
		for i, c := range n.Content {
			walkYAMLValues(d, c, yamlPath{parent: here, key: strconv.Itoa(i), below: true}, depth+1, fn)
		}
	}
}

// worseExtremes reports whether a rendering with extremes (pa, ta) is a
// worse case than one with (pb, tb) for the rules: a smaller pool, else
// more threads (yamlExtremes).
func worseExtremes(pa, ta, pb, tb int) bool {
	if pa != pb {
		return pa < pb
	}
	return ta > tb
}

// yamlExtremes are the smallest pool and the most threads a document
// writes (pool keys missing count as Active Record's default 5).
func yamlExtremes(d *parser.YAMLDoc, env Env, railsEnv string) (minPool, maxThreads int) {
	minPool, maxThreads = 1<<30, 0
	walkYAMLValues(d, sectionOf(d, railsEnv), yamlPath{}, 0, func(path yamlPath, n *yaml.Node) {
		key := strings.TrimPrefix(path.last(), ":")
		var r Result
		switch key {
		case "pool", "max_connections", "concurrency", "threads", "processes":
			r = ValueFromYAML(d, n).Eval(env)
		default:
			return
		}
		if !r.Known() {
			return
		}
		if key == "pool" || key == "max_connections" {
			minPool = min(minPool, r.Int)
		} else {
			maxThreads = max(maxThreads, r.Int)
		}
	})
	return minPool, maxThreads
}

func hasSkipped(v *erbVariant) bool {
	for _, n := range v.notes {
		if n.skipped {
			return true
		}
	}
	return false
}

// joinWhen is a variant's assumptions as words for a message, "" when none.
func joinWhen(v *erbVariant) string {
	if len(v.when) == 0 {
		return ""
	}
	var ws []string
	for _, w := range v.when {
		ws = append(ws, w.When)
	}
	return strings.Join(ws, " and ") + " "
}
