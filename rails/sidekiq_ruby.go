package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// readSidekiqRuby reads the Sidekiq.configure_server blocks of one Ruby
// file into sr (several initializers may contribute).
func readSidekiqRuby(sr *SidekiqRuby, r *parser.RubyFile) {
	var servers []*parser.Node
	for _, c := range r.Calls(r.Root, "configure_server") {
		if c.Receiver == nil || r.Text(c.Receiver) != "Sidekiq" || c.Block == nil {
			continue
		}
		if sr.File == nil {
			sr.File = r.File
		}
		servers = append(servers, c.Block)
		readConfigureServer(sr, r, c)
	}
	if sets := globalConcurrencySets(r, servers); len(sets) > 0 {
		if sr.File == nil {
			sr.File = r.File
		}
		sr.addConcurrencySets(sets)
	}
}

func readConfigureServer(sr *SidekiqRuby, r *parser.RubyFile, server parser.Call) {
	var capsuleBlocks []*parser.Node
	for _, cap := range r.Calls(server.Block, "capsule") {
		capsule := SidekiqCapsule{Span: r.Span(cap.Node)}
		if len(cap.Args) > 0 {
			capsule.Name, _ = r.StringValue(cap.Args[0])
		}
		if cap.Block != nil {
			capsuleBlocks = append(capsuleBlocks, cap.Block)
			for _, a := range r.AttributeAssignments(cap.Block, "concurrency") {
				capsule.Concurrency = ValueFromRuby(r, a.Value)
			}
		}
		sr.Capsules = append(sr.Capsules, capsule)
	}
	inCapsule := func(n *parser.Node) bool {
		for _, b := range capsuleBlocks {
			if n.StartByte() >= b.StartByte() && n.EndByte() <= b.EndByte() {
				return true
			}
		}
		return false
	}
	var sets []*SidekiqConcurrencySet
	for _, a := range r.IndexAssignments(server.Block, "concurrency") {
		sets = append(sets, newConcurrencySet(r, a, true))
	}
	for _, a := range r.AttributeAssignments(server.Block, "concurrency") {
		if !inCapsule(a.Node) {
			sets = append(sets, newConcurrencySet(r, a, false))
		}
	}
	sr.addConcurrencySets(sets)
	var poolAssigned *Value
	for _, a := range r.IndexAssignments(server.Block, "pool") {
		poolAssigned = ValueFromRuby(r, a.Value)
	}
	for _, ec := range r.Calls(server.Block, "establish_connection") {
		if len(ec.Args) == 0 {
			continue
		}
		if v := mergedPool(r, ec.Args[0]); v != nil {
			sr.PoolOverride = v
		} else if poolAssigned != nil && parser.Unwrap(ec.Args[0]).Type() == "identifier" {
			sr.PoolOverride = poolAssigned
		}
	}
	if len(r.Calls(server.Block, "initialize_shards")) > 0 && strings.Contains(r.Text(server.Block), "Octopus.config") {
		sr.OctopusPatched = true
		// Seed 001: Octopus.config[env]['master'] = config.merge!(pool: n)
		// then initialize_shards rebuilds the master pool with n.
		if sr.PoolOverride == nil {
			for _, m := range r.Calls(server.Block, "merge", "merge!") {
				if v := mergedPool(r, m.Node); v != nil {
					sr.PoolOverride = v
					break
				}
			}
		}
	}
}

// mergedPool reads the pool of `config.merge(pool: n)`,
// `config.merge("pool" => n)` and merge!, or nil.
func mergedPool(r *parser.RubyFile, arg *parser.Node) *Value {
	arg = parser.Unwrap(arg)
	if arg.Type() != "call" {
		return nil
	}
	calls := r.Calls(arg, "merge", "merge!")
	if len(calls) == 0 || !calls[0].Node.Equal(arg) {
		return nil
	}
	for _, a := range calls[0].Args {
		pairs := []*parser.Node{a}
		if a.Type() == "hash" {
			pairs = nil
			for i := 0; i < int(a.NamedChildCount()); i++ {
				pairs = append(pairs, a.NamedChild(i))
			}
		}
		for _, p := range pairs {
			if p.Type() != "pair" {
				continue
			}
			key := strings.Trim(r.Text(p.ChildByFieldName("key")), ":\"' ")
			if key == "pool" || key == "max_connections" {
				return ValueFromRuby(r, p.ChildByFieldName("value"))
			}
		}
	}
	return nil
}
