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
}

// readUnicorn reads a Unicorn config file, walking its top-level calls once.
func readUnicorn(f *parser.File, r *parser.RubyFile) *UnicornConfig {
	uc := &UnicornConfig{File: f, Ruby: r}
	calls := r.TopLevelCalls()
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

// UnicornConfigOf returns the config file a Unicorn process reads: -c,
// else config/unicorn.rb.
func (a *App) UnicornConfigOf(p *Process) *UnicornConfig {
	if p.ConfigPath != "" {
		return a.Unicorns[cleanRel(p.ConfigPath)]
	}
	return a.Unicorns["config/unicorn.rb"]
}
