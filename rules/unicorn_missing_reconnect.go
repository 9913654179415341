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
		Summary:  "Unicorn preloads the app and no after_fork re-establishes Active Record (Rails < 5.2)",
		Check: func(app *rails.App) []Diagnostic {
			ver, unsafe := forkUnsafeRails(app)
			if !unsafe {
				return nil
			}
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.UnicornProcess) {
				f := app.UnicornForkOf(p)
				hook, ok := unicornHook(f, "after_fork")
				if !ok || (hook != nil && hook.Reconnects()) {
					continue
				}
				d := Diagnostic{
					Severity: reconnectSeverity(ver),
					Span:     unicornHookLocation(app, f, hook),
					Message: fmt.Sprintf("Unicorn forks its workers from a master that preloaded the app (%s) and %s: %s",
						f.Preload.Source, missingPhrase(hook, "after_fork", "calls ActiveRecord::Base.establish_connection", "call ActiveRecord::Base.establish_connection"),
						reconnectConsequence(ver)),
					Related: unicornRelated(f),
					Fix: hookFix(f.Config.File, hook, reconnectAnchor(f.Config.Hooks, f.Env), "after_fork", unicornHookParams, reconnectStatement,
						"re-establishes Active Record's connection", reconnectFixSafe(ver)),
				}
				out = append(out, d)
			}
			return dedupe(out)
		},
	}
}
