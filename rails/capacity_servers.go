package rails

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file places a row's connections on database servers: which
// configs share a server, what each config's pool lets one process open,
// and what the PgBouncer buildpack lets through to the server.

// budgetConfigs are the database configs p opens pools for: every config
// of its RAILS_ENV (RULES.md "pool P"), else the one Rails builds from
// DATABASE_URL when the environment has none and the platform sets it.
func (a *App) budgetConfigs(p *Process, bb *budgetBuilder) []*DatabaseConfig {
	if a.Databases != nil {
		if cs := a.Databases.Configs(p.RailsEnv()); len(cs) > 0 {
			return cs
		}
	}
	if !bb.provided["DATABASE_URL"] && a.Declared.Database == (DatabaseLimit{}) {
		return nil
	}
	return []*DatabaseConfig{{Env: p.RailsEnv(), Name: "primary", Primary: true, TwoLevel: true}}
}

// serverUses computes what row opens on each server its configs point at.
func (a *App) serverUses(row *BudgetRow, bb *budgetBuilder) []*ServerUse {
	p := row.Process
	var uses []*ServerUse
	byServer := map[*DatabaseServer]*ServerUse{}
	for _, db := range a.budgetConfigs(p, bb) {
		if row.QueueOnly {
			if q := a.SolidQueueDatabase(p.RailsEnv()); q != nil && q != db {
				continue
			}
		}
		s := bb.server(db, p)
		u := byServer[s]
		if u == nil {
			u = &ServerUse{Server: s}
			byServer[s] = u
			uses = append(uses, u)
		}
		u.Configs = append(u.Configs, db)
		u.Pools = append(u.Pools, a.PoolOf(db, p))
	}
	bouncer := a.budgetBouncer(p)
	for _, u := range uses {
		u.PerProcess = connsPerProcess(row.Need, u.Pools)
		// The buildpack rewrites URL variables only: a config keyed by its
		// host connects directly whatever the line runs.
		rewritable := u.Server.URLVar != "" && (bouncer.urlVars == nil || slices.Contains(bouncer.urlVars, u.Server.URLVar))
		if bouncer.unknown != "" && rewritable {
			u.Total = unknownCount(bouncer.unknown)
			continue
		}
		if bouncer.wrapper != "" && rewritable {
			u.Bouncer = a.bouncerUse(p, bouncer.wrapper, u.Server.URLVar, row.PerDyno, u.PerProcess)
			u.Total = mulCount(row.Dynos, u.Bouncer.PerDyno)
			continue
		}
		if why := a.declaredBouncerBetween(p, u.Configs); why != "" {
			u.Total = unknownCount(why)
			continue
		}
		u.Total = mulCount(row.Dynos, mulCount(row.PerDyno, u.PerProcess))
	}
	return uses
}

// declaredBouncerBetween says why a use cannot be counted when a
// transaction-mode PgBouncer declared in .poollint.yml stands between the
// process and the server: the server side is PgBouncer's own pool, which
// the declaration does not give. "" when no declared PgBouncer applies.
func (a *App) declaredBouncerBetween(p *Process, configs []*DatabaseConfig) string {
	for _, db := range configs {
		decl, _, known := a.DeclaredPgBouncerOf(a.Declared.PgBouncer, p, db)
		switch {
		case !known:
			return "whether " + db.Describe() + " connects through a PgBouncer declared in .poollint.yml cannot be told"
		case decl != nil:
			return db.Describe() + " connects through the PgBouncer declared in .poollint.yml at " + decl.Host + ": the server side is its pool, which is not declared"
		}
	}
	return ""
}

// perProcess is Σ min(pool, need) over the configs: a process never holds
// more connections of a config than its pool, nor more than it can use.
func connsPerProcess(need Count, pools []Pool) Count {
	if !need.Known {
		return Count{Reason: need.Reason}
	}
	c := Count{Known: true}
	for _, pool := range pools {
		switch {
		case !pool.Known:
			return Count{Reason: "a pool cannot be read"}
		case pool.Unlimited:
			c = addCount(c, need.N)
		default:
			c = addCount(c, min(pool.Size, need.N))
		}
	}
	return c
}

// times multiplies two counts; zero of anything is zero, even unknown.
func mulCount(a, b Count) Count {
	if (a.Known && a.N == 0) || (b.Known && b.N == 0) {
		return Count{Known: true}
	}
	if !a.Known {
		return Count{Reason: a.Reason}
	}
	if !b.Known {
		return Count{Reason: b.Reason}
	}
	n, sat := SatMul(a.N, b.N)
	return Count{N: n, Known: true, Saturated: sat || a.Saturated || b.Saturated}
}

// addCount is c + n, saturating (SatAdd).
func addCount(c Count, n int) Count {
	var sat bool
	c.N, sat = SatAdd(c.N, n)
	c.Saturated = c.Saturated || sat
	return c
}

// bouncerSide is how p's line reaches PgBouncer.
type bouncerSide struct {
	wrapper string   // "" when the line runs no PgBouncer
	urlVars []string // the URLs it rewrites
	unknown string   // why it cannot be told (enabled, URLs)
}

// budgetBouncer reads the buildpack's switches for p (facts 8.4). The
// pool mode does not matter here: in every mode PgBouncer opens at most
// default_pool_size + reserve_pool_size server connections per database.
func (a *App) budgetBouncer(p *Process) bouncerSide {
	if p.Entry == nil {
		return bouncerSide{}
	}
	wrapper := lineWrapper(p)
	if wrapper == "" {
		return bouncerSide{}
	}
	if en := a.buildpackVar(p, pgbEnabledVar); en.Name != "" {
		if !en.Known {
			return bouncerSide{wrapper: wrapper, unknown: "whether PgBouncer runs (" + en.Describe() + ") cannot be told"}
		}
		if !buildpackEnabled(en.Value) {
			return bouncerSide{}
		}
	}
	side := bouncerSide{wrapper: wrapper, urlVars: []string{buildpackDefaultURLs}}
	if u := a.buildpackVar(p, pgbURLsVar); u.Name != "" {
		if !u.Known {
			return bouncerSide{wrapper: wrapper, unknown: "which URLs PgBouncer serves (" + u.Describe() + ") cannot be told"}
		}
		if f := strings.Fields(u.Value); len(f) > 0 {
			side.urlVars = f
		}
	}
	return side
}

// bouncerUse caps one dyno's demand at the buildpack's pool sizes.
func (a *App) bouncerUse(p *Process, wrapper, urlVar string, perDyno, perProcess Count) *BouncerUse {
	b := &BouncerUse{Wrapper: wrapper, URLVar: urlVar}
	b.DefaultPool = a.buildpackSize(p, "PGBOUNCER_DEFAULT_POOL_SIZE", 1)
	b.ReservePool = a.buildpackSize(p, "PGBOUNCER_RESERVE_POOL_SIZE", 1)
	if !b.DefaultPool.Known || !b.ReservePool.Known {
		b.PerDyno = unknownCount("PgBouncer's pool sizes cannot be read")
		return b
	}
	limit, _ := SatAdd(b.DefaultPool.N, b.ReservePool.N)
	demand := mulCount(perDyno, perProcess)
	if demand.Known {
		b.PerDyno = countOf(min(demand.N, limit), "the dyno's demand "+strconv.Itoa(demand.N)+" capped at default_pool_size + reserve_pool_size = "+strconv.Itoa(limit))
		return b
	}
	// The clients' demand is unknown, but PgBouncer never opens more.
	b.PerDyno = assumedCount(limit, "at most default_pool_size + reserve_pool_size = "+strconv.Itoa(limit)+" (the dyno's own demand cannot be read)")
	return b
}

// buildpackSize reads a numeric buildpack variable, else its default.
func (a *App) buildpackSize(p *Process, name string, def int) Count {
	v := a.buildpackVar(p, name)
	if v.Name == "" {
		return assumedCount(def, "the buildpack's default ("+name+" unset; facts 8.4)")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	if !v.Known || err != nil || n < 0 {
		return Count{Reason: v.Describe() + " is not a number poollint can read", Span: v.Span}
	}
	return Count{N: n, Known: true, Source: v.Describe(), Span: v.Span}
}

// providedVars records the URL variables the platform sets: those in an
// environment, in app.json's env, attached by an app.json add-on, or
// rewritten by the PgBouncer buildpack. A config that Rails would merge
// such a URL into is keyed by the variable.
func (bb *budgetBuilder) providedVars() {
	a := bb.app
	bb.provided = map[string]bool{}
	for _, p := range a.Processes {
		for k, v := range p.Env.Vars {
			if strings.HasSuffix(k, "_URL") && v != "" {
				bb.provided[k] = true
			}
		}
		if side := a.budgetBouncer(p); side.wrapper != "" {
			for _, v := range side.urlVars {
				bb.provided[v] = true
			}
		}
	}
	if a.AppJSON != nil {
		for k := range a.AppJSON.Env {
			if strings.HasSuffix(k, "_URL") {
				bb.provided[k] = true
			}
		}
		for _, at := range a.postgresAttachments() {
			if at.urlVar != "" {
				bb.provided[at.urlVar] = true
			}
		}
	}
}

// server returns the server db connects to from p, creating it on first
// use. A replica usually has a URL of its own, so it counts on its own;
// one that points at the very URL or host of another config is that same
// database, and its connections land there.
func (bb *budgetBuilder) server(db *DatabaseConfig, p *Process) *DatabaseServer {
	key, name, urlVar := bb.app.serverKey(db, p, bb.provided)
	replica := db.Replica
	s := bb.servers[key]
	if s == nil {
		s = &DatabaseServer{Key: key, Name: name, URLVar: urlVar, Replica: true}
		bb.servers[key] = s
		bb.order = append(bb.order, s)
	}
	s.Replica = s.Replica && replica
	if db.Primary && !replica {
		s.Primary = true
	}
	if !slices.Contains(s.Configs, db.Describe()) {
		s.Configs = append(s.Configs, db.Describe())
	}
	return s
}

// serverKey identifies the database db reaches: the URL variable it reads
// (an explicit url: key, or the DATABASE_URL / NAME_DATABASE_URL Rails
// merges in when the platform sets it; facts 10), else its
// host/port/database, else the config itself.
func (a *App) serverKey(db *DatabaseConfig, p *Process, provided map[string]bool) (key, name, urlVar string) {
	env := a.EnvOf(p)
	if db.URL != nil && a.Versions.RailsAtLeast("4.1.0") {
		v, ok := urlKeyVar(db.URL.Value)
		switch {
		case ok && v != "":
			return "$" + v, v, v
		case ok:
			if r := db.URL.Value.EvalRaw(env); r.Kind == RStr {
				if k, ok := urlServerKey(r.Str); ok {
					return k, k, ""
				}
			}
		}
		return "config " + db.Describe(), db.Describe(), ""
	}
	if v, ok := a.urlVarOf(db); ok && v != "" && provided[v] {
		return "$" + v, v, v
	}
	if k, ok := hostServerKey(db, env); ok {
		return k, k, ""
	}
	if db.Primary {
		// No database key: Rails connects with DATABASE_URL or not at all.
		return "$DATABASE_URL", "DATABASE_URL", "DATABASE_URL"
	}
	return "config " + db.Describe(), db.Describe(), ""
}

// urlServer keys a literal URL by host:port/database.
func urlServerKey(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	return serverLabel(u.Hostname(), u.Port(), strings.TrimPrefix(u.Path, "/")), true
}

// hostServer keys a config by its host, port and database keys.
func hostServerKey(db *DatabaseConfig, env Env) (string, bool) {
	str := func(s *Setting) (string, bool) {
		if s == nil {
			return "", true
		}
		r := s.Value.EvalRaw(env)
		switch r.Kind {
		case RStr:
			return r.Str, true
		case RInt:
			return strconv.Itoa(r.Int), true
		case RNil:
			return "", true
		}
		return "", false
	}
	database, ok1 := str(db.Database)
	host, ok2 := str(db.Host)
	port, ok3 := str(db.Port)
	if !ok1 || !ok2 || !ok3 || database == "" {
		return "", false
	}
	return serverLabel(host, port, database), true
}

func serverLabel(host, port, database string) string {
	if host == "" {
		host = "localhost"
	}
	if port != "" {
		host += ":" + port
	}
	return host + "/" + database
}
