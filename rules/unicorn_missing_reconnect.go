package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

func unicornMissingReconnect() *Rule {
	return &Rule{
		ID:       "unicorn-missing-reconnect",
		Severity: Error,
		Fixable:  "safe/unsafe",
		Summary:  "Unicorn preloads the app and no after_fork re-establishes Active Record (Rails < 4.0, or a before_fork that removes the connection)",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.UnicornProcess) {
				ff := forkBehaviour(app, p.RailsEnv())
				f := app.UnicornForkOf(p)
				hook, ok := unicornHook(f, "after_fork")
				if !ok || (hook != nil && hook.Reconnects()) {
					continue
				}
				var before []*rails.Hook
				if b, ok := unicornHook(f, "before_fork"); ok && b != nil {
					before = []*rails.Hook{b}
				}
				sev, why, need := ff.reconnectNeed(before)
				if !need {
					continue
				}
				d := Diagnostic{
					Severity: sev,
					Span:     unicornHookLocation(app, f, hook),
					Message: fmt.Sprintf("Unicorn forks its workers from a master that preloaded the app (%s) and %s: %s",
						f.Preload.Source, missingPhrase(hook, "after_fork", "calls ActiveRecord::Base.establish_connection", "call ActiveRecord::Base.establish_connection"),
						why),
					Related: unicornRelated(f),
					Fix: hookFix(f.Config.File, hook, reconnectAnchor(f.Config.Hooks, f.Env), "after_fork", unicornHookParams, reconnectStatement,
						"re-establishes Active Record's connection", reconnectFixSafe(ff.Rails)),
				}
				out = append(out, d)
			}
			return dedupe(out)
		},
	}
}
