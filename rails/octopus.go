package rails

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// OctopusConfig is ar-octopus as the app runs it: config/shards.yml plus
// what the initializers do to it. It exists only when ar-octopus is locked:
// a shards.yml left behind after the gem was removed is dead config.
//
// Octopus reads config/shards.yml through ERB, takes its top-level
// `octopus:` key, enables itself only in the environments listed under
// `environments:` (default ["production"]) and builds one Active Record
// pool per shard entry of the `<RAILS_ENV>:` section from that entry alone:
// pools set in database.yml, DATABASE_URL or establish_connection reach
// only the master shard (facts 7).
type OctopusConfig struct {
	Version string      // the locked ar-octopus version
	GemSpan parser.Span // where the app asks for the gem: its Gemfile line, else its Gemfile.lock spec

	File *parser.File    // config/shards.yml; nil when absent
	Doc  *parser.YAMLDoc // nil when absent or unreadable
	// Generated is set when ERB generates the structure of shards.yml
	// (seed 001 loops over the follower URLs to write the shard entries):
	// what the template shows is not what Octopus loads.
	Generated       bool
	GeneratedReason string

	Root    *yaml.Node  // the mapping under `octopus:`; nil when absent
	RootKey parser.Span // the `octopus:` key (the file's first line when unknown)

	// Patched is seed 001's fix: Sidekiq.configure_server merges a pool
	// into Octopus.config's entries and calls initialize_shards, so the
	// Sidekiq process rebuilds its shard pools with that size.
	Patched bool
}

// OctopusShard is one shard entry of the environment's section: a mapping
// with an adapter, a URL string, a member of a shard group, or a slave of
// a slave group. Each gets its own pool.
type OctopusShard struct {
	Name    string      // the entry's key: "slave1"
	Group   string      // the shard group ("history_shards") or "shard/slave group" it is in; "" at the top
	KeySpan parser.Span // the entry's key
	Mapping *yaml.Node  // the entry mapping; nil for a URL entry
	URL     *Value      // the URL of a string entry; nil for a mapping
	Pool    *Setting    // `pool:` of a mapping entry, merge keys resolved; nil when absent
}

// loadOctopus reads config/shards.yml when ar-octopus is locked.
func (a *App) loadOctopus() {
	version, ok := a.Versions.Of("ar-octopus")
	if !ok {
		return
	}
	o := &OctopusConfig{Version: version}
	o.GemSpan = a.gemSpan("ar-octopus")
	o.Patched = a.Sidekiq != nil && a.Sidekiq.OctopusPatched
	a.Octopus = o
	f := a.readFile("config/shards.yml")
	if f == nil {
		return
	}
	o.File = f
	o.RootKey = f.Span(0, 0)
	o.Doc = a.parseYAML(f)
	if o.Doc == nil {
		// Not YAML as written: if ERB is why, it is seed 001's generated
		// file; otherwise it is merely broken (already reported).
		var ye *parser.YAMLError
		if _, err := parser.ParseYAML(f); errors.As(err, &ye) && ye.ERBReason != "" {
			o.Generated, o.GeneratedReason = true, ye.ERBReason
		}
		if i := octopusKeyOffset(f.Src); i >= 0 {
			o.RootKey = f.Span(i, i+len("octopus"))
		}
		return
	}
	o.Generated, o.GeneratedReason = o.Doc.DynamicStructure, o.Doc.DynamicReason
	if o.Doc.Root == nil {
		return
	}
	if v, k := o.Doc.Lookup(o.Doc.Root, "octopus"); v != nil {
		if v = parser.Resolve(v); v.Kind == yaml.MappingNode {
			o.Root = v
			o.RootKey = o.Doc.Span(k)
		}
	}
}

// octopusKeyOffset finds a top-level `octopus:` line in text that is not
// YAML as written, or -1.
func octopusKeyOffset(src []byte) int {
	s := string(src)
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "octopus:") {
			return i
		}
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return -1
}

// gemSpan finds where the app asks for gem: the `gem "name"` line of the
// Gemfile, else its spec line in Gemfile.lock, else the lockfile itself.
func (a *App) gemSpan(gem string) parser.Span {
	if f := a.readFile("Gemfile"); f != nil {
		// The Gemfile only locates the gem; a syntax error in it is not
		// poollint's business, so it is parsed without reporting.
		if r, err := parser.ParseRuby(f); err == nil {
			for _, c := range r.Calls(r.Root, "gem") {
				if len(c.Args) > 0 && c.Receiver == nil {
					if name, ok := r.StringValue(c.Args[0]); ok && name == gem {
						return r.Span(c.Node)
					}
				}
			}
		}
	}
	if f := a.File("Gemfile.lock"); f != nil {
		prefix := "    " + gem + " ("
		for line := 1; line <= f.Lines.LineCount(); line++ {
			if text := f.LineText(line); strings.HasPrefix(text, prefix) {
				start, _ := f.Lines.LineBounds(line)
				return f.Span(start+4, start+len(text))
			}
		}
	}
	return parser.Span{File: "Gemfile.lock"}
}

// Environments returns the environments Octopus is enabled in:
// `environments:` under `octopus:`, else ["production"]. ok is false when
// the list cannot be read (ERB writes it, or the file is unreadable).
func (o *OctopusConfig) Environments() (envs []string, ok bool) {
	if o.Doc == nil {
		if o.File == nil {
			return []string{"production"}, true // Octopus.config is {}: the default list
		}
		return nil, false
	}
	if o.Root == nil {
		if o.Generated {
			return nil, false
		}
		return []string{"production"}, true
	}
	v, _ := o.Doc.Lookup(o.Root, "environments")
	v = parser.Resolve(v)
	if v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null" && len(o.Doc.ERBInside(v)) == 0) {
		return []string{"production"}, true
	}
	if len(o.Doc.ERBInside(v)) > 0 {
		return nil, false
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, item := range v.Content {
			item = parser.Resolve(item)
			if item == nil || item.Kind != yaml.ScalarNode {
				return nil, false
			}
			envs = append(envs, item.Value)
		}
		return envs, true
	case yaml.ScalarNode:
		return []string{v.Value}, true
	}
	return nil, false
}

// ActiveIn reports whether Octopus is enabled in env (Octopus.enabled?:
// `environments.include?(Rails.env)`). known is false when the list
// cannot be read.
func (o *OctopusConfig) ActiveIn(env string) (active, known bool) {
	envs, ok := o.Environments()
	if !ok {
		return false, false
	}
	for _, e := range envs {
		if e == env {
			return true, true
		}
	}
	if len(envs) == 1 && o.Doc != nil && o.Root != nil {
		// A scalar `environments: "staging production"` is a String, and
		// String#include? matches a substring.
		if v, _ := o.Doc.Lookup(o.Root, "environments"); v != nil && parser.Resolve(v).Kind == yaml.ScalarNode {
			return strings.Contains(envs[0], env), true
		}
	}
	return false, true
}

// TemplateListsEnv reports whether a generated shards.yml (one whose
// `environments:` ERB writes) names env or computes it from RAILS_ENV,
// as seed 001's template does ("- <%= ENV["RAILS_ENV"] || ... %>").
func (o *OctopusConfig) TemplateListsEnv(env string) bool {
	if o.File == nil {
		return false
	}
	src := string(o.File.Src)
	for _, w := range []string{"RAILS_ENV", "Rails.env", "RACK_ENV"} {
		if strings.Contains(src, w) {
			return true
		}
	}
	return strings.Contains(src, "- "+env)
}

// TemplateMentionsPool reports whether a generated shards.yml writes a
// pool anywhere (a `pool:` key or code that may emit one), in which case
// the size of its shard pools cannot be told.
func (o *OctopusConfig) TemplateMentionsPool() bool {
	return o.File != nil && strings.Contains(string(o.File.Src), "pool")
}

// Section returns the shard section of env (`octopus: production:`), or nil.
func (o *OctopusConfig) Section(env string) *yaml.Node {
	if o.Doc == nil || o.Root == nil {
		return nil
	}
	for _, key := range []string{env, ":" + env} {
		if v, _ := o.Doc.Lookup(o.Root, key); v != nil {
			if v = parser.Resolve(v); v.Kind == yaml.MappingNode {
				return v
			}
		}
	}
	return nil
}

// Shards returns the shard entries of env the way ProxyConfig#initialize_shards
// reads them: a String is a URL shard; a Hash with an adapter is a shard
// (whose Hash values that hold adapters are slave groups, each slave its
// own pool); any other Hash is a group whose values are shards.
func (o *OctopusConfig) Shards(env string) []*OctopusShard {
	section := o.Section(env)
	if section == nil {
		return nil
	}
	d := o.Doc
	var out []*OctopusShard
	for _, e := range d.Entries(section) {
		v := parser.Resolve(e.Value)
		if v == nil {
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			if u := ValueFromYAML(d, v); u.Op != OpNil && (v.Tag == "!!str" || d.ERBOf(v) != nil) {
				out = append(out, &OctopusShard{Name: e.Key, KeySpan: d.Span(e.KeyNode), URL: u})
			}
		case yaml.MappingNode:
			if adapter, _ := d.Lookup(v, "adapter"); adapter != nil {
				out = append(out, o.shard(e.Key, "", e.KeyNode, v))
				for _, g := range d.Entries(v) {
					if gv := parser.Resolve(g.Value); gv != nil && gv.Kind == yaml.MappingNode && o.isSlaveGroup(gv) {
						for _, s := range d.Entries(gv) {
							if sv := parser.Resolve(s.Value); sv != nil && sv.Kind == yaml.MappingNode {
								out = append(out, o.shard(s.Key, e.Key+"/"+g.Key, s.KeyNode, sv))
							}
						}
					}
				}
				continue
			}
			for _, s := range d.Entries(v) {
				if sv := parser.Resolve(s.Value); sv != nil && sv.Kind == yaml.MappingNode {
					out = append(out, o.shard(s.Key, e.Key, s.KeyNode, sv))
				}
			}
		}
	}
	return out
}

func (o *OctopusConfig) shard(name, group string, key, m *yaml.Node) *OctopusShard {
	return &OctopusShard{Name: name, Group: group, KeySpan: o.Doc.Span(key), Mapping: m, Pool: settingOf(o.Doc, m, "pool")}
}

// isSlaveGroup is Octopus' structurally_slave_group?: a Hash one of whose
// values is a Hash with an adapter.
func (o *OctopusConfig) isSlaveGroup(m *yaml.Node) bool {
	for _, e := range o.Doc.Entries(m) {
		if v := parser.Resolve(e.Value); v != nil && v.Kind == yaml.MappingNode {
			if a, _ := o.Doc.Lookup(v, "adapter"); a != nil {
				return true
			}
		}
	}
	return false
}

// Describe names the shard for messages: `shard "slave1"`, or
// `shard "canada" (group "history_shards")`.
func (s *OctopusShard) Describe() string {
	if s.Group == "" {
		return "shard " + strconv.Quote(s.Name)
	}
	return "shard " + strconv.Quote(s.Name) + " (group " + strconv.Quote(s.Group) + ")"
}

// PoolIn evaluates the shard's pool in env: the entry's `pool:`, or
// `?pool=` of a URL entry, else Active Record's default 5 (Octopus builds
// the pool from the entry alone).
func (s *OctopusShard) PoolIn(env Env) Pool {
	if s.URL != nil {
		r := s.URL.EvalRaw(env)
		if r.Kind != RStr {
			return Pool{Reason: "the shard's URL is unknown", Span: s.KeySpan}
		}
		u, err := url.Parse(strings.TrimSpace(r.Str))
		if err != nil {
			return Pool{Reason: "the shard's URL does not parse", Span: s.KeySpan}
		}
		if q := u.Query().Get("pool"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil {
				return Pool{Reason: "?pool= is not a number", Span: s.URL.Span}
			}
			return Pool{Size: n, Known: true, Key: "?pool= in the shard URL", Span: s.URL.Span, Unset: r.Unset}
		}
		return Pool{Size: DefaultPool, Known: true, Default: true, Key: "pool", Span: s.KeySpan, Unset: r.Unset}
	}
	if s.Pool == nil {
		return Pool{Size: DefaultPool, Known: true, Default: true, Key: "pool", Span: s.KeySpan}
	}
	r := s.Pool.Value.Eval(env)
	p := Pool{Setting: s.Pool, Key: "pool", Span: s.Pool.ValueSpan, Unset: r.Unset}
	switch r.Kind {
	case RInt:
		p.Size, p.Known = r.Int, true
	case RNil:
		p.Size, p.Known = DefaultPool, true // `spec.config[:pool] && ... || 5`
	default:
		p.Reason = r.Reason
	}
	return p
}
