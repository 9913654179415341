package rails

import "github.com/poollint/poollint/parser"

// UnicornConfig is what a Unicorn config file sets.
type UnicornConfig struct {
	File *parser.File
	Ruby *parser.RubyFile

	WorkerProcesses []*Guarded // `worker_processes n`
	PreloadApp      []*Guarded // `preload_app true`
	Hooks           []*Hook    // before_fork, after_fork, after_worker_ready
}

func readUnicorn(f *parser.File, r *parser.RubyFile) *UnicornConfig {
	uc := &UnicornConfig{File: f, Ruby: r}
	uc.WorkerProcesses = guardedCalls(r, firstArg(r), "worker_processes")
	uc.PreloadApp = guardedCalls(r, firstArg(r), "preload_app")
	for _, g := range guardedCalls(r, nil, "before_fork", "after_fork", "after_worker_ready") {
		if g.Call.Block != nil {
			uc.Hooks = append(uc.Hooks, &Hook{Name: g.Call.Method, Call: g.Call, Span: g.Span, Ruby: r})
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
