package rails

import (
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// This file models what a process sees of a PgBouncer that pools in
// transaction mode (RULES.md "PgBouncer"): whether a process goes through
// one, which of its database configs are routed to it, and the
// prepared_statements / advisory_locks that then reach the server. It
// decides nothing about what is wrong; the pgbouncer-* rules do.
//
// Two sources say a process goes through one: the Heroku PgBouncer
// buildpack's start script wrapped around its Procfile command (facts
// 8.4), and the PgBouncers `.poollint.yml` declares (pgbouncer_decl.go),
// which a config reaches when it connects to their host. TransactionPooler
// is the one place that decision is made; the buildpack wins when both
// apply, because it rewrites the URLs the process connects with.

// Buildpack environment variables and their defaults (facts 8.4,
// heroku-buildpack-pgbouncer bin/start-pgbouncer and gen-pgbouncer-conf.sh).
const (
	pgbEnabledVar        = "PGBOUNCER_ENABLED"                 // default 1; 1/true/yes/on (any case) enable
	pgbPoolModeVar       = "PGBOUNCER_POOL_MODE"               // default transaction
	pgbURLsVar           = "PGBOUNCER_URLS"                    // default DATABASE_URL
	pgbPreparedVar       = "PGBOUNCER_PREPARED_STATEMENTS"     // exactly "false" appends ?prepared_statements=false
	pgbMaxPreparedVar    = "PGBOUNCER_MAX_PREPARED_STATEMENTS" // default 0 (added in buildpack v0.17.0)
	buildpackDefaultURLs = "DATABASE_URL"
)

// Pooler is a transaction-mode PgBouncer one process connects through.
type Pooler struct {
	Process *Process
	// Wrapper is the Procfile word that starts it: "bin/start-pgbouncer" or
	// "bin/start-pgbouncer-stunnel".
	Wrapper   string
	Buildpack bool        // the Heroku buildpack: it rewrites the URLs in URLVars
	Span      parser.Span // where transaction mode is decided (the Procfile line)
	PoolMode  string      // "transaction" or "statement"
	// URLVars are the variables whose URLs the buildpack points at
	// PgBouncer (PGBOUNCER_URLS, default DATABASE_URL).
	URLVars []string
	// PreparedOff is set when PGBOUNCER_PREPARED_STATEMENTS=false: the
	// buildpack appends ?prepared_statements=false to every rewritten URL.
	// PreparedVar says where that value was read.
	PreparedOff bool
	PreparedVar EnvSource
	// MaxPrepared is PgBouncer's max_prepared_statements: the buildpack
	// writes PGBOUNCER_MAX_PREPARED_STATEMENTS, default 0. With the
	// PgBouncer version unknown, a missing variable means 0 (facts 8.4).
	MaxPrepared    int
	MaxPreparedVar EnvSource // zero when the variable is not set; Known is false when unreadable

	// Decl is the .poollint.yml declaration the connections go to, and
	// Addr the host:port the config connects to it on; both are set on
	// the Pooler of a Route only. The Pooler TransactionPooler returns for
	// declared PgBouncers has Decl nil: which declaration a config reaches
	// depends on the host it connects to, so RouteOf decides it per config
	// (declaredRoute).
	Decl *PgBouncerDecl
	Addr string
}

// EnvSource is one environment variable as poollint found it.
type EnvSource struct {
	Name  string
	Value string
	Known bool   // the value could be read
	From  string // "on the Procfile line", "in the environment", "in app.json"
	Span  parser.Span
}

// Describe renders the variable for messages:
// `PGBOUNCER_PREPARED_STATEMENTS=false in app.json`.
func (e EnvSource) Describe() string {
	return e.Name + "=" + e.Value + " " + e.From
}

// TransactionPooler returns the transaction-mode PgBouncer that p connects
// through, or nil when p connects directly, PgBouncer is disabled, or it
// pools in session mode. A Procfile line wrapped in the buildpack's start
// script is decided by the buildpack alone; a line without one (or an
// implied process) is given a Pooler when a .poollint.yml declaration
// pools transactions and serves p, and RouteOf then tells which configs
// reach it. An unreadable PGBOUNCER_ENABLED or PGBOUNCER_POOL_MODE yields
// nil: silence beats a guess.
func (a *App) TransactionPooler(p *Process) *Pooler {
	if p == nil {
		return nil
	}
	if p.Entry != nil {
		if wrapper := lineWrapper(p); wrapper != "" {
			return a.buildpackPooler(p, wrapper)
		}
	}
	return a.declaredPooler(p)
}

// buildpackPooler reads the buildpack's variables for a line wrapped in
// its start script.
func (a *App) buildpackPooler(p *Process, wrapper string) *Pooler {
	if en := a.buildpackVar(p, pgbEnabledVar); en.Name != "" {
		if !en.Known || !buildpackEnabled(en.Value) {
			return nil
		}
	}
	mode := "transaction"
	if pm := a.buildpackVar(p, pgbPoolModeVar); pm.Name != "" {
		if !pm.Known {
			return nil
		}
		if pm.Value != "" {
			mode = pm.Value
		}
	}
	if mode != "transaction" && mode != "statement" {
		return nil // session pooling keeps one server connection per client
	}
	pl := &Pooler{Process: p, Wrapper: wrapper, Buildpack: true, Span: p.Span, PoolMode: mode}
	pl.URLVars = strings.Fields(buildpackDefaultURLs)
	if u := a.buildpackVar(p, pgbURLsVar); u.Name != "" {
		if !u.Known {
			return nil // which URLs are pooled is unknown
		}
		if u.Value != "" {
			pl.URLVars = strings.Fields(u.Value)
		}
	}
	if ps := a.buildpackVar(p, pgbPreparedVar); ps.Name != "" {
		pl.PreparedVar = ps
		// gen-pgbouncer-conf.sh compares with == "false": case matters.
		pl.PreparedOff = ps.Known && ps.Value == "false"
	}
	if mp := a.buildpackVar(p, pgbMaxPreparedVar); mp.Name != "" {
		pl.MaxPreparedVar = mp
		if n, err := strconv.Atoi(strings.TrimSpace(mp.Value)); mp.Known && err == nil && n > 0 {
			pl.MaxPrepared = n
		}
	}
	return pl
}

// lineWrapper returns the PgBouncer start script of p's Procfile line: the
// one around its main command, else one around any command of a compound
// line (`bin/start-pgbouncer rake db:migrate && rake cache:warm` still
// migrates through PgBouncer).
func lineWrapper(p *Process) string {
	if p.PgBouncerWrapper != "" {
		return p.PgBouncerWrapper
	}
	for _, words := range p.Entry.AllCommands {
		for _, w := range words {
			if script := pgbouncerScript(w); script != "" {
				return script
			}
		}
	}
	return ""
}

// buildpackEnabled is the buildpack's is-enabled: 1, true, yes or on in
// any case; an empty value falls back to the default 1.
func buildpackEnabled(v string) bool {
	switch strings.ToLower(v) {
	case "", "1", "true", "yes", "on":
		return true
	}
	return false
}

// buildpackVar finds a buildpack variable for p: the process environment
// (the Procfile line, .poollint.yml env, --env), else app.json's env,
// which Heroku sets when it creates an app from app.json. Name is empty
// when the variable is set nowhere poollint can see.
func (a *App) buildpackVar(p *Process, name string) EnvSource {
	if v, ok := p.Env.Lookup(name); ok {
		src := EnvSource{Name: name, Value: v, Known: true, From: "in the environment"}
		if as, inline := p.Inline[name]; inline {
			src.From, src.Span = "on the Procfile line", as.Span
			// A switch read from a config var poollint cannot see is
			// unknown, not off.
			src.Known = !inlineReadsUnset(p, name)
		}
		return src
	}
	if as, inline := p.Inline[name]; inline {
		// Assigned on the line but from something that cannot be expanded.
		return EnvSource{Name: name, Value: as.Value.Raw, From: "on the Procfile line", Span: as.Span}
	}
	if a.AppJSON != nil {
		if e, ok := a.AppJSON.Env[name]; ok && e.HasValue {
			return EnvSource{Name: name, Value: e.Value, Known: true, From: "in app.json", Span: a.AppJSON.Spans["env."+name]}
		}
	}
	return EnvSource{}
}

// inlineReadsUnset reports whether p's Procfile line assigns name from a
// variable that is unset: `X=$Y` with Y unset expands to its written
// default, but Y is likely a config var poollint cannot see.
func inlineReadsUnset(p *Process, name string) bool {
	as, inline := p.Inline[name]
	if !inline {
		return false
	}
	for _, v := range ValueFromWord(as.Value).Vars() {
		if slices.Contains(p.Unset, v) {
			return true
		}
	}
	return false
}

// Route is how one database config of a process reaches a transaction-mode
// PgBouncer.
type Route struct {
	Pooler *Pooler
	DB     *DatabaseConfig // nil when RAILS_ENV has no config and Rails builds one from the URL
	// URLVar is the variable whose (rewritten) URL the config connects
	// with: DATABASE_URL, or the NAME_DATABASE_URL of a named config.
	URLVar string
	// URL is the URL the app reads from URLVar as the buildpack rewrites
	// it: 127.0.0.1:6000 plus ?prepared_statements=false when
	// PGBOUNCER_PREPARED_STATEMENTS=false; the original query is dropped.
	// Through a declared PgBouncer it is the app's own URL (the url: key,
	// or URLVar's value in the environment), "" when the config has none.
	URL string
	// YAMLIgnored is set on Rails < 4.1, where a set DATABASE_URL is the
	// whole connection: 3.2 does not load database.yml and 4.0 connects
	// with the URL alone (facts 10), so database.yml keys do not apply.
	YAMLIgnored bool
}

// RouteOf decides whether db's connections from pl's process go through
// pl. known is false when that cannot be told
// (a url: key poollint cannot evaluate); route is nil for a config that
// connects directly. The route's Pooler is pl for the buildpack, and the
// matched declaration's own Pooler for declared PgBouncers.
func (a *App) RouteOf(pl *Pooler, db *DatabaseConfig) (route *Route, known bool) {
	if pl == nil {
		return nil, true
	}
	if !pl.Buildpack {
		return a.declaredRoute(pl, db)
	}
	v, known := a.urlVarOf(db)
	if !known {
		return nil, false
	}
	if v == "" || !slices.Contains(pl.URLVars, v) {
		return nil, true
	}
	r := &Route{Pooler: pl, DB: db, URLVar: v, URL: "postgres://127.0.0.1:6000/db1"}
	if pl.PreparedOff {
		r.URL += "?prepared_statements=false"
	}
	r.YAMLIgnored = !a.Versions.RailsAtLeast("4.1.0")
	return r, true
}

// urlVarOf returns the environment variable whose URL db connects with
// ("" for none), following facts 10: on Rails >= 4.1 an explicit url: key
// wins and DATABASE_URL is merged into a config without one (the primary;
// NAME_DATABASE_URL into the config NAME on 6.0+); before 4.1 a set
// DATABASE_URL replaces the primary config. A nil db is an environment
// database.yml does not define, which Rails builds from DATABASE_URL.
func (a *App) urlVarOf(db *DatabaseConfig) (string, bool) {
	if db == nil {
		return "DATABASE_URL", true
	}
	if !a.Versions.RailsAtLeast("4.1.0") {
		if db.Primary {
			return "DATABASE_URL", true
		}
		return "", true
	}
	if db.URL != nil {
		return urlKeyVar(db.URL.Value)
	}
	if db.Primary {
		return "DATABASE_URL", true
	}
	if a.Versions.RailsAtLeast("6.0.0") {
		return strings.ToUpper(db.Name) + "_DATABASE_URL", true
	}
	return "", true
}

// urlKeyVar reads the variable a url: value takes its URL from:
// `<%= ENV["X"] %>`, `<%= ENV.fetch("X") %>` or `<%= ENV["X"] || "..." %>`
// (the platform sets X, so its value wins). A literal URL reads none.
func urlKeyVar(v *Value) (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Op {
	case OpStr:
		return "", true
	case OpEnv:
		return v.Str, true
	case OpOr:
		if v.Args[0].Op == OpEnv {
			return v.Args[0].Str, true
		}
	}
	return "", false
}

// Switch is the effective value of a boolean connection setting
// (prepared_statements, advisory_locks) for one route.
type Switch struct {
	Known bool
	On    bool
	// Why says what decides it, for messages: "Active Record's default",
	// "prepared_statements: true at config/database.yml:9",
	// "?prepared_statements=false in the URL".
	Why string
	// Setting is the database.yml key when one is written (it may be
	// ignored: see Route.YAMLIgnored).
	Setting *Setting
	// TruthyString is set when the URL says "false" but Rails 3.2 keeps the
	// string, which is truthy, so the setting stays on (facts 8.3).
	TruthyString bool
	// FromURL is set when the URL's query decides it: a database.yml key
	// would not change it.
	FromURL bool
}

// PreparedStatementsOf evaluates prepared_statements for a route (facts
// 8.3, 8.4, 10): the URL's ?prepared_statements= wins over database.yml
// (Rails >= 4.1 merges and URL parameters win; before 4.1 the URL is the
// whole connection); Rails 3.2 keeps the URL's "false" as a truthy string
// unless an initializer casts it (seed 001); else the database.yml key,
// else on.
func (a *App) PreparedStatementsOf(r *Route) Switch {
	var s Switch
	if r.DB != nil {
		s.Setting = r.DB.PreparedStatements
	}
	if pv := r.Pooler.PreparedVar; pv.Name != "" && !pv.Known {
		return s // PGBOUNCER_PREPARED_STATEMENTS is set to something unreadable
	}
	if q, ok := urlParam(r.URL, "prepared_statements"); ok {
		switch {
		case q != "false":
			return Switch{Known: true, On: true, Why: "?prepared_statements=" + q + " in the URL", Setting: s.Setting, FromURL: true}
		case a.Versions.RailsAtLeast("4.0.0") || a.castsPreparedStatements():
			return Switch{Known: true, On: false, Why: "?prepared_statements=false in the URL", Setting: s.Setting, FromURL: true}
		}
		// Rails 3.2 keeps "false" as a string, which is truthy, and the URL
		// wins over database.yml: the statements stay on.
		return Switch{Known: true, On: true, TruthyString: true, Setting: s.Setting, FromURL: true,
			Why: "?prepared_statements=false in the URL, which Rails 3.2 reads as the truthy string \"false\""}
	}
	if s.Setting != nil && !r.YAMLIgnored {
		on, known := a.yamlSwitch(s.Setting, r.Pooler.Process)
		if !known {
			return Switch{Setting: s.Setting}
		}
		s.Known, s.On = true, on
		s.Why = "prepared_statements: " + s.Setting.Raw + " at " + spanRef(s.Setting.ValueSpan)
		return s
	}
	s.Known, s.On, s.Why = true, true, "Active Record's default"
	return s
}

// AdvisoryLocksOf evaluates advisory_locks for a route (facts 8.2):
// migrations take a session-level advisory lock since Rails 5.0; the
// advisory_locks key exists from Rails 6.0 (in database.yml or the URL).
func (a *App) AdvisoryLocksOf(r *Route) Switch {
	var s Switch
	if r.DB != nil {
		s.Setting = r.DB.AdvisoryLocks
	}
	if !a.Versions.RailsAtLeast("5.0.0") {
		return Switch{Known: true, On: false, Why: "migrations take no advisory lock before Rails 5.0", Setting: s.Setting}
	}
	if !a.Versions.RailsAtLeast("6.0.0") {
		return Switch{Known: true, On: true, Why: "Rails 5.x always takes it", Setting: s.Setting}
	}
	if q, ok := urlParam(r.URL, "advisory_locks"); ok {
		return Switch{Known: true, On: q != "false", Why: "?advisory_locks=" + q + " in the URL", Setting: s.Setting, FromURL: true}
	}
	if s.Setting != nil && !r.YAMLIgnored {
		on, known := a.yamlSwitch(s.Setting, r.Pooler.Process)
		if !known {
			return Switch{Setting: s.Setting}
		}
		s.Known, s.On = true, on
		s.Why = "advisory_locks: " + s.Setting.Raw + " at " + spanRef(s.Setting.ValueSpan)
		return s
	}
	s.Known, s.On, s.Why = true, true, "Active Record's default"
	return s
}

// urlParam reads one query parameter of a URL.
func urlParam(raw, key string) (string, bool) {
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	vals, ok := u.Query()[key]
	if !ok || len(vals) == 0 {
		return "", false
	}
	return vals[len(vals)-1], true
}

// yamlSwitch reads a boolean database.yml value the way Active Record
// does: nil and false (YAML 1.1 no/off/false, as Psych reads them) are
// off, anything else is truthy, except that from Rails 4.0 the string
// "false" is cast to false (facts 8.3). An ERB value is what its rendering
// parses to; one that depends on a variable poollint does not know is
// unknown.
func (a *App) yamlSwitch(s *Setting, p *Process) (on, known bool) {
	n := parser.Resolve(s.Node)
	if n == nil || n.Kind != yaml.ScalarNode || s.Value == nil {
		return false, false
	}
	if a.Databases != nil && a.Databases.Doc != nil && len(a.Databases.Doc.ERBInside(n)) > 0 {
		// ERB: Rails renders it, then YAML parses the text.
		r := s.Value.EvalRaw(a.EnvOf(p))
		if len(r.Unset) > 0 {
			return false, false
		}
		switch r.Kind {
		case RBool:
			return r.Int == 1, true
		case RNil:
			return false, true
		case RInt:
			return true, true
		case RStr:
			if b, isBool := psychBool(strings.TrimSpace(r.Str)); isBool {
				return b, true
			}
			return strings.TrimSpace(r.Str) != "", true
		}
		return false, false
	}
	if s.Value.Op == OpNil {
		return false, true
	}
	quoted := n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0
	if !quoted {
		if b, isBool := psychBool(n.Value); isBool {
			return b, true
		}
	}
	if n.Value == "false" && a.Versions.RailsAtLeast("4.0.0") {
		return false, true // type_cast_config_to_boolean
	}
	return true, true
}

// psychBool is how Psych (YAML 1.1) reads a plain scalar as a boolean.
func psychBool(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// castsPreparedStatements reports whether an initializer makes Rails 3.2
// read prepared_statements "false" as false (the PostgreSQLAdapter patch
// of seed 001 and the buildpack README).
func (a *App) castsPreparedStatements() bool {
	for _, in := range a.Initializers {
		if in.Kind == PreparedStatementsCast {
			return true
		}
	}
	return false
}

// CarriesMigrations reports whether the migrations pl's process runs go
// through pl. The buildpack pools only the commands its start script
// wraps (MigratesThroughPooler); a declared PgBouncer is where the
// process's config connects, so every migration command of the line
// reaches it.
func (pl *Pooler) CarriesMigrations() bool {
	if pl.Buildpack {
		return MigratesThroughPooler(pl.Process)
	}
	return pl.Process.Migrates
}

// MigratesThroughPooler reports whether one of the commands of p's
// Procfile line runs migrations (db:migrate, db:prepare) wrapped in the
// PgBouncer start script itself: on a compound line
// `rake db:migrate && bin/start-pgbouncer ...` the migration connects
// directly.
func MigratesThroughPooler(p *Process) bool {
	if p == nil || p.Entry == nil {
		return false
	}
	for _, words := range p.Entry.AllCommands {
		wrapped := false
		for _, w := range words {
			lit, _ := w.Literal()
			switch base := path.Base(lit); {
			case base == "start-pgbouncer" || base == "start-pgbouncer-stunnel":
				wrapped = true
			case wrapped && (strings.HasPrefix(lit, "db:migrate") || lit == "db:prepare"):
				return true
			}
		}
	}
	return false
}
