package rails

import (
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// PgBouncerDecl is a PgBouncer the user declares in .poollint.yml
// (`pgbouncer:`) because nothing in the app's files shows it: a sidecar, a
// pooler host, a managed pooler in front of the database. RULES.md
// "PgBouncer": "a database host/port that .poollint.yml declares as a
// transaction-mode PgBouncer". A process connects through it when one of
// its database configs points at Host (and Port, when given).
type PgBouncerDecl struct {
	Host string // as the app writes it in host: or the URL; compared case-insensitively
	Port int    // 0 matches any port of Host
	// Mode is PgBouncer's pool_mode: "transaction" (the default when the
	// declaration leaves it out), "session" or "statement".
	Mode string
	// MaxPreparedStatements is PgBouncer's max_prepared_statements: above
	// 0, PgBouncer >= 1.21 keeps protocol-level prepared statements working
	// in transaction mode (facts 8.1).
	MaxPreparedStatements int
	// Processes are the process types that connect through it; empty means
	// every process.
	Processes []string
	Span      parser.Span // the declaration, for Related locations
}

// PoolsTransactions reports whether the declared PgBouncer hands a server
// connection to a client for one transaction (or statement) only, which is
// what breaks prepared statements and advisory locks. Session mode keeps
// one server connection per client, like a direct connection.
func (d *PgBouncerDecl) PoolsTransactions() bool {
	return d.Mode == "" || d.Mode == "transaction" || d.Mode == "statement"
}

// Serves reports whether p is one of the processes the declaration names.
func (d *PgBouncerDecl) Serves(p *Process) bool {
	return len(d.Processes) == 0 || slices.Contains(d.Processes, p.Name)
}

// DeclaredPgBouncerOf returns the declared transaction-mode PgBouncer that
// db's connections from p go to, or nil when they go elsewhere or the
// PgBouncer pools in session mode, with the connection it matched. known
// is false when the host or port db connects to cannot be read (an ERB
// value of an unset variable, a URL variable poollint cannot see): callers
// then stay silent. A nil db is an environment database.yml does not
// define, which Rails builds from DATABASE_URL.
func (a *App) DeclaredPgBouncerOf(decls []PgBouncerDecl, p *Process, db *DatabaseConfig) (decl *PgBouncerDecl, conn Connection, known bool) {
	var candidates []*PgBouncerDecl
	for i := range decls {
		if decls[i].PoolsTransactions() && decls[i].Serves(p) {
			candidates = append(candidates, &decls[i])
		}
	}
	if len(candidates) == 0 {
		return nil, Connection{}, true
	}
	conn, known = a.ConnectionOf(p, db)
	if !known {
		return nil, conn, false
	}
	for _, d := range candidates {
		if strings.EqualFold(d.Host, conn.Host) && (d.Port == 0 || d.Port == conn.Port) {
			return d, conn, true
		}
	}
	return nil, conn, true
}

// declaredPooler returns the Pooler of p's declared PgBouncers when one of
// the declarations pools transactions and serves p, else nil. Which of
// them (if any) a config reaches is for declaredRoute to tell.
func (a *App) declaredPooler(p *Process) *Pooler {
	for i := range a.Declared.PgBouncer {
		if d := &a.Declared.PgBouncer[i]; d.PoolsTransactions() && d.Serves(p) {
			return &Pooler{Process: p}
		}
	}
	return nil
}

// declaredRoute is RouteOf for declared PgBouncers: db's connections go
// through the declaration whose host (and port) they connect to. The
// route keeps the app's own URL, so a ?prepared_statements=false in it
// counts, and its Pooler carries the declaration's mode, its
// max_prepared_statements and its place in .poollint.yml.
func (a *App) declaredRoute(pl *Pooler, db *DatabaseConfig) (*Route, bool) {
	d, conn, known := a.DeclaredPgBouncerOf(a.Declared.PgBouncer, pl.Process, db)
	if !known {
		return nil, false
	}
	if d == nil {
		return nil, true
	}
	mode := d.Mode
	if mode == "" {
		mode = "transaction"
	}
	via := &Pooler{
		Process:     pl.Process,
		Span:        d.Span,
		PoolMode:    mode,
		MaxPrepared: d.MaxPreparedStatements,
		Decl:        d,
		Addr:        net.JoinHostPort(conn.Host, strconv.Itoa(conn.Port)),
	}
	return &Route{
		Pooler: via,
		DB:     db,
		URLVar: conn.URLVar,
		URL:    conn.URL,
		// Before 4.1 a set DATABASE_URL is the whole connection (facts 10).
		YAMLIgnored: conn.URL != "" && !a.Versions.RailsAtLeast("4.1.0"),
	}, true
}

// defaultPostgresPort is where libpq connects when neither host: nor the
// URL names a port.
const defaultPostgresPort = 5432

// Connection is where one database config of a process connects.
type Connection struct {
	Host string // "" for a local socket
	Port int
	// URLVar is the variable whose URL is merged into the config
	// (DATABASE_URL, NAME_DATABASE_URL), "" for none or a url: key.
	URLVar string
	// URL is the URL that applies (the url: key's, or URLVar's value as
	// the process environment holds it), "" when none does.
	URL string
}

// ConnectionOf returns where db's connections from p go, the way Active
// Record resolves them (facts 10): on Rails >= 4.1 a url: key, else the
// URL variable merged into the config (DATABASE_URL for the primary,
// NAME_DATABASE_URL on 6.0+), whose host and port win over database.yml's;
// before 4.1 a set DATABASE_URL is the whole connection. A URL variable
// the process environment does not hold is taken as unset, so
// database.yml's host: applies: declare the variable under `env:` in
// .poollint.yml when the platform sets it. known is false when a value
// cannot be read.
func (a *App) ConnectionOf(p *Process, db *DatabaseConfig) (conn Connection, known bool) {
	env := a.EnvOf(p)
	conn.Port = defaultPostgresPort
	if db != nil && db.URL != nil && a.Versions.RailsAtLeast("4.1.0") {
		s, ok := evalString(db.URL.Value, env)
		if !ok || s == "" {
			return conn, false
		}
		conn.URL = s
	} else {
		v, ok := a.urlVarOf(db)
		if !ok {
			return conn, false
		}
		conn.URLVar = v
		if v != "" {
			if inlineReadsUnset(p, v) {
				// `DATABASE_URL=$DIRECT_URL rake db:migrate`: the URL is
				// a config var poollint cannot see, not an empty one.
				return conn, false
			}
			conn.URL, _ = env.Lookup(v)
		}
	}
	if conn.URL == "" && db == nil {
		return conn, false // Rails builds the config from a URL poollint cannot see
	}
	urlHost, urlPort := "", 0
	if conn.URL != "" {
		u, err := url.Parse(conn.URL)
		if err != nil {
			return conn, false
		}
		urlHost = u.Hostname()
		if ps := u.Port(); ps != "" {
			n, err := strconv.Atoi(ps)
			if err != nil {
				return conn, false
			}
			urlPort = n
		}
		if db == nil || !a.Versions.RailsAtLeast("4.1.0") {
			// The URL is the whole connection.
			conn.Host = urlHost
			if urlPort != 0 {
				conn.Port = urlPort
			}
			return conn, true
		}
	}
	if urlHost != "" {
		conn.Host = urlHost
	} else if db.Host != nil {
		s, ok := evalString(db.Host.Value, env)
		if !ok {
			return conn, false
		}
		conn.Host = s
	}
	switch {
	case urlPort != 0:
		conn.Port = urlPort
	case db.Port != nil:
		r := db.Port.Value.Eval(env)
		switch {
		case r.Kind == RInt:
			conn.Port = r.Int
		case r.Kind != RNil || len(r.Unset) > 0:
			return conn, false
		}
	}
	return conn, true
}

// evalString evaluates a host or URL value in env. A value that reads an
// unset variable with no written default is unknown: the platform likely
// sets it.
func evalString(v *Value, env Env) (string, bool) {
	if v == nil {
		return "", true
	}
	r := v.EvalRaw(env)
	switch r.Kind {
	case RStr:
		return strings.TrimSpace(r.Str), true
	case RNil:
		return "", len(r.Unset) == 0
	}
	return "", false
}
