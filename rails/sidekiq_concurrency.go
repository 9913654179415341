package rails

import (
	"sort"
	"strings"

	"github.com/poollint/poollint/parser"
)

// SidekiqConcurrencySet is one assignment of Sidekiq's default
// concurrency in an initializer: `config[:concurrency] = n` or
// `Sidekiq.options[:concurrency] = n` (Index), or `config.concurrency = n`
// (Sidekiq 7's setter for the default capsule).
type SidekiqConcurrencySet struct {
	Guarded *Guarded // Value, conditions and span of the assignment
	Index   bool
	Text    string // the assignment as written, for messages
}

func newConcurrencySet(r *parser.RubyFile, a parser.Assignment, index bool) *SidekiqConcurrencySet {
	conds, keys := guardsOf(r, a.Node, true)
	g := &Guarded{Value: ValueFromRuby(r, a.Value), Span: r.Span(a.Node), Conds: conds, keys: keys}
	return &SidekiqConcurrencySet{Guarded: g, Index: index, Text: oneLine(r.Text(a.Node))}
}

// addConcurrencySets appends sets in source order (initializers load in
// file-name order, and so do the files read here).
func (sr *SidekiqRuby) addConcurrencySets(sets []*SidekiqConcurrencySet) {
	sort.SliceStable(sets, func(i, j int) bool {
		return sets[i].Guarded.Span.Start.Offset < sets[j].Guarded.Span.Start.Offset
	})
	sr.ConcurrencySets = append(sr.ConcurrencySets, sets...)
}

// globalConcurrencySets reads the assignments outside configure_server
// blocks that still reach the server's options: `Sidekiq.options[:concurrency]
// = n` (Sidekiq <= 6), `Sidekiq[:concurrency] = n` (6.5) and
// `Sidekiq.default_configuration.concurrency = n` (7+).
func globalConcurrencySets(r *parser.RubyFile, servers []*parser.Node) []*SidekiqConcurrencySet {
	inServer := func(n *parser.Node) bool {
		for _, b := range servers {
			if n.StartByte() >= b.StartByte() && n.EndByte() <= b.EndByte() {
				return true
			}
		}
		return false
	}
	var out []*SidekiqConcurrencySet
	for _, a := range r.IndexAssignments(r.Root, "concurrency") {
		switch strings.TrimPrefix(a.Name, "::") {
		case "Sidekiq.options", "Sidekiq", "Sidekiq.default_configuration":
			if !inServer(a.Node) {
				out = append(out, newConcurrencySet(r, a, true))
			}
		}
	}
	for _, a := range r.AttributeAssignments(r.Root, "concurrency") {
		if strings.TrimPrefix(a.Name, "::") == "Sidekiq.default_configuration" && !inServer(a.Node) {
			out = append(out, newConcurrencySet(r, a, false))
		}
	}
	return out
}

// initializerConcurrencySets splits the initializers' assignments into
// those that set the default capsule's concurrency and those that do not.
// Initializers run after the CLI read -c and sidekiq.yml, so an applying
// one wins over both. On Sidekiq 7+ the CLI has built the default capsule
// by then (cli.rb setup_options), and only the setter `config.concurrency
// = n` changes it; `config[:concurrency] = n` only seeds capsules created
// later, so it is ignored here.
func (a *App) initializerConcurrencySets() (applying, ignored []*SidekiqConcurrencySet) {
	if a.Sidekiq == nil {
		return nil, nil
	}
	capsules := a.Versions.AtLeast("sidekiq", "7.0.0")
	for _, s := range a.Sidekiq.ConcurrencySets {
		if capsules && s.Index {
			ignored = append(ignored, s)
		} else {
			applying = append(applying, s)
		}
	}
	return applying, ignored
}

// sidekiqInitializerCapsule is the default capsule's concurrency once the
// initializers ran over base (what -c, sidekiq.yml, RAILS_MAX_THREADS or
// the default gave): the worst case over the assignments that can win
// under conditions poollint cannot decide, naming the condition.
func (a *App) sidekiqInitializerCapsule(base Threads, env Env) Threads {
	sets, _ := a.initializerConcurrencySets()
	if len(sets) == 0 {
		return base
	}
	var gs []*Guarded
	bySet := map[*Guarded]*SidekiqConcurrencySet{}
	for _, s := range sets {
		gs = append(gs, s.Guarded)
		bySet[s.Guarded] = s
	}
	var worst Threads
	for i, v := range Variants(gs, env) {
		t := base
		if v.Call != nil {
			set := bySet[v.Call]
			t = threadsFrom(v.Call.Value, env, "`"+set.Text+"` in "+v.Call.Span.File)
			if !base.Default && base.Source != "" {
				t.Source += ", which runs after the CLI and wins over " + base.Source
			}
		}
		if v.When != "" {
			t.Source += " " + v.When
		}
		if i == 0 || worseThreads(t, worst) {
			worst = t
		}
	}
	return worst
}
