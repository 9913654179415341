package rules

import (
	"fmt"
	"strings"

	"github.com/poollint/poollint/rails"
)

func pgbouncerAdvisoryLocks() *Rule {
	return &Rule{
		ID:       "pgbouncer-advisory-locks",
		Severity: Warning,
		Fixable:  "safe/unsafe",
		Summary:  "migrations run through PgBouncer in transaction mode with advisory locks on",
		Check:    checkPgBouncerAdvisoryLocks,
	}
}

// checkPgBouncerAdvisoryLocks: a process whose migration command is
// wrapped in the PgBouncer start script, or that runs migrations against a
// declared transaction-mode PgBouncer, takes the migration advisory lock
// through transaction pooling (facts 8.2). A release line that is not
// wrapped (and whose config does not point at a declared PgBouncer)
// connects directly and is fine.
func checkPgBouncerAdvisoryLocks(app *rails.App) []Diagnostic {
	var routes []pooledRoute
	why := map[*rails.Route]rails.Switch{}
	for _, p := range app.Processes {
		if !p.Migrates {
			continue
		}
		for _, pr := range pooledRoutes(app, p) {
			if !pr.Pooler.CarriesMigrations() {
				continue
			}
			sw := app.AdvisoryLocksOf(pr.Route)
			if !sw.Known || !sw.On {
				continue
			}
			routes = append(routes, pr)
			why[pr.Route] = sw
		}
	}
	groups := groupRoutes(routes, func(pr pooledRoute) string {
		return fmt.Sprintf("%s|%s|%s|%s", routeLocation(pr.Route), why[pr.Route].Why, pr.Pooler.PoolMode, poolerSource(pr.Pooler))
	})
	var out []Diagnostic
	for _, g := range groups {
		pr := g.routes[0]
		sw := why[pr.Route]
		d := Diagnostic{
			Severity: Warning,
			Span:     routeLocation(pr.Route),
			Message:  advisoryMessage(app, g.processes(), pr, sw),
			Related:  g.poolerNotes(),
		}
		if s := sw.Setting; s != nil && sw.Why != "Active Record's default" && app.Versions.RailsAtLeast("6.0.0") {
			d.Related = append(d.Related, Related{Span: s.ValueSpan, Message: "advisory_locks is " + s.Raw + " here"})
		}
		if app.Versions.RailsAtLeast("6.0.0") && !sw.FromURL {
			// A URL parameter wins over database.yml: the key would not help.
			d.Fix = keyFix(app, pr.Route, "advisory_locks")
		}
		out = append(out, d)
	}
	return out
}

func advisoryMessage(app *rails.App, ps []*rails.Process, pr pooledRoute, sw rails.Switch) string {
	pl, r := pr.Pooler, pr.Route
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s migrations through PgBouncer in %s mode (%s) on the %s database with advisory locks on (%s): the migration lock is a session-level advisory lock, and its release can reach another server connection and fail with ActiveRecord::ConcurrentMigrationError \"Failed to release advisory lock\", leaving the lock held so the next deploy cannot migrate",
		processList(ps), verb(ps, "runs", "run"), pl.PoolMode, poolerSource(pl), configName(r), sw.Why)
	if !app.Versions.RailsAtLeast("6.0.0") {
		if pl.Decl != nil {
			fmt.Fprintf(&b, "; Rails %s has no advisory_locks setting (it arrived in 6.0): run migrations over a direct connection to the database, not through the PgBouncer at %s", app.Versions.Rails(), pl.Addr)
		} else {
			fmt.Fprintf(&b, "; Rails %s has no advisory_locks setting (it arrived in 6.0): run migrations over a direct connection, without %s on that line", app.Versions.Rails(), pl.Wrapper)
		}
		return b.String()
	}
	switch {
	case sw.FromURL:
		fmt.Fprintf(&b, "; make it ?advisory_locks=false in %s, or %s", urlName(r), runDirect(pl))
	case r.DB == nil:
		fmt.Fprintf(&b, "; give config/database.yml a %s config with advisory_locks: false, or %s", pl.Process.RailsEnv(), runDirect(pl))
	default:
		fmt.Fprintf(&b, "; set advisory_locks: false for %s, or %s", configName(r), runDirect(pl))
	}
	return b.String()
}

// runDirect is the other way out: migrations that skip PgBouncer.
func runDirect(pl *rails.Pooler) string {
	if pl.Decl != nil {
		return "run migrations over a direct connection to the database, not through the PgBouncer at " + pl.Addr
	}
	return "run migrations without " + pl.Wrapper
}
