// Package rules holds the rule catalogue: one file per rule, each a Check
// over the model of one app. Rules never read files or parse: they read
// the rails.App the loader built and return diagnostics with fixes.
package rules

import (
	"sort"
	"sync"

	"github.com/poollint/poollint/rails"
)

// Rule is one check of the catalogue. ID is stable: users write it in
// .poollint.yml and in poollint:disable comments.
type Rule struct {
	ID       string
	Severity Severity // the default (some rules choose per finding)
	Fixable  string   // "", "safe", "unsafe" or "safe/unsafe"
	Summary  string
	Check    func(*rails.App) []Diagnostic
}

// All returns every rule, sorted by ID. The list is built on each call so
// that no package-level state can be mutated between runs.
func All() []*Rule {
	all := []*Rule{
		configUnreadable(),
		configNotModeled(),
		pumaThreadsExceedPool(),
		sidekiqConcurrencyExceedsPool(),
		poolNotTiedToThreads(),
		jobThreadsExceedPool(),
		sidekiqIgnoredKey(),
		ambiguousPoolKeys(),
		unicornPoolOversized(),
		unicornMissingDisconnect(),
		unicornMissingReconnect(),
		pumaMissingDisconnect(),
		pumaMissingReconnect(),
		forkWithoutDisconnect(),
		redundantForkHook(),
		pgbouncerPreparedStatements(),
		pgbouncerAdvisoryLocks(),
		octopusIgnoresPool(),
		octopusUnmaintained(),
		databaseURLPoolOverride(),
		obsoletePoolInitializer(),
		unusedDisable(),
		connectionsExceedLimit(),
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ByID returns the rule with the given ID, or nil.
func ByID(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Options select which rules run.
type Options struct {
	Select []string // only these rule IDs (all when empty)
	Ignore []string // never these
}

// runList is the rules Run checks, built once: Run reads them and never
// hands them out, so no caller can change them between runs (All still
// builds a fresh list for callers). Building it per app was 2% of a
// lint's allocations.
var runList = sync.OnceValue(All)

// Run checks app with every selected rule and returns the diagnostics
// sorted by file, position and rule.
func Run(app *rails.App, opts Options) []Diagnostic {
	selected := map[string]bool{}
	for _, id := range opts.Select {
		selected[id] = true
	}
	ignored := map[string]bool{}
	for _, id := range opts.Ignore {
		ignored[id] = true
	}
	var out []Diagnostic
	for _, r := range runList() {
		if ignored[r.ID] || (len(selected) > 0 && !selected[r.ID]) {
			continue
		}
		for _, d := range r.Check(app) {
			d.Rule = r.ID
			d.Related = relatedUnlessSame(d.Span, d.Related)
			out = append(out, withERBChoices(app, d))
		}
	}
	Sort(out)
	return dropRepeats(out)
}

// Sort orders diagnostics by file, line, column, then rule ID.
func Sort(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Span.File != b.Span.File {
			return a.Span.File < b.Span.File
		}
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}
