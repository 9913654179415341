package rails

import "github.com/poollint/poollint/parser"

// UnicornConfig is what a Unicorn config file sets.
type UnicornConfig struct {
	File *parser.File
	Ruby *parser.RubyFile

	WorkerProcesses []*Guarded // `worker_processes n`
	PreloadApp      []*Guarded // `preload_app true`
	Hooks           []*Hook    // before_fork, after_fork, after_worker_ready
	// Delegated is the last `X.configure ...` call with a receiver: the
	// config comes partly from elsewhere. "" when there is none.
	Delegated string

	calls []parser.Call // every top-level call, read once (readUnicorn)
}

// readUnicorn reads a Unicorn config file, walking its top-level calls once.
func readUnicorn(f *parser.File, r *parser.RubyFile) *UnicornConfig {
	calls := r.TopLevelCalls()
	uc := &UnicornConfig{File: f, Ruby: r, calls: calls}
	uc.WorkerProcesses = guardedOf(r, callsNamed(calls, "worker_processes"), firstArg(r))
	uc.PreloadApp = guardedOf(r, callsNamed(calls, "preload_app"), firstArg(r))
	for _, g := range guardedOf(r, callsNamed(calls, "before_fork", "after_fork", "after_worker_ready"), nil) {
		if g.Call.Block != nil {
			uc.Hooks = append(uc.Hooks, &Hook{Name: g.Call.Method, Call: g.Call, Span: g.Span, Ruby: r, conds: g.Conds, condsRead: true})
		}
	}
	for _, c := range callsNamed(calls, "configure") {
		if c.Receiver != nil {
			uc.Delegated = r.Text(c.Node)
		}
	}
	return uc
}

// OpaqueHooks is rails.OpaqueHooks of the config's file, from the calls
// readUnicorn already walked.
func (uc *UnicornConfig) OpaqueHooks(names ...string) []parser.Call {
	if uc.calls == nil {
		return OpaqueHooks(uc.Ruby, names...)
	}
	return blockless(callsNamed(uc.calls, names...))
}

// UnicornConfigOf returns the config file a Unicorn process reads: -c,
// else config/unicorn.rb.
func (a *App) UnicornConfigOf(p *Process) *UnicornConfig {
	if p.ConfigPath != "" {
		return a.Unicorns[cleanRel(p.ConfigPath)]
	}
	return a.Unicorns["config/unicorn.rb"]
}
