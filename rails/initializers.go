package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file reads the Ruby that sets the Active Record pool behind
// database.yml's back, in config/initializers/*.rb and in the
// config/sidekiq.rb file seed 001 puts its Sidekiq setup in:
//   - a database URL with `?pool=` glued on, stored back into
//     ENV['DATABASE_URL'] (then `establish_connection` with no argument) or
//     passed to establish_connection (seed 001);
//   - the pre-4.1 Heroku initializer: disconnect!, config['pool'] = ...,
//     establish_connection(config) (seeds 002, 003);
//   - the Rails 3.2 patch that makes PostgreSQLAdapter read the URL's
//     prepared_statements "false" as false (seed 001, facts 8.3).
// It records where each is written; rules decide what is wrong with it.

// InitializerKind says which of those patterns an Initializer is.
type InitializerKind int

const (
	// GluedPoolURL is a database URL with ?pool= appended by interpolation
	// ("#{url}?pool=25") or + (url + "?pool=25").
	GluedPoolURL InitializerKind = iota + 1
	// HandBuiltPool is establish_connection(config) after config['pool'] =
	// ..., in a file that also disconnects Active Record.
	HandBuiltPool
	// PreparedStatementsCast reopens PostgreSQLAdapter to turn the
	// prepared_statements string "false" into false.
	PreparedStatementsCast
)

// Initializer is one pool-related construct found in an initializer.
type Initializer struct {
	Kind InitializerKind
	File string
	Span parser.Span // the construct: the glued URL, the establish_connection call, the class

	// Glue is the expression that appends ?pool= (GluedPoolURL).
	Glue     parser.Span
	GlueText string
	// Pool is the pool the code asks for: what follows ?pool=, or the
	// value assigned to config['pool']. PoolText is its source.
	Pool     *Value
	PoolText string
	// EnvVar is the variable the glued URL is stored back into
	// (ENV['DATABASE_URL'] = ...); "" when the URL goes straight to
	// establish_connection.
	EnvVar string
	// Connect is the establish_connection call that uses the pool: the one
	// passed the URL or the hand-built config, or, after an ENV store, the
	// next call; zero when there is none. ConnectBare says that call has no
	// argument, so it resolves the configuration built at boot.
	Connect     parser.Span
	ConnectBare bool
	// SidekiqServer is set inside Sidekiq.configure_server: the code runs
	// in the Sidekiq server process only.
	SidekiqServer bool

	// Disconnect and PoolAssign locate the rest of a HandBuiltPool.
	Disconnect parser.Span
	PoolAssign parser.Span
}

// initializerFiles are the files loadInitializerFacts reads, besides
// config/initializers/*.rb.
var initializerFiles = []string{"config/sidekiq.rb"}

func (a *App) loadInitializerFacts() {
	paths := append(a.listDir("config/initializers", ".rb"), initializerFiles...)
	for _, rel := range paths {
		if !a.exists(rel) {
			continue
		}
		f := a.readFile(rel)
		if f == nil || !mayHoldPoolCode(f.Src) {
			continue
		}
		if r := a.parseRuby(f); r != nil {
			a.Initializers = append(a.Initializers, readInitializers(r)...)
		}
	}
}

// mayHoldPoolCode skips the parse of files that cannot hold any of the
// patterns (most initializers configure other things).
func mayHoldPoolCode(src []byte) bool {
	s := string(src)
	return strings.Contains(s, "establish_connection") || strings.Contains(s, "PostgreSQLAdapter") ||
		strings.Contains(s, "?pool=")
}

// readInitializers finds the patterns in one file, in source order.
func readInitializers(r *parser.RubyFile) []*Initializer {
	ir := initReader{r: r, locals: r.Assignments()}
	for _, c := range r.Calls(r.Root, "configure_server") {
		if c.Block != nil && r.CompactText(c.Receiver) == "Sidekiq" {
			ir.servers = append(ir.servers, c.Block)
		}
	}
	var out []*Initializer
	out = append(out, ir.gluedURLs()...)
	out = append(out, ir.handBuiltPools()...)
	out = append(out, ir.preparedStatementsCasts()...)
	return out
}

type initReader struct {
	r       *parser.RubyFile
	locals  map[string][]parser.Assignment
	servers []*parser.Node // Sidekiq.configure_server blocks
}

func (ir initReader) inServer(n *parser.Node) bool {
	for _, b := range ir.servers {
		if initWithin(n, b) {
			return true
		}
	}
	return false
}

func initWithin(n, outer *parser.Node) bool {
	return n.StartByte() >= outer.StartByte() && n.EndByte() <= outer.EndByte()
}

// gluedURLs finds ?pool= glued onto a URL that reaches Active Record:
// stored into ENV['DATABASE_URL'] or passed to establish_connection.
func (ir initReader) gluedURLs() []*Initializer {
	r := ir.r
	var out []*Initializer
	seen := map[uint32]*Initializer{} // by the glued expression's start
	add := func(in *Initializer, at uint32) {
		if prev, ok := seen[at]; ok {
			// One glued URL both stored and passed: keep the ENV store
			// followed by a bare call, which decides the severity.
			if in.ConnectBare && !prev.ConnectBare {
				*prev = *in
			}
			return
		}
		seen[at] = in
		out = append(out, in)
	}
	connects := r.Calls(r.Root, "establish_connection")
	for _, as := range r.IndexAssignments(r.Root, "DATABASE_URL") {
		if as.Name != "ENV" || as.Value == nil {
			continue
		}
		var g glued
		switch as.Operator {
		case "=":
			g = ir.glue(as.Value, as.Node.StartByte(), 0)
		case "+=": // ENV['DATABASE_URL'] += "?pool=25"
			g = ir.glueSuffix(as.Value, as.Value)
		}
		if g.node == nil {
			continue
		}
		in := ir.gluedInitializer(g)
		in.EnvVar = "DATABASE_URL"
		for _, c := range connects {
			if c.Node.StartByte() < as.Node.EndByte() {
				continue
			}
			if len(c.Args) == 0 {
				in.Connect, in.ConnectBare = r.Span(c.Node), true
				break
			}
			if isEnvRead(r, c.Args[0], "DATABASE_URL") {
				in.Connect = r.Span(c.Node)
				break
			}
		}
		add(in, g.node.StartByte())
	}
	for _, c := range connects {
		if len(c.Args) == 0 {
			continue
		}
		g := ir.glue(c.Args[0], c.Node.StartByte(), 0)
		if g.node == nil {
			continue
		}
		in := ir.gluedInitializer(g)
		in.Connect = r.Span(c.Node)
		add(in, g.node.StartByte())
	}
	return out
}

func (ir initReader) gluedInitializer(g glued) *Initializer {
	r := ir.r
	in := &Initializer{
		Kind:          GluedPoolURL,
		File:          r.File.Path,
		Span:          r.Span(g.node),
		Glue:          r.Span(g.node),
		GlueText:      r.Text(g.node),
		Pool:          g.pool,
		SidekiqServer: ir.inServer(g.node),
	}
	if g.pool != nil {
		in.PoolText = g.poolText
	}
	return in
}

// glued is an expression that appends ?pool= to a URL that is not a
// literal, and the pool it appends.
type glued struct {
	node     *parser.Node
	pool     *Value
	poolText string // the pool's source text
}

// glue reads n as a glued URL, following a local variable to the last
// assignment before offset at.
func (ir initReader) glue(n *parser.Node, at uint32, depth int) glued {
	n = parser.Unwrap(n)
	if n == nil || depth > maxValueDepth {
		return glued{}
	}
	switch n.Type() {
	case "identifier":
		var last *parser.Assignment
		for i, as := range ir.locals[ir.r.Text(n)] {
			if as.Node.EndByte() <= at && as.Operator == "=" {
				last = &ir.locals[ir.r.Text(n)][i]
			}
		}
		if last == nil || last.Value == nil {
			return glued{}
		}
		return ir.glue(last.Value, last.Node.StartByte(), depth+1)
	case "string":
		if pool, text, ok := ir.poolInString(n, true); ok {
			return glued{node: n, pool: pool, poolText: text}
		}
	case "binary":
		return ir.glueBinary(n)
	}
	return glued{}
}

// glueBinary reads `url + "?pool=25"`, `url + "?pool=#{n}"` and
// `url + "?pool=" + n.to_s`.
func (ir initReader) glueBinary(n *parser.Node) glued {
	op := n.ChildByFieldName("operator")
	if op == nil || op.Type() != "+" {
		return glued{}
	}
	left, right := parser.Unwrap(n.ChildByFieldName("left")), parser.Unwrap(n.ChildByFieldName("right"))
	if left == nil || right == nil {
		return glued{}
	}
	if left.Type() == "binary" {
		if g := ir.glueBinary(left); g.node != nil {
			if g.pool == nil { // "?pool=" + n.to_s
				g.pool, g.poolText = ValueFromRuby(ir.r, right), ir.r.Text(right)
			}
			g.node = n
			return g
		}
	}
	if _, literal := ir.r.StringValue(left); literal {
		return glued{} // a literal URL, not one being extended
	}
	return ir.glueSuffix(n, right)
}

// glueSuffix reads the right operand s of an append as `"?pool=..."`;
// node is what the glued expression is.
func (ir initReader) glueSuffix(node, s *parser.Node) glued {
	s = parser.Unwrap(s)
	if s == nil || s.Type() != "string" {
		return glued{}
	}
	pool, text, ok := ir.poolInString(s, false)
	if !ok {
		return glued{}
	}
	return glued{node: node, pool: pool, poolText: text}
}

// poolInString finds "?pool=" in the literal text of string s. With
// needDynamic, an interpolation must come before it: "#{url}?pool=5"
// glues, while "postgres://host/db?pool=5" is a literal URL. pool is what
// follows "?pool=" and text its source; pool is nil when that is left to
// a later operand.
func (ir initReader) poolInString(s *parser.Node, needDynamic bool) (pool *Value, text string, ok bool) {
	r := ir.r
	dynamic := false
	kids := initKids(s)
	for i, c := range kids {
		switch c.Type() {
		case "interpolation":
			dynamic = true
		case "string_content":
			content := r.Text(c)
			at := strings.Index(content, "?pool=")
			if at < 0 || (needDynamic && !dynamic) {
				continue
			}
			rest := content[at+len("?pool="):]
			if end := strings.IndexAny(rest, "&#"); end >= 0 {
				rest = rest[:end]
			}
			start := int(c.StartByte()) + at + len("?pool=")
			span := r.File.Span(start, start+len(rest))
			if rest != "" {
				if n, isInt := atoiLoose(rest); isInt {
					return Lit(n, span, rest), rest, true
				}
				return Unknown("?pool="+rest+" is not a number", span, rest), rest, true
			}
			if i+1 < len(kids) && kids[i+1].Type() == "interpolation" {
				expr := kids[i+1]
				if inner := initKids(expr); len(inner) == 1 {
					expr = inner[0]
				}
				return ValueFromRuby(r, expr), r.Text(expr), true
			}
			return nil, "", true
		}
	}
	return nil, "", false
}

// initKids returns n's named children without comments.
func initKids(n *parser.Node) []*parser.Node {
	var out []*parser.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if c := n.NamedChild(i); c != nil && !c.IsExtra() {
			out = append(out, c)
		}
	}
	return out
}

// isEnvRead reports whether n reads ENV[name] or ENV.fetch(name...).
func isEnvRead(r *parser.RubyFile, n *parser.Node, name string) bool {
	v := ValueFromRuby(r, n)
	return v.Op == OpEnv && v.Str == name
}

// handBuiltPools finds establish_connection(config) after config['pool'] =
// ... in a file that also disconnects Active Record: the pre-4.1 Heroku
// initializer. Inside Sidekiq.configure_server the same code is the
// per-process override Sidekiq's own docs show, not this pattern.
func (ir initReader) handBuiltPools() []*Initializer {
	r := ir.r
	var disconnect *parser.Node
	for _, c := range r.Calls(r.Root, "disconnect!", "clear_all_connections!", "remove_connection") {
		recv := r.CompactText(c.Receiver)
		if strings.HasPrefix(recv, "ActiveRecord::Base") || strings.Contains(recv, "connection") {
			disconnect = c.Node
			break
		}
	}
	if disconnect == nil {
		return nil
	}
	assigns := r.IndexAssignments(r.Root, "pool")
	var out []*Initializer
	for _, c := range r.Calls(r.Root, "establish_connection") {
		if len(c.Args) != 1 || ir.inServer(c.Node) {
			continue
		}
		arg := parser.Unwrap(c.Args[0])
		if arg.Type() != "identifier" {
			continue
		}
		var last *parser.Assignment
		for i, as := range assigns {
			if as.Name == r.Text(arg) && as.Node.EndByte() <= c.Node.StartByte() {
				last = &assigns[i]
			}
		}
		if last == nil {
			continue
		}
		in := &Initializer{
			Kind:       HandBuiltPool,
			File:       r.File.Path,
			Span:       r.Span(c.Node),
			Connect:    r.Span(c.Node),
			Disconnect: r.Span(disconnect),
			PoolAssign: r.Span(last.Node),
		}
		if last.Value != nil {
			in.Pool = ValueFromRuby(r, last.Value)
			in.PoolText = r.Text(last.Value)
		}
		out = append(out, in)
	}
	return out
}

// preparedStatementsCasts finds a reopened PostgreSQLAdapter (class body
// or class_eval block) that compares prepared_statements with "false".
func (ir initReader) preparedStatementsCasts() []*Initializer {
	r := ir.r
	var out []*Initializer
	walkInitNodes(r.Root, func(n *parser.Node) bool {
		var body *parser.Node
		switch n.Type() {
		case "class":
			if strings.HasSuffix(r.CompactText(n.ChildByFieldName("name")), "PostgreSQLAdapter") {
				body = n
			}
		case "call":
			if strings.HasSuffix(r.CompactText(n.ChildByFieldName("receiver")), "PostgreSQLAdapter") {
				body = n.ChildByFieldName("block")
			}
		}
		if body == nil || !castsFalse(r, body) {
			return true
		}
		out = append(out, &Initializer{Kind: PreparedStatementsCast, File: r.File.Path, Span: r.Span(n)})
		return false
	})
	return out
}

// castsFalse reports whether the code under n names prepared_statements
// and the string "false".
func castsFalse(r *parser.RubyFile, n *parser.Node) bool {
	names, falseString := false, false
	walkInitNodes(n, func(c *parser.Node) bool {
		switch c.Type() {
		case "simple_symbol", "hash_key_symbol", "string":
			v, ok := r.StringValue(c)
			names = names || (ok && v == "prepared_statements")
			falseString = falseString || (ok && v == "false" && c.Type() == "string")
		}
		return true
	})
	return names && falseString
}

// walkInitNodes visits n and its descendants in source order, skipping
// comments; visit returns whether to descend.
func walkInitNodes(n *parser.Node, visit func(*parser.Node) bool) {
	parser.Walk(n, visit)
}

// ActiveRecordLoadedBefore reports whether Active Record is certainly
// loaded, so its configurations built from DATABASE_URL, before the
// initializer in runs. Rails builds them lazily, when ActiveRecord::Base
// is first loaded: the e2e suite showed seed 001's ENV['DATABASE_URL'] +
// bare establish_connection taking effect on Rails 6.1 when nothing had
// loaded it yet. Certain means: ar-octopus is locked (it patches
// ActiveRecord::Base when required), or an initializer that runs earlier
// (Rails runs them in file-name order), or an earlier line of the same
// file, names ActiveRecord::Base or ApplicationRecord in code.
func (a *App) ActiveRecordLoadedBefore(in *Initializer) bool {
	if a.Versions.Has("ar-octopus") {
		return true
	}
	for path, f := range a.Files {
		switch {
		case path == in.File:
			if namesActiveRecord(f.Src[:min(in.Span.Start.Offset, len(f.Src))]) {
				return true
			}
		case strings.HasPrefix(path, "config/initializers/") && path < in.File:
			if namesActiveRecord(f.Src) {
				return true
			}
		}
	}
	return false
}

// namesActiveRecord reports whether Ruby source mentions ActiveRecord::Base
// or ApplicationRecord outside comment lines.
func namesActiveRecord(src []byte) bool {
	for _, line := range strings.Split(string(src), "\n") {
		code := strings.TrimSpace(line)
		if strings.HasPrefix(code, "#") {
			continue
		}
		if i := strings.Index(code, " #"); i >= 0 {
			code = code[:i]
		}
		if strings.Contains(code, "ActiveRecord::Base") || strings.Contains(code, "ApplicationRecord") {
			return true
		}
	}
	return false
}
