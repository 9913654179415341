package rails

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// DefaultPool is Active Record's pool size when none is set, in every
// version (facts 1.1).
const DefaultPool = 5

// Pool is the size of the Active Record pool one process gets for one
// database config, and where that size comes from.
type Pool struct {
	Size      int
	Known     bool
	Unlimited bool     // Rails >= 8.1: max_connections nil or negative
	Setting   *Setting // the key that sets it; nil when the default applies
	Key       string   // "pool", "max_connections", "DATABASE_URL ?pool=", ...
	Default   bool     // no setting: Active Record's default 5
	Override  *Value   // set by an initializer (Sidekiq.configure_server ...)
	Unset     []string // variables whose written defaults applied
	Reason    string   // why it is unknown
	Span      parser.Span
}

// Source describes where the pool comes from, for messages.
func (p Pool) Source() string {
	switch {
	case p.Override != nil:
		return "set by establish_connection at " + spanRef(p.Override.Span)
	case p.Default:
		return "Active Record's default"
	case p.Key == "DATABASE_URL ?pool=":
		return "?pool= in DATABASE_URL"
	}
	return p.Key + " at " + spanRef(p.Span)
}

func spanRef(s parser.Span) string {
	return s.File + ":" + strconv.Itoa(s.Start.Line)
}

// PoolOf evaluates the pool of db in process p (RULES.md "pool P").
func (a *App) PoolOf(db *DatabaseConfig, p *Process) Pool {
	m := a.memoOf(p)
	if m == nil {
		return a.poolOf(db, p)
	}
	if pool, ok := m.pools[db]; ok {
		return pool
	}
	pool := a.poolOf(db, p)
	pool.Unset = slices.Clip(pool.Unset) // a caller's append copies
	if m.pools == nil {
		m.pools = map[*DatabaseConfig]Pool{}
	}
	m.pools[db] = pool
	return pool
}

func (a *App) poolOf(db *DatabaseConfig, p *Process) Pool {
	env := a.bootEnvOf(p, a.EnvOf(p)) // database.yml is read after Rails boots
	if p.Kind == SidekiqProcess && db.Primary && a.Sidekiq != nil && a.Sidekiq.PoolOverride != nil {
		ov := a.Sidekiq.PoolOverride
		c := a.SidekiqConcurrency(p)
		if c.Known {
			env.SidekiqConcurrency = c.Max
		}
		r := ov.Eval(env)
		pool := Pool{Override: ov, Span: ov.Span, Unset: r.Unset, Key: "establish_connection"}
		return finishPool(pool, r, a.Versions)
	}
	if ov := a.initializerPool(db, p); ov != nil {
		c := a.SidekiqConcurrency(p)
		if c.Known {
			env.SidekiqConcurrency = c.Max
		}
		r := ov.Eval(env)
		return finishPool(Pool{Override: ov, Span: ov.Span, Unset: r.Unset, Key: "establish_connection"}, r, a.Versions)
	}
	if c := a.workerBootConfig(p); c != nil && db.Primary {
		// The workers' pool is whatever that config says: not evaluated,
		// so the sizing rules stay silent rather than judge database.yml's.
		return Pool{Span: c.Span, Reason: "the workers re-establish Active Record with their own config (`" + c.Text + "` at " + spanRef(c.Span) + ")"}
	}
	rails81 := a.Versions.RailsAtLeast("8.1.0")
	if pool, ok := a.urlPool(db, p, env, rails81); ok {
		return pool
	}
	if pool, ok := a.urlKeyPool(db, env, rails81); ok {
		return pool
	}
	setting, key := db.Pool, "pool"
	if rails81 && db.MaxConnections != nil {
		setting, key = db.MaxConnections, "max_connections"
	}
	if setting == nil {
		return Pool{Size: DefaultPool, Known: true, Default: true, Span: db.KeySpan, Key: key}
	}
	r := setting.Value.Eval(env)
	pool := Pool{Setting: setting, Key: key, Span: setting.ValueSpan, Unset: r.Unset}
	if r.Kind == RNil {
		if rails81 {
			// 8.1 fetches the key, gets nil, and means "no limit" (facts 2a).
			pool.Known, pool.Unlimited = true, true
			return pool
		}
		pool.Size, pool.Known, pool.Default = DefaultPool, true, false
		return pool
	}
	return finishPool(pool, r, a.Versions)
}

func finishPool(pool Pool, r Result, v Versions) Pool {
	switch r.Kind {
	case RInt:
		pool.Size, pool.Known = r.Int, true
		if r.Int < 0 && v.RailsAtLeast("8.1.0") {
			pool.Unlimited = true
		}
	case RNil:
		pool.Size, pool.Known = DefaultPool, true
	default:
		pool.Reason = r.Reason
	}
	return pool
}

// urlPool applies DATABASE_URL (or NAME_DATABASE_URL) query parameters the
// way the locked Rails merges them (facts section 10).
func (a *App) urlPool(db *DatabaseConfig, p *Process, env Env, rails81 bool) (Pool, bool) {
	varName := "DATABASE_URL"
	if !db.Primary {
		varName = strings.ToUpper(db.Name) + "_DATABASE_URL"
	}
	raw, ok := env.Lookup(varName)
	if !ok || raw == "" {
		return Pool{}, false
	}
	if a.Versions.RailsAtLeast("4.1.0") && db.URL != nil {
		return Pool{}, false // an explicit url: key wins over DATABASE_URL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Pool{}, false
	}
	q := u.Query()
	keys := []string{"pool"}
	if rails81 {
		keys = []string{"max_connections", "pool"}
		if db.MaxConnections != nil {
			keys = []string{"max_connections"} // ?pool= loses to max_connections in the yml
		}
	}
	for _, k := range keys {
		if s := q.Get(k); s != "" {
			n, _ := strconv.Atoi(s)
			span := p.Span
			if dv, ok := p.DeploymentVar(varName); ok {
				span = dv.Span // the URL as the deployment file writes it
			}
			return Pool{Size: n, Known: true, Key: "DATABASE_URL ?" + k + "=", Span: span}, true
		}
	}
	if !a.Versions.RailsAtLeast("4.1.0") {
		// Rails 3.2 and 4.0 connect with the URL alone: database.yml's pool is not used.
		return Pool{Size: DefaultPool, Known: true, Default: true, Span: db.KeySpan, Key: "pool"}, true
	}
	return Pool{}, false
}

// urlKeyPool applies the query of database.yml's own `url:` key, which
// wins over the file's pool key on Rails 4.1+ (facts section 10). A URL
// read from an environment variable poollint does not know follows the
// DATABASE_URL convention (no ?pool= assumed); a URL computed by Ruby
// poollint cannot run (`<%= Settings.database_url %>`) may carry one, so
// the pool is unknown and the sizing rules stay silent.
func (a *App) urlKeyPool(db *DatabaseConfig, env Env, rails81 bool) (Pool, bool) {
	if db.URL == nil || !a.Versions.RailsAtLeast("4.1.0") {
		return Pool{}, false
	}
	r := db.URL.Value.EvalRaw(env)
	switch r.Kind {
	case RStr:
		keys := []string{"pool"}
		if rails81 {
			keys = []string{"max_connections", "pool"}
			if db.MaxConnections != nil {
				keys = []string{"max_connections"}
			}
		}
		for _, k := range keys {
			if q, ok := urlParam(strings.TrimSpace(r.Str), k); ok {
				n, err := strconv.Atoi(q)
				if err != nil {
					return Pool{Span: db.URL.ValueSpan, Reason: "?" + k + "= in the url: key is not a number"}, true
				}
				return Pool{Size: n, Known: true, Key: "?" + k + "= in the url: key", Span: db.URL.ValueSpan, Unset: r.Unset}, true
			}
		}
	case RUnknown:
		if !configObjectURL.MatchString(db.URL.Raw) || strings.Contains(db.URL.Raw, "ENV") {
			return Pool{}, false
		}
		return Pool{Span: db.URL.ValueSpan, Reason: "the url: key is `" + strings.TrimSpace(db.URL.Raw) + "`, which poollint cannot evaluate; a ?pool= in that URL would set the pool"}, true
	}
	return Pool{}, false
}

// configObjectURL matches a url: read from a configuration object
// (`<%= Settings.database_url %>`, `<%= Rails.application.credentials.dig(:db, :url) %>`,
// `<%= AppConfig[:database_url] %>`): a value poollint has no way to read,
// unlike a URL derived from the environment, which follows the
// DATABASE_URL convention.
var configObjectURL = regexp.MustCompile(`^\s*<%=\s*[A-Z]\w*(?:::\w+)*\s*[.\[]`)

// initializerPool returns the pool a ?pool= glued onto the URL in
// Sidekiq.configure_server sets for the Sidekiq process: always when the
// glued URL is passed to establish_connection; on Rails < 4.1 when it is
// stored in ENV["DATABASE_URL"] before a bare establish_connection (that
// call re-reads it); on 4.1+ only if Active Record had not built its
// configurations yet, which poollint can rarely be sure of: then the pool
// is unknown and the sizing rules stay silent rather than guess.
func (a *App) initializerPool(db *DatabaseConfig, p *Process) *Value {
	if p.Kind != SidekiqProcess || !db.Primary {
		return nil
	}
	var found *Value
	for _, in := range a.Initializers {
		if in.Kind != GluedPoolURL || !in.SidekiqServer || in.Pool == nil || in.Connect.IsZero() {
			continue
		}
		switch {
		case !in.ConnectBare:
			found = in.Pool
		case in.EnvVar != "DATABASE_URL":
		case !a.Versions.RailsAtLeast("4.1.0"):
			found = in.Pool
		case !a.ActiveRecordLoadedBefore(in):
			found = Unknown("the pool depends on whether Active Record built its configuration before "+in.File+" changed DATABASE_URL", in.Glue, in.GlueText)
		}
	}
	return found
}
