package rails

import (
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file answers "does this server process fork workers from a master
// that loaded the app?" for Puma and Unicorn: only then do the workers
// inherit the master's database connection (RULES.md "Fork safety").

// ForkSetting is one resolved fact about how a process forks, and where
// it comes from.
type ForkSetting struct {
	Known  bool
	Int    int  // workers
	Bool   bool // preload
	Source string
	Span   parser.Span // where it is written; zero for a default
	Unset  []string    // variables whose written default decided it
}

// PumaFork is how a Puma process forks.
type PumaFork struct {
	Config  *PumaConfig // nil when the process reads no config file
	Env     Env
	Workers ForkSetting
	Preload ForkSetting
	// Partial says why the config file does not show everything (a
	// delegated configure call); rules then stay silent.
	Partial string
}

// Forks reports whether workers are forked from a master that preloaded
// the app, as far as poollint can tell.
func (f PumaFork) Forks() bool {
	return f.Partial == "" && f.Workers.Known && f.Workers.Int > 0 && f.Preload.Known && f.Preload.Bool
}

// PumaForkOf resolves workers and preload for a Puma process (facts 3.1):
// workers from -w, else the config file, else WEB_CONCURRENCY (Puma >= 5
// reads it when set), else 0; preload from --preload, else preload_app!,
// else Puma's default: from 5.0, preload when workers > 1 and there is no
// prune_bundler, where 5.x/6.x only count -w and WEB_CONCURRENCY (the
// default was computed before config files loaded) and 7.0+ counts the
// config file's workers too.
func (a *App) PumaForkOf(p *Process) PumaFork {
	return memoized(a, p, func(m *processMemo) **PumaFork { return &m.pumaFork },
		func() PumaFork { return a.pumaForkOf(p) })
}

func (a *App) pumaForkOf(p *Process) PumaFork {
	env := a.EnvOf(p)
	f := PumaFork{Config: a.PumaConfigOf(p), Env: env}
	if f.Config != nil && f.Config.Delegated != "" {
		f.Partial = "the config delegates to " + f.Config.Delegated
	}
	fromOutside := a.pumaOutsideWorkers(p, env)
	f.Workers = fromOutside
	if p.WorkersFlag == nil && f.Config != nil {
		if g := lastApplying(f.Config.Workers, env); g != nil {
			f.Workers = forkIntSetting(g.Value.Eval(env), "workers in "+f.Config.File.Path, g.Span)
		}
	}
	f.Preload = a.pumaPreload(p, f, fromOutside)
	return f
}

// pumaOutsideWorkers is the worker count given outside the config file:
// -w, else WEB_CONCURRENCY when Puma reads it, else Puma's default 0.
func (a *App) pumaOutsideWorkers(p *Process, env Env) ForkSetting {
	if p.WorkersFlag != nil {
		return forkIntSetting(p.WorkersFlag.Eval(env), "-w on the Procfile line", p.WorkersFlag.Span)
	}
	if a.Versions.AtLeast("puma", "5.0.0") {
		if v, ok := env.Lookup("WEB_CONCURRENCY"); ok && strings.TrimSpace(v) != "" {
			s := ForkSetting{Source: "WEB_CONCURRENCY, which Puma reads"}
			if in, ok := p.Inline["WEB_CONCURRENCY"]; ok {
				s.Span = in.Span
			}
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				s.Known, s.Int = true, n
			}
			return s
		}
	}
	return ForkSetting{Known: true, Source: a.versionLabel("puma", "Puma") + "'s default of 0 workers"}
}

func forkIntSetting(r Result, source string, span parser.Span) ForkSetting {
	return ForkSetting{Known: r.Kind == RInt, Int: r.Int, Source: source, Span: span, Unset: r.Unset}
}

func (a *App) pumaPreload(p *Process, f PumaFork, outside ForkSetting) ForkSetting {
	if p.Entry != nil && parser.HasFlag(p.Entry.Argv, "--preload") {
		return ForkSetting{Known: true, Bool: true, Source: "--preload on the Procfile line", Span: p.Span}
	}
	if f.Config != nil {
		if g := lastApplying(f.Config.Preload, f.Env); g != nil {
			truth, ok := Truthy(g.Value, f.Env)
			return ForkSetting{Known: ok, Bool: truth, Source: "preload_app! in " + f.Config.File.Path, Span: g.Span}
		}
		if g := lastApplying(f.Config.PruneBundler, f.Env); g != nil {
			return ForkSetting{Known: true, Source: "prune_bundler in " + f.Config.File.Path + ", which turns off Puma's default preload", Span: g.Span}
		}
	}
	label := a.versionLabel("puma", "Puma")
	switch {
	case !a.Versions.AtLeast("puma", "5.0.0"):
		return ForkSetting{Known: true, Source: label + " does not preload by default"}
	case !a.Versions.AtLeast("puma", "7.0.0"):
		// The default was computed before the config file was read.
		return ForkSetting{Known: outside.Known, Bool: outside.Int > 1, Unset: outside.Unset, Span: outside.Span,
			Source: label + " preloads by default when -w or WEB_CONCURRENCY is above 1"}
	}
	w := f.Workers
	return ForkSetting{Known: w.Known, Bool: w.Int > 1, Unset: w.Unset, Span: w.Span,
		Source: label + " preloads by default with more than one worker"}
}

// UnicornFork is how a Unicorn process forks.
type UnicornFork struct {
	Config  *UnicornConfig
	Env     Env
	Preload ForkSetting
	Partial string
}

// Forks reports whether Unicorn forks workers from a master that preloaded
// the app (`preload_app true`; the default is false, facts 4).
func (f UnicornFork) Forks() bool {
	return f.Partial == "" && f.Preload.Known && f.Preload.Bool
}

// UnicornForkOf resolves preload_app for a Unicorn process.
func (a *App) UnicornForkOf(p *Process) UnicornFork {
	return memoized(a, p, func(m *processMemo) **UnicornFork { return &m.unicornFork },
		func() UnicornFork { return a.unicornForkOf(p) })
}

func (a *App) unicornForkOf(p *Process) UnicornFork {
	env := a.EnvOf(p)
	f := UnicornFork{Config: a.UnicornConfigOf(p), Env: env}
	if f.Config == nil {
		f.Preload = ForkSetting{Known: true, Source: "Unicorn's default (no preload)"}
		return f
	}
	if f.Config.Delegated != "" {
		f.Partial = "the config delegates to " + f.Config.Delegated
	}
	g := lastApplying(f.Config.PreloadApp, env)
	if g == nil {
		f.Preload = ForkSetting{Known: true, Source: "Unicorn's default (no preload)"}
		return f
	}
	truth, ok := Truthy(g.Value, env)
	f.Preload = ForkSetting{Known: ok, Bool: truth, Source: oneLine(f.Config.Ruby.Text(g.Call.Node)) + " in " + f.Config.File.Path, Span: g.Span}
	return f
}

// ApplyingHooks returns the hooks of the given names registered in env,
// in file order.
func ApplyingHooks(hooks []*Hook, env Env, names ...string) []*Hook {
	var out []*Hook
	for _, h := range hooks {
		if h.Applies(env) && forkHasName(names, h.Name) {
			out = append(out, h)
		}
	}
	return out
}

func forkHasName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
