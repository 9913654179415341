package rules

import (
	"fmt"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// unicornHookParams are the block parameters Unicorn passes its fork hooks.
const unicornHookParams = " |server, worker|"

func unicornMissingDisconnect() *Rule {
	return &Rule{
		ID:       "unicorn-missing-disconnect",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Unicorn preloads the app and no before_fork disconnects Active Record (error on Rails < 4.0, info on 4.0–5.1)",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.UnicornProcess) {
				ff := forkBehaviour(app, p.RailsEnv())
				if ff.Mode == forkHandled {
					continue
				}
				f := app.UnicornForkOf(p)
				hook, ok := unicornHook(f, "before_fork")
				if !ok || (hook != nil && ff.disconnectedBy(hook)) {
					continue
				}
				does, doesNot, stmt := ff.disconnectWords()
				d := Diagnostic{
					Severity: ff.disconnectSeverity(Error),
					Span:     unicornHookLocation(app, f, hook),
					Message: fmt.Sprintf("Unicorn forks its workers from a master that preloaded the app (%s) and %s: %s",
						f.Preload.Source, missingPhrase(hook, "before_fork", does, doesNot),
						ff.disconnectConsequence()),
					Related: unicornRelated(f),
					Fix:     hookFix(f.Config.File, hook, f.Preload.Span, "before_fork", unicornHookParams, stmt, "disconnects Active Record", true),
				}
				out = append(out, d)
			}
			return dedupe(out)
		},
	}
}

// unicornHook returns the hook of that name Unicorn runs for a process
// that forks a preloaded app: the last one registered, since each call
// replaces the previous. ok is false when the process does not preload,
// or its config cannot be judged (a syntax error, a delegated config, a
// hook poollint cannot read or one that calls app code to handle the fork).
func unicornHook(f rails.UnicornFork, name string) (*rails.Hook, bool) {
	if !f.Forks() || f.Config == nil {
		return nil, false
	}
	if f.Config.Ruby.HasErrors || len(f.Config.OpaqueHooks(name)) > 0 {
		return nil, false
	}
	hook := lastHook(rails.ApplyingHooks(f.Config.Hooks, f.Env, name))
	if hook != nil && hook.Delegates() {
		return nil, false // the hook hands the fork to code poollint does not read
	}
	return hook, true
}

// unicornHookLocation points at the hook that lacks the call, else at
// preload_app.
func unicornHookLocation(app *rails.App, f rails.UnicornFork, hook *rails.Hook) parser.Span {
	if hook != nil {
		return hook.Head()
	}
	return rails.FirstLine(app.File(f.Preload.Span.File), f.Preload.Span)
}

func unicornRelated(f rails.UnicornFork) []Related {
	return []Related{{Span: f.Preload.Span, Message: "the app is preloaded in the master here"}}
}
