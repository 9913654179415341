package rails

import (
	"sort"
	"strconv"
	"strings"

	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
)

// This file is the connection budget of the whole formation (RULES.md
// connections-exceed-limit, seed 001's "contas de padeiro"): for every
// process type, dynos x processes per dyno x connections per process,
// summed per database server and set against that server's limit. It
// decides nothing: the rule compares, and package budget prints it.
//
// Numbers the budget cannot read make their row "not counted": a server's
// Total is then a lower bound (Complete is false), which is still safe to
// compare against a limit in one direction.

// Count is one number of the budget and where it comes from.
type Count struct {
	N       int
	Known   bool
	Source  string      // "app.json formation.web", "workers in config/puma.rb"
	Span    parser.Span // where it is written; zero for a default
	Assumed bool        // a default or an assumption: the budget notes it
	Ranged  bool        // the top of a range the platform scales within: the budget notes it
	Unset   []string    // variables whose written defaults decided it
	Reason  string      // why it is unknown
	// Saturated: the arithmetic behind N overflowed int64 and stopped at
	// its top (SatMul): N is a lower bound.
	Saturated bool
}

func countOf(n int, source string) Count { return Count{N: n, Known: true, Source: source} }

func assumedCount(n int, source string) Count {
	return Count{N: n, Known: true, Assumed: true, Source: source}
}

func unknownCount(reason string) Count { return Count{Reason: reason} }

// Budget is the connection arithmetic of the formation.
type Budget struct {
	// Deployment names the deployment counted ("config/deploy.yml",
	// "Procfile"; "" for processes implied by the app's files), and Unit
	// what it calls one copy of a process ("host", "dyno").
	Deployment string
	Unit       string
	Rows       []*BudgetRow
	Servers    []*DatabaseServer // in order of first use; the primary's first
	Redis      *RedisBudget      // nil when no process runs Sidekiq
	// Excluded are the process types left out (release), with why.
	Excluded []Excluded
	// Notes explain every assumed or unknown number, row by row, then the
	// limits, then what the budget never counts.
	Notes []Note
}

// BudgetRow is one process type (or one Solid Queue worker entry of it).
type BudgetRow struct {
	Process *Process
	Name    string // the process name; "jobs worker 2" for a Solid Queue entry
	Kind    ProcessKind
	Dynos   Count
	PerDyno Count // processes per dyno: Puma workers, Unicorn worker_processes, ...
	Threads Count // threads per process that may check out a connection
	// Need is how many connections one process can use per database
	// config before its pool caps them: threads (Puma, Sidekiq), 1
	// (Unicorn), threads + 2 (Solid Queue), threads + 3 (GoodJob).
	Need Count
	Uses []*ServerUse // one per database server the process connects to
	// QueueOnly: the process touches Solid Queue's database only (a
	// supervisor or dispatcher runs no job).
	QueueOnly bool
	// Worker: a Solid Queue worker process (the processes a role's
	// description counts).
	Worker bool
}

// ServerUse is what one row opens on one database server.
type ServerUse struct {
	Row     *BudgetRow
	Server  *DatabaseServer
	Configs []*DatabaseConfig
	Pools   []Pool // per config
	// PerProcess is the client-side connections of one process: the sum
	// over its configs on this server of min(pool, need).
	PerProcess Count
	Bouncer    *BouncerUse // nil when the process connects directly
	Total      Count       // connections the row opens on the server
}

// BouncerUse is the Heroku PgBouncer buildpack between one row and a
// server (facts 8.4): PgBouncer runs once per dyno and opens at most
// default_pool_size + reserve_pool_size server connections per database
// it serves, whatever the clients' pools.
type BouncerUse struct {
	Wrapper     string // bin/start-pgbouncer...
	URLVar      string // the URL the buildpack rewrites for this server
	DefaultPool Count  // PGBOUNCER_DEFAULT_POOL_SIZE, default 1
	ReservePool Count  // PGBOUNCER_RESERVE_POOL_SIZE, default 1
	// PerDyno is the server connections of one dyno: the clients' demand
	// capped at DefaultPool + ReservePool.
	PerDyno Count
}

// DatabaseServer is one database the formation connects to. Configs that
// point at the same database (the same URL variable, or the same
// host/port/database) count together; a replica, reached by a URL of its
// own, counts on its own.
type DatabaseServer struct {
	Key     string
	Name    string   // "DATABASE_URL", "db.internal:5432/app", "production.cache"
	URLVar  string   // the URL variable it is reached by, when keyed by one
	Configs []string // the configs on it: "production", "production.cache"
	Primary bool     // the primary config of an environment is on it
	Replica bool     // every config on it is a replica
	Uses    []*ServerUse

	Total    int  // connections counted
	Complete bool // every row was counted: Total is exact, not a lower bound
	Limit    Limit
}

// Limit is the most connections a server accepts, and where that comes
// from.
type Limit struct {
	N          int
	Known      bool
	Source     string // "heroku-postgresql:standard-0 in app.json", "declared max_connections"
	Plan       string // "standard-0" when it comes from a plan
	Unverified bool   // facts 9.1 marks the value ⚠
	Declared   bool   // .poollint.yml database: or --max-connections
	Span       parser.Span
	Note       string // caveats: unverified value, plan not in the table
}

// Headroom is how many more connections the server accepts; ok is false
// when the limit is unknown or the total is only a lower bound.
func (s *DatabaseServer) Headroom() (n int, ok bool) {
	if !s.Limit.Known || !s.Complete {
		return 0, false
	}
	return s.Limit.N - s.Total, true
}

// Exceeds reports whether the counted connections alone pass the limit.
func (s *DatabaseServer) Exceeds() bool {
	return s.Limit.Known && s.Limit.N > 0 && s.Total > s.Limit.N
}

// Tight reports whether the counted connections reach 80% of the limit
// without passing it: a deploy (Heroku preboot, a Unicorn USR2 restart)
// briefly runs old and new web processes side by side.
func (s *DatabaseServer) Tight() bool {
	if !s.Limit.Known || s.Limit.N <= 0 || s.Exceeds() {
		return false
	}
	five, _ := SatMul(s.Total, 5)
	four, _ := SatMul(s.Limit.N, 4)
	return five >= four
}

// WebTotal is what the web server rows (Puma, Unicorn) open on the server:
// the connections that double while a deploy overlaps old and new.
func (s *DatabaseServer) WebTotal() int {
	n := 0
	for _, u := range s.Uses {
		if (u.Row.Kind == PumaProcess || u.Row.Kind == UnicornProcess) && u.Total.Known {
			n, _ = SatAdd(n, u.Total.N)
		}
	}
	return n
}

// Excluded is a process type the budget leaves out.
type Excluded struct {
	Name string
	Why  string
}

// Note explains one number; Subject is the row ("web"), "limit", "redis"
// or "" for the whole budget.
type Note struct {
	Subject string
	Text    string
}

// Budget computes the connection budget of the formation.
func (a *App) Budget() Budget {
	return a.budgetOf(a.Processes, "", "dyno")
}

// budgetOf computes the budget of some of the app's processes: one
// deployment's (capacity_deploy.go).
func (a *App) budgetOf(processes []*Process, deployment, unit string) Budget {
	bb := &budgetBuilder{app: a, servers: map[string]*DatabaseServer{}, b: Budget{Deployment: deployment, Unit: unit}, platform: deploymentPlatform(processes)}
	bb.providedVars()
	for _, p := range processes {
		if why, out := a.excludedFromBudget(p); out {
			bb.b.Excluded = append(bb.b.Excluded, Excluded{Name: p.Name, Why: why})
			continue
		}
		for _, row := range a.budgetRows(p) {
			bb.addRow(row)
		}
	}
	if unit == "dyno" {
		bb.noteFormationLeftovers()
	}
	// The primary's server leads: the declared limit is its limit.
	sort.SliceStable(bb.order, func(i, j int) bool { return bb.order[i].Primary && !bb.order[j].Primary })
	for _, s := range bb.order {
		bb.total(s)
		s.Limit = a.serverLimit(s, unit == "dyno")
		if s.Limit.Note != "" {
			bb.note("limit", s.Name+": "+s.Limit.Note)
		}
	}
	bb.b.Servers = bb.order
	bb.b.Redis = a.redisBudget(bb.b.Rows, unit == "dyno")
	if bb.b.Redis != nil {
		bb.b.Notes = append(bb.b.Notes, bb.b.Redis.notes...)
	}
	bb.generalNotes()
	return bb.b
}

type budgetBuilder struct {
	app      *App
	b        Budget
	platform deploy.Platform // 0: Heroku (a Procfile, implied processes)
	servers  map[string]*DatabaseServer
	order    []*DatabaseServer
	provided map[string]bool // URL variables the platform sets
	seen     map[Note]bool   // notes already written
}

func (bb *budgetBuilder) note(subject, text string) {
	if bb.seen == nil {
		bb.seen = map[Note]bool{}
	}
	key := Note{Subject: subject, Text: text}
	if bb.seen[key] {
		return
	}
	bb.seen[key] = true
	bb.b.Notes = append(bb.b.Notes, Note{Subject: subject, Text: text})
}

// excludedFromBudget leaves out a release step. Heroku runs the
// Procfile's release process once per deploy in a one-off dyno, like
// `heroku run` and Scheduler jobs, which have no Procfile line at all (a
// formation that names it brings it back); a deployment file's release
// step (Fly's release_command) says how it runs. A role another platform
// merely names release runs as any other.
func (a *App) excludedFromBudget(p *Process) (string, bool) {
	if p.Role != nil {
		return p.Role.OncePerDeploy, p.Role.OncePerDeploy != ""
	}
	if p.Name != "release" {
		return "", false
	}
	if d := a.dynosOf(p.Name); d.Known && !d.Assumed {
		return "", false
	}
	return "runs once per deploy in a one-off dyno", true
}

// addRow places the row's connections on their servers and notes every
// assumed or unknown number.
func (bb *budgetBuilder) addRow(row *BudgetRow) {
	bb.b.Rows = append(bb.b.Rows, row)
	unit := row.Process.CopyUnit()
	bb.noteCount(row.Name, unit+"s", row.Dynos)
	bb.noteCount(row.Name, "processes per "+unit, row.PerDyno)
	bb.noteCount(row.Name, "threads", row.Threads)
	if row.Need.Known && row.Need.N != row.Threads.N && row.Need.Source != "" {
		bb.note(row.Name, "connections per process: "+row.Need.Source)
	}
	for _, u := range bb.app.serverUses(row, bb) {
		u.Row = row
		row.Uses = append(row.Uses, u)
		u.Server.Uses = append(u.Server.Uses, u)
		for i, pool := range u.Pools {
			bb.notePool(row.Name, u.Configs[i], pool)
		}
		if u.Bouncer != nil {
			bb.noteCount(row.Name, "PgBouncer default_pool_size", u.Bouncer.DefaultPool)
			bb.noteCount(row.Name, "PgBouncer reserve_pool_size", u.Bouncer.ReservePool)
			bb.noteCount(row.Name, "PgBouncer server connections per dyno", u.Bouncer.PerDyno)
		}
		if u.Total.Saturated {
			bb.note(row.Name, "connections to "+u.Server.Name+": "+SaturatedNote)
		}
		if !u.Total.Known && u.Total.Reason != "" {
			bb.note(row.Name, "connections to "+u.Server.Name+" not counted: "+u.Total.Reason)
		}
	}
}

func (bb *budgetBuilder) noteCount(subject, what string, c Count) {
	switch {
	case !c.Known && c.Reason != "":
		bb.note(subject, what+" unknown: "+c.Reason)
	case !c.Known:
	case c.Assumed:
		bb.note(subject, what+" "+strconv.Itoa(c.N)+": "+c.Source+unsetNote(c.Unset))
	case len(c.Unset) > 0, c.Ranged:
		bb.note(subject, what+" "+strconv.Itoa(c.N)+": "+c.Source+unsetNote(c.Unset))
	}
}

func (bb *budgetBuilder) notePool(subject string, db *DatabaseConfig, pool Pool) {
	switch {
	case !pool.Known:
		reason := pool.Reason
		if reason == "" {
			reason = "it cannot be read"
		}
		bb.note(subject, db.Describe()+" pool unknown: "+reason)
	case pool.Unlimited:
		bb.note(subject, db.Describe()+" pool has no limit (Rails >= 8.1 "+pool.Key+" nil or negative): the threads decide")
	case pool.Default:
		bb.note(subject, db.Describe()+" pool "+strconv.Itoa(pool.Size)+": Active Record's default (facts 1.1)")
	case len(pool.Unset) > 0:
		bb.note(subject, db.Describe()+" pool "+strconv.Itoa(pool.Size)+": "+pool.Source()+unsetNote(pool.Unset))
	}
}

// withUnset renders " (with X, Y unset: their written defaults apply)".
func unsetNote(names []string) string {
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, "\x00") {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return ""
	}
	sort.Strings(out)
	out = uniqSorted(out)
	return " (with " + strings.Join(out, ", ") + " unset: the written default applies)"
}

func uniqSorted(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// total sums what the server's rows open; a row that cannot be counted
// makes the total a lower bound.
func (bb *budgetBuilder) total(s *DatabaseServer) {
	s.Complete = true
	for _, u := range s.Uses {
		if !u.Total.Known {
			s.Complete = false
			continue
		}
		var sat bool
		s.Total, sat = SatAdd(s.Total, u.Total.N)
		if sat || u.Total.Saturated {
			// The sum stopped at the top of the range: a lower bound, and
			// "at least" in every message, as for a row not counted.
			s.Complete = false
			bb.note("", "the connections to "+s.Name+" are "+SaturatedNote)
		}
	}
}

// noteFormationLeftovers notes dyno counts given for process types no
// process runs: a typo in .poollint.yml, or a Procfile line gone.
func (bb *budgetBuilder) noteFormationLeftovers() {
	a := bb.app
	names := map[string]bool{}
	for _, p := range a.Processes {
		names[p.Name] = true
	}
	var extra []string
	if a.AppJSON != nil {
		for name := range a.AppJSON.Formation {
			if !names[name] {
				extra = append(extra, "app.json formation."+name)
			}
		}
	}
	for name := range a.Declared.Formation {
		if !names[name] {
			extra = append(extra, "the declared formation's "+name)
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		bb.note("", e+" names no process of the app: ignored")
	}
}

// generalNotes says what the budget never counts.
func (bb *budgetBuilder) generalNotes() {
	a := bb.app
	bb.platformNotes()
	if a.Octopus != nil {
		if active, _ := a.Octopus.ActiveIn(a.RailsEnv); active {
			bb.note("", "ar-octopus shards open pools of their own to other servers; they are not counted")
		}
	}
	for _, r := range bb.b.Rows {
		if r.Kind == SolidQueueProcess || (r.Kind == PumaProcess && a.SolidQueueInPuma(r.Process)) {
			bb.note("", "Solid Queue's scheduler, which runs only when recurring tasks are configured, holds connections too and is not counted (facts 6.1)")
			break
		}
	}
}

// Formula is the arithmetic of one use, for messages and tables:
// "10 dynos × 2 processes × 5 = 100", or behind PgBouncer
// "10 dynos × 2 server connections through PgBouncer = 20"; "?" stands
// for what is unknown.
func (u *ServerUse) Formula() string {
	num := func(c Count) string {
		if !c.Known {
			return "?"
		}
		return strconv.Itoa(c.N)
	}
	plural := func(c Count, one, many string) string {
		if c.Known && c.N == 1 {
			return num(c) + " " + one
		}
		return num(c) + " " + many
	}
	r := u.Row
	unit := r.Process.CopyUnit()
	var s string
	if u.Bouncer != nil {
		s = plural(r.Dynos, unit, unit+"s") + " × " + num(u.Bouncer.PerDyno) + " server connections through PgBouncer"
	} else {
		s = plural(r.Dynos, unit, unit+"s") + " × " + plural(r.PerDyno, "process", "processes") + " × " + num(u.PerProcess)
	}
	return s + " = " + num(u.Total)
}
