package rules

import (
	"fmt"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

func pumaMissingDisconnect() *Rule {
	return &Rule{
		ID:       "puma-missing-disconnect",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Puma forks preloaded workers and no before_fork disconnects Active Record (error on Rails < 4.0, info on 4.0–5.1)",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.PumaProcess) {
				ff := forkBehaviour(app, p.RailsEnv())
				if ff.Mode == forkHandled {
					continue
				}
				f := app.PumaForkOf(p)
				hooks, ok := pumaHooks(f, "before_fork")
				if !ok {
					continue
				}
				if anyHook(hooks, ff.disconnectedBy) {
					continue
				}
				does, doesNot, stmt := ff.disconnectWords()
				existing := lastHook(hooks)
				d := Diagnostic{
					Severity: ff.disconnectSeverity(Error),
					Span:     pumaHookLocation(app, p, f, existing),
					Message: fmt.Sprintf("Puma forks %s from a master that preloaded the app (%s) and %s: %s%s",
						workersPhrase(f.Workers), f.Preload.Source, pumaMissingPhrase(f, existing, "before_fork", does, doesNot),
						ff.disconnectConsequence(), assumptions(f.Workers.Unset, f.Preload.Unset, p.Unset)),
					Related: pumaRelated(f),
				}
				if f.Config != nil {
					d.Fix = hookFix(f.Config.File, existing, pumaAnchor(f), "before_fork", "", stmt, "disconnects Active Record", true)
				}
				out = append(out, d)
			}
			return dedupe(out)
		},
	}
}

// pumaHooks returns the applying hooks of the given names of a Puma
// process that forks preloaded workers; ok is false when the process does
// not, or when its config cannot be judged (a syntax error, a delegated
// config, a hook registered in a way poollint cannot read, a hook that
// calls app code to handle the fork).
func pumaHooks(f rails.PumaFork, names ...string) ([]*rails.Hook, bool) {
	if !f.Forks() {
		return nil, false
	}
	if f.Config == nil {
		return nil, true
	}
	if f.Config.Ruby.HasErrors || len(f.Config.OpaqueHooks(names...)) > 0 {
		return nil, false
	}
	hooks := rails.ApplyingHooks(f.Config.Hooks, f.Env, names...)
	if anyHook(hooks, (*rails.Hook).Delegates) {
		return nil, false // the hook hands the fork to code poollint does not read
	}
	return hooks, true
}

func anyHook(hooks []*rails.Hook, does func(*rails.Hook) bool) bool {
	for _, h := range hooks {
		if does(h) {
			return true
		}
	}
	return false
}

// missingPhrase says what is missing: "no before_fork block disconnects
// Active Record", or "the before_fork block does not disconnect …".
func missingPhrase(existing *rails.Hook, name, does, doesNot string) string {
	if existing == nil {
		return "no " + name + " block " + does
	}
	return "the " + existing.Name + " block does not " + doesNot
}

// pumaMissingPhrase is missingPhrase, saying so when the process reads no
// config file at all (everything is on the Procfile line).
func pumaMissingPhrase(f rails.PumaFork, existing *rails.Hook, name, does, doesNot string) string {
	if f.Config == nil {
		return "there is no Puma config file, so no " + name + " block " + does
	}
	return missingPhrase(existing, name, does, doesNot)
}

// workersPhrase renders "2 workers (workers in config/puma.rb)".
func workersPhrase(w rails.ForkSetting) string {
	noun := "workers"
	if w.Int == 1 {
		noun = "worker"
	}
	return fmt.Sprintf("%d %s (%s)", w.Int, noun, w.Source)
}

// pumaHookLocation is where a missing-hook diagnostic points: the hook
// block that lacks the call, else preload_app!, else the workers setting,
// else the Procfile line.
func pumaHookLocation(app *rails.App, p *rails.Process, f rails.PumaFork, existing *rails.Hook) parser.Span {
	if existing != nil {
		return existing.Head()
	}
	if s := firstNonZero(f.Preload.Span, f.Workers.Span, p.Span); !s.IsZero() {
		return rails.FirstLine(app.File(s.File), s)
	}
	if f.Config != nil {
		return parser.Span{File: f.Config.File.Path}
	}
	return parser.Span{File: "Gemfile.lock"}
}

// pumaRelated names where the workers and the preload come from.
func pumaRelated(f rails.PumaFork) []Related {
	var out []Related
	if !f.Workers.Span.IsZero() {
		msg := fmt.Sprintf("%d workers are forked here", f.Workers.Int)
		if f.Workers.Int == 1 {
			msg = "1 worker is forked here"
		}
		out = append(out, Related{Span: f.Workers.Span, Message: msg})
	}
	if !f.Preload.Span.IsZero() && f.Preload.Span != f.Workers.Span {
		out = append(out, Related{Span: f.Preload.Span, Message: "the app is preloaded in the master here"})
	}
	return out
}

// pumaAnchor is the statement a new hook block goes after: preload_app!,
// else the workers call, in the config file; else the end of the file.
func pumaAnchor(f rails.PumaFork) parser.Span {
	for _, s := range []parser.Span{f.Preload.Span, f.Workers.Span} {
		if !s.IsZero() && f.Config != nil && s.File == f.Config.File.Path {
			return s
		}
	}
	return parser.Span{}
}
