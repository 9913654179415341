package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

// pumaReconnectHooks are the hooks that run in a worker right after the
// fork (Puma 7 renamed on_worker_boot to before_worker_boot, facts 2.3).
var pumaReconnectHooks = []string{"on_worker_boot", "before_worker_boot"}

func pumaMissingReconnect() *Rule {
	return &Rule{
		ID:       "puma-missing-reconnect",
		Severity: Error,
		Fixable:  "safe/unsafe",
		Summary:  "Puma forks preloaded workers and no on_worker_boot re-establishes Active Record (Rails < 4.0, or a before_fork that removes the connection)",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.PumaProcess) {
				ff := forkBehaviour(app, p.RailsEnv())
				f := app.PumaForkOf(p)
				hooks, ok := pumaHooks(f, pumaReconnectHooks...)
				if !ok || anyHook(hooks, (*rails.Hook).Reconnects) {
					continue
				}
				before, _ := pumaHooks(f, "before_fork")
				sev, why, need := ff.reconnectNeed(before)
				if !need {
					continue
				}
				existing := lastHook(hooks)
				name := "on_worker_boot"
				if app.Versions.AtLeast("puma", "7.0.0") {
					name = "before_worker_boot"
				}
				d := Diagnostic{
					Severity: sev,
					Span:     pumaHookLocation(app, p, f, existing),
					Message: fmt.Sprintf("Puma forks %s from a master that preloaded the app (%s) and %s: %s%s",
						workersPhrase(f.Workers), f.Preload.Source,
						pumaMissingPhrase(f, existing, "on_worker_boot/before_worker_boot", "calls ActiveRecord::Base.establish_connection", "call ActiveRecord::Base.establish_connection"),
						why, assumptions(f.Workers.Unset, f.Preload.Unset, p.Unset)),
					Related: pumaRelated(f),
				}
				if f.Config != nil {
					d.Fix = hookFix(f.Config.File, existing, reconnectAnchor(f.Config.Hooks, f.Env), name, "", reconnectStatement,
						"re-establishes Active Record's connection", reconnectFixSafe(ff.Rails))
				}
				out = append(out, d)
			}
			return dedupe(out)
		},
	}
}
