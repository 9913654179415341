package rails

import (
	"github.com/poollint/poollint/parser"
)

// How a Solid Queue supervisor runs its workers and dispatchers (facts
// 6.1): in fork mode each is a process of its own, forked by the
// supervisor, with its own Active Record pools; in async mode each is a
// set of threads of the supervisor's process, sharing its pools.
//
// bin/jobs picks async with `--mode async` or SOLID_QUEUE_SUPERVISOR_MODE
// (1.3.0+). The Puma plugin ignores both: it passes the mode itself, from
// the `solid_queue_mode` Puma DSL (1.3.0+; also 0.4.0 to 0.6.x, before
// async mode was removed in 0.7.0), and starts the supervisor in Puma's
// own process in async mode, or forks it from Puma in fork mode
// (lib/puma/plugin/solid_queue.rb).

// SolidQueueMode is the supervisor mode of one process.
type SolidQueueMode struct {
	Async  bool
	Known  bool
	Source string      // "solid_queue_mode in config/puma.rb", "Solid Queue's default"
	Reason string      // why it is unknown
	Span   parser.Span // where it is chosen; zero for the default
}

// SolidQueueModeOf is the supervisor mode of p: a Solid Queue process, or
// a Puma process that runs the plugin.
func (a *App) SolidQueueModeOf(p *Process) SolidQueueMode {
	if p.Kind == PumaProcess {
		return a.solidQueuePumaMode(p)
	}
	fork := SolidQueueMode{Known: true, Source: "Solid Queue's default fork mode"}
	if !a.Versions.AtLeast("solid_queue", "1.3.0") {
		// Before 1.3.0 bin/jobs has no async mode (0.4 to 0.6 had it in
		// the Puma plugin only).
		return fork
	}
	if p.Entry != nil {
		if w, _, ok := parser.Flag(p.Entry.Argv, "--mode", "-m"); ok {
			lit, known := w.Literal()
			if !known {
				return SolidQueueMode{Reason: "the --mode of " + p.Describe() + " cannot be read"}
			}
			return SolidQueueMode{Async: lit == "async", Known: true, Source: "--mode " + lit + " on " + p.Describe()}
		}
	}
	if v, ok := p.Env.Lookup("SOLID_QUEUE_SUPERVISOR_MODE"); ok && v != "" {
		return SolidQueueMode{Async: v == "async", Known: true, Source: "SOLID_QUEUE_SUPERVISOR_MODE=" + v}
	}
	return fork
}

// solidQueuePumaMode reads `solid_queue_mode` in the Puma config: the last
// call that runs wins (the DSL sets one option); no argument is :fork.
func (a *App) solidQueuePumaMode(p *Process) SolidQueueMode {
	fork := SolidQueueMode{Known: true, Source: "the Solid Queue Puma plugin's default fork mode"}
	pc := a.PumaConfigOf(p)
	if pc == nil || pc.Ruby == nil {
		return fork
	}
	env := a.EnvOf(p)
	mode := fork
	for _, g := range pc.SolidQueueModes {
		applies, known := true, true
		for _, c := range g.Conds {
			truth, ok := Truthy(c, env)
			known = known && ok
			applies = applies && truth
		}
		if !known {
			return SolidQueueMode{Reason: "whether `" + oneLine(pc.Ruby.Text(g.Call.Node)) + "` in " + pc.File.Path + " runs cannot be told", Span: g.Span}
		}
		if !applies {
			continue
		}
		value := "fork"
		if len(g.Call.Args) > 0 {
			s, ok := modeArg(pc.Ruby, g.Call.Args[0], env)
			if !ok {
				return SolidQueueMode{Reason: "the argument of `" + oneLine(pc.Ruby.Text(g.Call.Node)) + "` in " + pc.File.Path + " cannot be read", Span: g.Span}
			}
			value = s
		}
		mode = SolidQueueMode{Async: value == "async", Known: true, Source: "solid_queue_mode in " + pc.File.Path, Span: g.Span}
	}
	if mode.Async && !a.solidQueuePumaAsyncExists() {
		v, _ := a.Versions.Of("solid_queue")
		return SolidQueueMode{Reason: "solid_queue " + v + " has no async mode (removed in 0.7.0, back in 1.3.0): its Puma plugin does not define solid_queue_mode", Span: mode.Span}
	}
	return mode
}

// solidQueuePumaAsyncExists reports whether the locked plugin knows
// `solid_queue_mode :async`: 0.4.0 to 0.6.x and 1.3.0 on.
func (a *App) solidQueuePumaAsyncExists() bool {
	if a.Versions.AtLeast("solid_queue", "1.3.0") {
		return true
	}
	return a.Versions.AtLeast("solid_queue", "0.4.0") && !a.Versions.AtLeast("solid_queue", "0.7.0")
}

// modeArg is the mode a solid_queue_mode argument names: a symbol or
// string literal, or an expression poollint can evaluate
// (`ENV.fetch("SOLID_QUEUE_MODE", "async")`); `.to_sym` makes both
// spellings one.
func modeArg(r *parser.RubyFile, n *parser.Node, env Env) (string, bool) {
	if s, ok := r.StringValue(n); ok {
		return s, true
	}
	res := ValueFromRuby(r, n).EvalRaw(env)
	if res.Kind != RStr {
		return "", false
	}
	return res.Str, true
}

// SolidQueueAsyncLoad is what a supervisor in async mode runs inside one
// process: the job threads of every worker entry (`processes` is ignored
// in async mode) and how many worker entries there are, each adding its
// polling thread and heartbeat on Solid Queue's database (facts 6.1).
type SolidQueueAsyncLoad struct {
	JobThreads Threads
	Workers    int
}

// SolidQueueAsync reads the load of p's supervisor when it runs in async
// mode; ok is false when p's supervisor does not run in async mode or its
// workers cannot be read.
func (a *App) SolidQueueAsync(p *Process) (SolidQueueAsyncLoad, SolidQueueMode, bool) {
	if a.SolidQueue == nil || !(p.Kind == SolidQueueProcess || a.SolidQueueInPuma(p)) {
		return SolidQueueAsyncLoad{}, SolidQueueMode{}, false
	}
	mode := a.SolidQueueModeOf(p)
	if !mode.Known || !mode.Async {
		return SolidQueueAsyncLoad{}, mode, false
	}
	load, ok := a.solidQueueLoad(p)
	if !ok || !load.jobThreads.Known {
		return SolidQueueAsyncLoad{}, mode, false
	}
	c := load.jobThreads
	t := Threads{Max: c.N, Known: true, Source: c.Source, Unset: c.Unset, Default: c.Assumed}
	if len(load.workers) == 1 {
		t.Span = load.workers[0].threads.Span
	}
	return SolidQueueAsyncLoad{JobThreads: t, Workers: len(load.workers)}, mode, true
}

// PumaClustered reports whether Puma process p runs workers forked from
// a master (known is false when its workers cannot be read). In async
// mode the plugin's supervisor runs in the master, not in the processes
// serving requests.
func (a *App) PumaClustered(p *Process) (clustered, known bool) { return a.pumaClustered(p) }
