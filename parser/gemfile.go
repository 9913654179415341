package parser

// Gemfile is what a Gemfile says about how each gem is used: Gemfile.lock
// only says a gem is installed, not that the app runs it. A server gem
// locked with `require: false` for a mounted admin UI, or only in the
// development group, does not mean production runs that server.
type Gemfile struct {
	Gems []GemDecl
	// Dynamic names the first construct that may declare gems poollint
	// cannot see (`gemspec`, `eval_gemfile`, a gem name built at run
	// time, as in a loop); "" when every declaration is literal.
	Dynamic string
}

// GemDecl is one `gem "name", ...` line.
type GemDecl struct {
	Name string
	Span Span // the whole gem call
	// Groups are the groups from enclosing `group … do` blocks and the
	// call's own group:/groups: option; empty means the default group.
	Groups []string
	// RequireFalse is `require: false` (or `:require => false`).
	RequireFalse bool
	// Platforms are from enclosing `platforms … do` blocks and the
	// platform:/platforms: option; empty means every platform.
	Platforms []string
	// Conditional says an if/unless/case/ternary decides whether the line
	// runs (`gem "unicorn" if ENV["SERVER"] == "unicorn"`).
	Conditional bool
}

// ParseGemfile reads the gem declarations of a parsed Gemfile.
func ParseGemfile(r *RubyFile) *Gemfile {
	g := &Gemfile{}
	for _, c := range r.Calls(r.Root, "gemspec", "eval_gemfile", "instance_eval", "eval") {
		if g.Dynamic == "" {
			g.Dynamic = r.CompactText(c.Node)
		}
	}
	for _, c := range r.Calls(r.Root, "gem") {
		if c.Receiver != nil || len(c.Args) == 0 {
			continue
		}
		name, ok := r.StringValue(c.Args[0])
		if !ok {
			if g.Dynamic == "" {
				g.Dynamic = r.CompactText(c.Node)
			}
			continue
		}
		d := GemDecl{Name: name, Span: r.Span(c.Node), Conditional: len(r.EnclosingConditions(c.Node)) > 0}
		for _, a := range c.Args[1:] {
			d.readOption(r, a)
		}
		d.readEnclosingBlocks(r, c.Node)
		g.Gems = append(g.Gems, d)
	}
	return g
}

// Declarations returns every declaration of gem, in source order.
func (g *Gemfile) Declarations(gem string) []GemDecl {
	var out []GemDecl
	for _, d := range g.Gems {
		if d.Name == gem {
			out = append(out, d)
		}
	}
	return out
}

// readOption reads one keyword argument (or a trailing hash of them).
func (d *GemDecl) readOption(r *RubyFile, a *Node) {
	a = Unwrap(a)
	if NodeType(a) == "hash" {
		for _, p := range namedChildren(a) {
			d.readOption(r, p)
		}
		return
	}
	if NodeType(a) != "pair" {
		return
	}
	key, ok := r.StringValue(field(a, "key"))
	if !ok {
		return
	}
	value := field(a, "value")
	switch key {
	case "require":
		if v := Unwrap(value); v != nil && NodeType(v) == "false" {
			d.RequireFalse = true
		}
	case "group", "groups":
		d.Groups = append(d.Groups, symbolList(r, value)...)
	case "platform", "platforms":
		d.Platforms = append(d.Platforms, symbolList(r, value)...)
	}
}

// readEnclosingBlocks adds the groups and platforms of the `group :a, :b
// do` / `platforms :jruby do` blocks around n.
func (d *GemDecl) readEnclosingBlocks(r *RubyFile, n *Node) {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if NodeType(p) != "do_block" && NodeType(p) != "block" {
			continue
		}
		call := p.Parent()
		if call == nil || NodeType(call) != "call" || field(call, "receiver") != nil {
			continue
		}
		var names []string
		for _, a := range namedChildren(field(call, "arguments")) {
			if NodeType(Unwrap(a)) == "pair" {
				continue // `group :test, optional: true`
			}
			names = append(names, symbolList(r, a)...)
		}
		switch r.Text(field(call, "method")) {
		case "group":
			d.Groups = append(d.Groups, names...)
		case "platforms", "platform":
			d.Platforms = append(d.Platforms, names...)
		}
	}
}

// symbolList reads `:a`, `"a"`, `[:a, :b]` or `%i[a b]` as names.
func symbolList(r *RubyFile, n *Node) []string {
	n = Unwrap(n)
	if n == nil {
		return nil
	}
	if s, ok := r.StringValue(n); ok {
		return []string{s}
	}
	var out []string
	switch NodeType(n) {
	case "array", "symbol_array", "string_array":
		for _, e := range namedChildren(n) {
			if s, ok := r.StringValue(e); ok {
				out = append(out, s)
			} else if NodeType(e) == "bare_symbol" || NodeType(e) == "bare_string" {
				out = append(out, r.Text(e))
			}
		}
	}
	return out
}
