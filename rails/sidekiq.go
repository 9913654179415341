package rails

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// SidekiqConfig is a Sidekiq YAML config file (config/sidekiq.yml or the
// -C file).
type SidekiqConfig struct {
	File   *parser.File
	Doc    *parser.YAMLDoc
	Sample bool
}

// SidekiqKey is one concurrency key found in a Sidekiq config: which
// spelling it uses decides whether old Sidekiq versions read it.
type SidekiqKey struct {
	Setting *Setting
	Symbol  bool   // `:concurrency:` (a Ruby symbol key) rather than `concurrency:`
	Section string // "" for the top level, else the env section's name as written
}

// SidekiqCapsule is an extra capsule declared in YAML (Sidekiq >= 7) or in
// Sidekiq.configure_server.
type SidekiqCapsule struct {
	Name        string
	Concurrency *Value // nil: the global concurrency
	Span        parser.Span
}

// concurrencyKeys returns the concurrency keys of a mapping, both spellings.
func (sc *SidekiqConfig) concurrencyKeys(m *yaml.Node, section string) []SidekiqKey {
	var out []SidekiqKey
	for _, spelling := range []string{":concurrency", "concurrency"} {
		if s := settingOf(sc.Doc, m, spelling); s != nil {
			out = append(out, SidekiqKey{Setting: s, Symbol: strings.HasPrefix(spelling, ":"), Section: section})
		}
	}
	return out
}

// Section returns the env section mapping for env and its key as written,
// honouring the spellings a Sidekiq version reads: <= 5.0 looks up the
// plain string key only; >= 5.1 symbolizes keys, so `:production:` works.
func (sc *SidekiqConfig) Section(env string, symbolKeys bool) (*yaml.Node, string) {
	if sc.Doc == nil || sc.Doc.Root == nil {
		return nil, ""
	}
	spellings := []string{env}
	if symbolKeys {
		spellings = append(spellings, ":"+env)
	}
	for _, s := range spellings {
		if v, _ := sc.Doc.Lookup(sc.Doc.Root, s); v != nil {
			if v = parser.Resolve(v); v.Kind == yaml.MappingNode {
				return v, s
			}
		}
	}
	return nil, ""
}

// AllConcurrencyKeys returns every concurrency key of the file: top level
// and every section, for rules that check spelling.
func (sc *SidekiqConfig) AllConcurrencyKeys() []SidekiqKey {
	if sc.Doc == nil || sc.Doc.Root == nil || sc.Doc.Root.Kind != yaml.MappingNode {
		return nil
	}
	out := sc.concurrencyKeys(sc.Doc.Root, "")
	for _, e := range sc.Doc.Entries(sc.Doc.Root) {
		if v := parser.Resolve(e.Value); v.Kind == yaml.MappingNode && !strings.Contains(e.Key, "capsules") && !strings.Contains(e.Key, "queues") {
			out = append(out, sc.concurrencyKeys(v, e.Key)...)
		}
	}
	return out
}

// Capsules returns the extra capsules declared under `:capsules:`.
func (sc *SidekiqConfig) Capsules(section *yaml.Node) []SidekiqCapsule {
	var out []SidekiqCapsule
	for _, m := range []*yaml.Node{sc.Doc.Root, section} {
		if m == nil {
			continue
		}
		for _, key := range []string{":capsules", "capsules"} {
			caps, _ := sc.Doc.Lookup(m, key)
			if caps = parser.Resolve(caps); caps == nil || caps.Kind != yaml.MappingNode {
				continue
			}
			for _, e := range sc.Doc.Entries(caps) {
				capsule := SidekiqCapsule{Name: strings.TrimPrefix(e.Key, ":"), Span: sc.Doc.Span(e.KeyNode)}
				if v := parser.Resolve(e.Value); v.Kind == yaml.MappingNode {
					for _, k := range sc.concurrencyKeys(v, "") {
						capsule.Concurrency = k.Setting.Value
					}
				}
				out = append(out, capsule)
			}
		}
	}
	return out
}

// SidekiqRuby is what the app's Ruby does inside Sidekiq.configure_server.
type SidekiqRuby struct {
	File *parser.File
	// Capsules declared with config.capsule("name") { |cap| cap.concurrency = n }.
	Capsules []SidekiqCapsule
	// ConcurrencySets are the assignments of the default concurrency in
	// Ruby, in load order (sidekiq_concurrency.go).
	ConcurrencySets []*SidekiqConcurrencySet
	// PoolOverride is a pool set for the Sidekiq process by
	// establish_connection(config.merge(pool: n)) or config['pool'] = n.
	PoolOverride *Value
	// URLPoolOverride is the seed 001 pattern: ENV['DATABASE_URL'] glued
	// with ?pool= then establish_connection with no argument.
	URLPoolOverride *Value
	// OctopusPatched is the seed 001 fix: Octopus.config pools merged and
	// initialize_shards called.
	OctopusPatched bool
}
