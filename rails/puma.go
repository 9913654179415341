package rails

import (
	"github.com/poollint/poollint/parser"
)

// PumaConfig is what one Puma config file sets.
type PumaConfig struct {
	File *parser.File
	Ruby *parser.RubyFile

	Threads      []*Guarded // `threads min, max`: Value is the max
	Workers      []*Guarded // `workers n`
	Preload      []*Guarded // `preload_app!` (Value false for `preload_app! false`)
	MaxIOThreads []*Guarded // Puma 8 `max_io_threads n`
	PruneBundler []*Guarded // `prune_bundler` (no value)
	Plugins      []*Guarded // `plugin :name` (no value; the name is Call.Args[0])
	// SolidQueueModes are `solid_queue_mode :async` calls (no value).
	SolidQueueModes []*Guarded
	Hooks           []*Hook
	// Delegated names a call that configures Puma from elsewhere
	// (GovukPuma.configure_rails(self)), so what this file shows is partial;
	// DelegatedSpan is where it is called.
	Delegated     string
	DelegatedSpan parser.Span

	calls []parser.Call // every top-level call, read once (readPuma)
}

// Hook is a fork hook block: Puma's before_fork / on_worker_boot /
// before_worker_boot, Unicorn's before_fork / after_fork.
type Hook struct {
	Name string
	Call parser.Call
	Span parser.Span
	Ruby *parser.RubyFile

	// The hook's conditions and its Effect, read once: every fork rule and
	// each pool of each process asks for them. A hook belongs to one app.
	conds     []*Value
	condsRead bool
	effect    *HookEffect
}

// pumaHookNames are the hooks that run around forking workers (Puma 7
// renamed on_* to before_*; the old names still work).
var pumaHookNames = []string{"before_fork", "on_worker_boot", "before_worker_boot", "on_worker_fork", "before_worker_fork", "after_worker_fork", "after_worker_boot", "on_refork", "before_refork"}

// readPuma reads a Puma config file. The file's top-level calls are
// walked once and sorted by name (a walk per name was 10% of a lint's
// allocations).
func readPuma(f *parser.File, r *parser.RubyFile) *PumaConfig {
	calls := r.TopLevelCalls()
	pc := &PumaConfig{File: f, Ruby: r, calls: calls}
	pc.Threads = guardedOf(r, callsNamed(calls, "threads"), func(c parser.Call) *Value {
		switch len(c.Args) {
		case 0:
			return Unknown("threads without arguments", r.Span(c.Node), r.Text(c.Node))
		case 1:
			return ValueFromRuby(r, c.Args[0]) // threads(min, max = min) since Puma 6.5
		}
		return ValueFromRuby(r, c.Args[1])
	})
	pc.Workers = guardedOf(r, callsNamed(calls, "workers"), firstArg(r))
	pc.MaxIOThreads = guardedOf(r, callsNamed(calls, "max_io_threads"), firstArg(r))
	pc.Preload = guardedOf(r, callsNamed(calls, "preload_app!"), func(c parser.Call) *Value {
		if len(c.Args) == 0 {
			return boolValue(true)
		}
		return ValueFromRuby(r, c.Args[0])
	})
	pc.PruneBundler = guardedOf(r, callsNamed(calls, "prune_bundler"), nil)
	pc.Plugins = guardedOf(r, callsNamed(calls, "plugin"), nil)
	pc.SolidQueueModes = guardedOf(r, callsNamed(calls, "solid_queue_mode"), nil)
	for _, g := range guardedOf(r, callsNamed(calls, pumaHookNames...), nil) {
		if g.Call.Block == nil {
			continue
		}
		pc.Hooks = append(pc.Hooks, &Hook{Name: g.Call.Method, Call: g.Call, Span: g.Span, Ruby: r, conds: g.Conds, condsRead: true})
	}
	for _, c := range callsNamed(calls, "configure_rails", "configure") {
		if c.Receiver != nil {
			pc.Delegated, pc.DelegatedSpan = r.Text(c.Node), r.Span(c.Node)
		}
	}
	return pc
}

func firstArg(r *parser.RubyFile) func(parser.Call) *Value {
	return func(c parser.Call) *Value {
		if len(c.Args) == 0 {
			return Unknown("no argument", r.Span(c.Node), r.Text(c.Node))
		}
		return ValueFromRuby(r, c.Args[0])
	}
}

// OpaqueHooks is rails.OpaqueHooks of the config's file, from the calls
// readPuma already walked.
func (pc *PumaConfig) OpaqueHooks(names ...string) []parser.Call {
	if pc.calls == nil {
		return OpaqueHooks(pc.Ruby, names...)
	}
	return blockless(callsNamed(pc.calls, names...))
}

// HooksNamed returns the hooks with one of the given names.
func (pc *PumaConfig) HooksNamed(names ...string) []*Hook {
	var out []*Hook
	for _, h := range pc.Hooks {
		for _, n := range names {
			if h.Name == n {
				out = append(out, h)
			}
		}
	}
	return out
}
