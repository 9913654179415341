package rules

import (
	"fmt"
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

func pgbouncerPreparedStatements() *Rule {
	return &Rule{
		ID:       "pgbouncer-prepared-statements",
		Severity: Error,
		Fixable:  "safe/unsafe",
		Summary:  "a process talks to PgBouncer in transaction mode with prepared statements on",
		Check:    checkPgBouncerPrepared,
	}
}

// pooledRoute is one database config one process reaches through a
// transaction-mode PgBouncer. Pooler is the route's: for a declared
// PgBouncer, the declaration the config connects to.
type pooledRoute struct {
	Process *rails.Process
	Pooler  *rails.Pooler
	Route   *rails.Route
}

// pooledRoutes returns, for process p, the database configs of its
// RAILS_ENV that go through its transaction-mode PgBouncer. An
// environment database.yml does not define (or no database.yml at all)
// is a config Rails builds from DATABASE_URL: a route with a nil DB. A
// database.yml that could not be read yields nothing: poollint cannot
// tell, and config-unreadable already says so.
func pooledRoutes(app *rails.App, p *rails.Process) []pooledRoute {
	pl := app.TransactionPooler(p)
	if pl == nil || !usesActiveRecord(app) {
		return nil
	}
	dbs := []*rails.DatabaseConfig{nil}
	if app.Databases != nil {
		doc := app.Databases.Doc
		if doc == nil {
			return nil
		}
		if configs := app.Databases.Configs(p.RailsEnv()); len(configs) > 0 {
			dbs = configs
		} else if doc.DynamicStructure {
			return nil // ERB may generate the environment
		}
	}
	var out []pooledRoute
	for _, db := range dbs {
		if r, known := app.RouteOf(pl, db); known && r != nil {
			out = append(out, pooledRoute{Process: p, Pooler: r.Pooler, Route: r})
		}
	}
	return out
}

// usesActiveRecord: with a Gemfile.lock that locks neither activerecord
// nor rails, the app's queries do not come from Active Record.
func usesActiveRecord(app *rails.App) bool {
	v := app.Versions
	return v.Lock == nil || v.Has("activerecord") || v.Has("rails")
}

// routeLocation is where a PgBouncer diagnostic points: the config's key
// in database.yml (RULES.md), else the Procfile line.
func routeLocation(r *rails.Route) parser.Span {
	if r.DB != nil {
		return r.DB.KeySpan
	}
	return r.Pooler.Span
}

// configName names the config a route connects with, for messages.
func configName(r *rails.Route) string {
	if r.DB != nil {
		return r.DB.Describe()
	}
	return r.Pooler.Process.RailsEnv() + " (built from " + r.URLVar + " alone)"
}

// poolerNote is the related note on the Procfile line, or on the
// declaration in .poollint.yml.
func poolerNote(pl *rails.Pooler) string {
	if pl.Decl != nil {
		return fmt.Sprintf("%s connects through the PgBouncer declared in %s at %s (%s mode)",
			pl.Process.Describe(), declFile(pl), pl.Addr, pl.PoolMode)
	}
	note := fmt.Sprintf("%s runs %s: PgBouncer pools in %s mode", pl.Process.Describe(), pl.Wrapper, pl.PoolMode)
	if pl.PoolMode == "transaction" {
		note += " (the buildpack's default)"
	}
	return note
}

// poolerSource says, in a message's parentheses, what puts PgBouncer in
// the way: the buildpack's start script, or the declaration.
func poolerSource(pl *rails.Pooler) string {
	if pl.Decl != nil {
		return "declared in " + declFile(pl) + " at " + pl.Addr
	}
	return pl.Wrapper
}

// declFile names the config file a declaration is in: .poollint.yml, or
// the file --config gave.
func declFile(pl *rails.Pooler) string {
	if pl.Span.File != "" {
		return pl.Span.File
	}
	return ".poollint.yml"
}

// processList names processes for a message: `the "web" process`, `the
// "web" and "worker" processes`.
func processList(ps []*rails.Process) string {
	if len(ps) == 1 {
		return ps[0].Describe()
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = `"` + p.Name + `"`
	}
	return "the " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " processes"
}

// routeGroup gathers the processes whose finding about one config is the
// same, so the config gets one diagnostic (and one fix).
type routeGroup struct {
	key    string
	routes []pooledRoute
}

func groupRoutes(routes []pooledRoute, key func(pooledRoute) string) []*routeGroup {
	var groups []*routeGroup
	index := map[string]*routeGroup{}
	for _, r := range routes {
		k := key(r)
		g, ok := index[k]
		if !ok {
			g = &routeGroup{key: k}
			index[k] = g
			groups = append(groups, g)
		}
		g.routes = append(g.routes, r)
	}
	return groups
}

func (g *routeGroup) processes() []*rails.Process {
	var ps []*rails.Process
	for _, r := range g.routes {
		ps = append(ps, r.Process)
	}
	return ps
}

func (g *routeGroup) poolerNotes() []Related {
	var rel []Related
	for _, r := range g.routes {
		rel = append(rel, Related{Span: r.Pooler.Span, Message: poolerNote(r.Pooler)})
	}
	return rel
}

// keyFix builds the fix that sets key to false in the route's config, or
// nil when there is no config to edit (none, a sample file, an alias).
func keyFix(app *rails.App, r *rails.Route, key string) *Fix {
	if r.DB == nil || app.Databases == nil || app.Databases.Doc == nil || app.Databases.Sample {
		return nil
	}
	ke, ok := setKeyIn(app.Databases.Doc, r.DB.KeySpan.Start.Offset, key, "false")
	if !ok {
		return nil
	}
	fix := &Fix{Description: "set " + key + ": false in " + r.DB.Describe(), Safe: true, Edits: ke.Edits}
	if ke.SharedAnchor != "" {
		fix.Safe = false
		fix.Description += " (the &" + ke.SharedAnchor + " mapping, which other configs merge: they get it too)"
	}
	return fix
}

func checkPgBouncerPrepared(app *rails.App) []Diagnostic {
	type finding struct {
		route pooledRoute
		ps    rails.Switch
		sev   Severity
	}
	var routes []pooledRoute
	found := map[*rails.Route]finding{}
	for _, p := range app.Processes {
		for _, pr := range pooledRoutes(app, p) {
			ps := app.PreparedStatementsOf(pr.Route)
			if !ps.Known || !ps.On {
				continue
			}
			sev := Error
			if mp := pr.Pooler.MaxPreparedVar; pr.Pooler.MaxPrepared > 0 || (mp.Name != "" && !mp.Known) {
				sev = Warning
			}
			routes = append(routes, pr)
			found[pr.Route] = finding{route: pr, ps: ps, sev: sev}
		}
	}
	groups := groupRoutes(routes, func(pr pooledRoute) string {
		f := found[pr.Route]
		return fmt.Sprintf("%s|%d|%v|%s|%d|%s|%s|%s", routeLocation(pr.Route), f.sev, f.ps.TruthyString, f.ps.Why,
			pr.Pooler.MaxPrepared, pr.Pooler.PreparedVar.Describe(), pr.Pooler.PoolMode, poolerSource(pr.Pooler))
	})
	var out []Diagnostic
	for _, g := range groups {
		f := found[g.routes[0].Route]
		r := f.route.Route
		d := Diagnostic{
			Severity: f.sev,
			Span:     routeLocation(r),
			Message:  preparedMessage(app, g.processes(), f.route, f.ps, f.sev),
			Related:  g.poolerNotes(),
		}
		if s := f.ps.Setting; s != nil && !r.YAMLIgnored && f.ps.Why != "Active Record's default" {
			d.Related = append(d.Related, Related{Span: s.ValueSpan, Message: "prepared_statements is " + s.Raw + " here"})
		}
		if s := f.ps.Setting; s != nil && r.YAMLIgnored {
			d.Related = append(d.Related, Related{Span: s.ValueSpan, Message: "not used: before Rails 4.1 a set DATABASE_URL is the whole connection (facts 10)"})
		}
		if app.Versions.RailsAtLeast("4.1.0") && !r.YAMLIgnored && !f.ps.FromURL {
			// A URL parameter wins over database.yml: the key would not help.
			d.Fix = keyFix(app, r, "prepared_statements")
		}
		out = append(out, d)
	}
	return out
}

// preparedMessage says what happens, why the statements are on, and what
// turns them off on the locked Rails.
func preparedMessage(app *rails.App, ps []*rails.Process, pr pooledRoute, sw rails.Switch, sev Severity) string {
	pl, r := pr.Pooler, pr.Route
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s the %s database through PgBouncer in %s mode (%s) with prepared statements on (%s)",
		processList(ps), verb(ps, "reaches", "reach"), configName(r), pl.PoolMode, poolerSource(pl), sw.Why)
	if sev == Warning {
		if pl.MaxPrepared > 0 {
			fmt.Fprintf(&b, "; PgBouncer tracks protocol-level prepared statements (%s), but Active Record evicts them with SQL DEALLOCATE, which PgBouncer forwards to whatever server connection it holds, where it fails (Rails 8.1 avoids this only with pg >= 1.6, libpq >= 17 and PostgreSQL >= 17)",
				maxPreparedSource(pl))
		} else {
			fmt.Fprintf(&b, "; %s could not be read, so PgBouncer may or may not track prepared statements, and even when it does Active Record evicts them with SQL DEALLOCATE, which fails behind it",
				pl.MaxPreparedVar.Name)
		}
	} else {
		b.WriteString(`: queries fail with 'prepared statement "a1" already exists' (or 'does not exist') as soon as two connections share a server connection, because `)
		if pl.Decl != nil {
			// A declaration that leaves the key out reads as 0, but
			// PgBouncer's own default moved from 0 to 200 in 1.24 (facts
			// 8.1): say so rather than claim to know.
			b.WriteString("the declaration gives PgBouncer max_prepared_statements 0 (the value when left out: declare the real one if your PgBouncer tracks prepared statements, as 1.24+ does by default)")
		} else {
			b.WriteString("max_prepared_statements is 0 (the buildpack's default)")
		}
	}
	if pv := pl.PreparedVar; pv.Name != "" && pv.Known && !pl.PreparedOff {
		fmt.Fprintf(&b, "; %s is not exactly \"false\", the only value the buildpack acts on", pv.Describe())
	}
	switch rails := app.Versions.Rails(); {
	case pl.Decl != nil && sw.FromURL && !sw.TruthyString:
		fmt.Fprintf(&b, "; make it ?prepared_statements=false in %s", urlName(r))
	case !app.Versions.RailsAtLeast("4.0.0"):
		b.WriteString(rails32Advice(app, r, sw))
	case !app.Versions.RailsAtLeast("4.1.0"):
		fmt.Fprintf(&b, "; Rails %s cannot be made to work with it: it ignores database.yml when DATABASE_URL is set, and Rails 4.0 reportedly cannot turn prepared statements off at all (seed 001; the buildpack README says 4.0.0-4.0.3): upgrade to Rails 4.1+ and set prepared_statements: false, or pool in session mode", rails)
	case r.DB == nil && pl.Decl != nil:
		fmt.Fprintf(&b, "; add ?prepared_statements=false to %s, or give config/database.yml a %s config with prepared_statements: false", r.URLVar, pl.Process.RailsEnv())
	case r.DB == nil:
		fmt.Fprintf(&b, "; set PGBOUNCER_PREPARED_STATEMENTS=false, or give config/database.yml a %s config with prepared_statements: false", r.Pooler.Process.RailsEnv())
	default:
		fmt.Fprintf(&b, "; set prepared_statements: false for %s", configName(r))
	}
	return b.String()
}

// maxPreparedSource says where a max_prepared_statements above 0 comes
// from: the buildpack's variable, or the declaration.
func maxPreparedSource(pl *rails.Pooler) string {
	if pl.Decl != nil {
		return fmt.Sprintf("max_prepared_statements: %d in %s", pl.MaxPrepared, declFile(pl))
	}
	return pl.MaxPreparedVar.Describe()
}

// urlName names the URL a route connects with, for advice.
func urlName(r *rails.Route) string {
	if r.URLVar != "" {
		return r.URLVar
	}
	return "the url: of " + configName(r)
}

// rails32Advice: Rails 3.2 does not load database.yml when DATABASE_URL
// is set, and reads the URL's "false" as a truthy string (facts 8.3, 10).
// Through a declared PgBouncer with no DATABASE_URL set, database.yml is
// the connection, and its boolean false works.
func rails32Advice(app *rails.App, r *rails.Route, sw rails.Switch) string {
	cast := hasPreparedCast(app)
	switch {
	case sw.TruthyString:
		return `; add the initializer that turns prepared_statements "false" into false (seed 001)`
	case r.Pooler.Decl != nil && !r.YAMLIgnored && r.DB != nil:
		return "; set prepared_statements: false for " + configName(r)
	case r.Pooler.Decl != nil && cast:
		return "; Rails 3.2 ignores config/database.yml when DATABASE_URL is set: add ?prepared_statements=false to DATABASE_URL, which the initializer that casts \"false\" already handles"
	case r.Pooler.Decl != nil:
		return `; Rails 3.2 ignores config/database.yml when DATABASE_URL is set: add ?prepared_statements=false to DATABASE_URL and the initializer that turns its "false" into false (seed 001)`
	case cast:
		return "; Rails 3.2 ignores config/database.yml when DATABASE_URL is set: set PGBOUNCER_PREPARED_STATEMENTS=false, which the initializer that casts \"false\" already handles"
	}
	return `; Rails 3.2 ignores config/database.yml when DATABASE_URL is set: set PGBOUNCER_PREPARED_STATEMENTS=false and add the initializer that turns the URL's prepared_statements "false" into false (seed 001)`
}

func hasPreparedCast(app *rails.App) bool {
	for _, in := range app.Initializers {
		if in.Kind == rails.PreparedStatementsCast {
			return true
		}
	}
	return false
}

// verb picks the singular or plural form for a list of processes.
func verb(ps []*rails.Process, one, many string) string {
	if len(ps) == 1 {
		return one
	}
	return many
}
