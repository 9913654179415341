package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

func sidekiqConcurrencyExceedsPool() *Rule {
	return &Rule{
		ID:       "sidekiq-concurrency-exceeds-pool",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Sidekiq runs more job threads than its Active Record pool holds",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.SidekiqProcess) {
				for _, o := range overPool(app, p, app.SidekiqConcurrency(p)) {
					span := locate(o, true)
					out = append(out, Diagnostic{
						Severity: Error,
						Span:     span,
						Message: fmt.Sprintf("Sidekiq runs %d job threads (%s) in %s but the %s %d (%s): jobs will raise ActiveRecord::ConnectionTimeoutError%s",
							o.Threads.Max, o.Threads.Source, p.Describe(), o.poolIs(), o.Pool.Size, o.Pool.Source(), assumptions(o.Threads.Unset, o.Pool.Unset, p.Unset)),
						Related: poolRelated(o, span),
						Fix:     sidekiqPoolFix(app, o),
					})
				}
			}
			return dedupe(out)
		},
	}
}

// sidekiqPoolFix sets the pool's variable for the worker alone on its
// Procfile line when the pool reads one (seed 003), else raises the pool.
func sidekiqPoolFix(app *rails.App, o threadsOverPool) *Fix {
	if ignoredConcurrencyKey(app, o.Process) {
		// The threads come from a default because Sidekiq ignores the
		// written key; sidekiq-ignored-key's fix makes it count, and the
		// next pass sizes the pool for the real number, not the default.
		return nil
	}
	if fix := deploymentVarFix(app, o); fix != nil {
		return fix
	}
	if fix := procfilePrefixFix(app, o); fix != nil {
		return fix
	}
	return poolFix(app, o, o.Threads.Max, true)
}

// ignoredConcurrencyKey reports whether the concurrency p runs is a
// default only because its Sidekiq version ignores what sidekiq.yml writes
// (sidekiq-ignored-key fires for it, facts 5.2).
func ignoredConcurrencyKey(app *rails.App, p *rails.Process) bool {
	if !app.Versions.Has("sidekiq") || app.Versions.AtLeast("sidekiq", "5.1.0") || p.ConcurrencyFlag != nil {
		return false
	}
	sc := app.SidekiqConfigOf(p)
	if sc == nil || sc.Doc == nil || sc.Doc.Root == nil || app.SidekiqEffectiveKey(sc, p) != nil {
		return false
	}
	return len(ignoredKeys(app, p, sc, true)) > 0
}
