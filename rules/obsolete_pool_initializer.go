package rules

import (
	"fmt"
	"strings"

	"github.com/poollint/poollint/rails"
)

func obsoletePoolInitializer() *Rule {
	return &Rule{
		ID:       "obsolete-pool-initializer",
		Severity: Warning,
		Summary:  "an initializer rebuilds the connection with a hand-made config['pool'] (the pre-4.1 Heroku pattern)",
		Check:    checkObsoletePoolInitializer,
	}
}

// checkObsoletePoolInitializer reports the pre-4.1 Heroku initializer
// (seeds 002, 003) on Rails >= 4.1, where database.yml takes the pool
// (with DATABASE_URL merged in, facts 10). Before 4.1 it was the way to
// set a pool with DATABASE_URL, so it is not reported there.
func checkObsoletePoolInitializer(app *rails.App) []Diagnostic {
	if !app.Versions.RailsAtLeast("4.1.0") {
		return nil
	}
	var out []Diagnostic
	for _, in := range app.Initializers {
		if in.Kind != rails.HandBuiltPool {
			continue
		}
		pool := strings.Join(strings.Fields(in.PoolText), " ")
		if pool == "" || !readableInYAML(in.Pool) {
			// The code reads locals or calls poollint cannot carry into
			// database.yml: show the generated default instead.
			pool = `ENV.fetch("RAILS_MAX_THREADS") { 5 }`
		}
		out = append(out, Diagnostic{
			Severity: Warning,
			Span:     in.Connect,
			Message: fmt.Sprintf("this initializer disconnects Active Record and re-establishes it with a hand-built config['pool'], the pre-4.1 Heroku pattern Heroku calls \"the source of numerous support tickets\" (seed 003): on Rails %s set the pool in config/database.yml (`pool: <%%= %s %%>`) and delete the initializer",
				railsOrNewest(app.Versions.Rails()), pool),
			Related: []Related{
				{Span: in.Disconnect, Message: "disconnects the pool Rails built from database.yml"},
				{Span: in.PoolAssign, Message: "the hand-built pool"},
			},
		})
	}
	return out
}

// readableInYAML reports whether v reads only the environment and
// literals, so its text means the same inside database.yml's ERB.
func readableInYAML(v *rails.Value) bool {
	if v == nil {
		return false
	}
	ok := true
	v.Walk(func(n *rails.Value) {
		if n.Op == rails.OpUnknown {
			ok = false
		}
	})
	return ok
}
