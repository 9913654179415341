package rules

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// This file builds the "raise the pool" fix the pool-sizing rules share
// (RULES.md puma-threads-exceed-pool): if the pool already reads a
// variable, keep it and raise only its written default; else if the
// threads read a variable V with default d, write the pool as
// `<%= ENV.fetch("V") { d } %>`; else write the number. The pool is edited
// where it is defined (the anchor it is merged from, if it lives there),
// or a key is added to the config. Every candidate is evaluated in the
// environment of every process that reads the pool and is kept only if it
// covers what each one needs and lowers none of them.

// poolTarget is one written pool a fix may change.
type poolTarget struct {
	Label string // for descriptions: "the production pool", `the pool of shard "slave1"`
	Owner string // what a key is added to: "the production config", `shard "slave1"`

	Value *rails.Value // the pool expression as written; nil when there is no key
	Span  parser.Span  // the whole written value (a YAML scalar, ERB tag included)
	// Twin is `pool` beside `max_connections` on Rails >= 8.1: the two must
	// stay equal or Rails refuses to boot, so it gets the same edit.
	Twin *rails.Setting
	Raw  string // the written value's text, to compare with Twin

	// Where a key is added when there is none.
	Doc     *parser.YAMLDoc
	Mapping *yaml.Node
	AddKey  string // "pool" or "max_connections"
}

// poolDemand is what one process that reads the pool needs of it.
type poolDemand struct {
	Env      rails.Env
	Min      int  // connections the process needs; 0 when unknown
	Old      int  // the pool it has today
	OldKnown bool // Old is known: the fix must not lower it
}

// tieVar is the variable the threads read, and its written default.
type tieVar struct {
	Name    string
	Default int
}

// raisePool returns the fix that makes t cover every demand, or nil when
// no edit can (the pool reads a variable whose default does not decide it,
// the mapping is a flow mapping...).
func raisePool(t poolTarget, demands []poolDemand, tie *tieVar) *Fix {
	need := 0
	for _, d := range demands {
		need = max(need, d.Min)
	}
	if need <= 0 {
		return nil
	}
	if t.Twin != nil && strings.TrimSpace(t.Twin.Raw) != strings.TrimSpace(t.Raw) {
		return nil // keeping pool and max_connections equal is not a one-place edit
	}
	if t.Value != nil && len(t.Value.Vars()) > 0 {
		return raiseDefault(t, demands, need)
	}
	if tie != nil {
		cand := &rails.Value{Op: rails.OpEnv, Str: tie.Name, Style: rails.EnvFetch,
			Args: []*rails.Value{{Op: rails.OpInt, Int: tie.Default}}}
		if covers(cand, demands) {
			q := quoteStyle(t)
			text := fmt.Sprintf("<%%= ENV.fetch(%c%s%c) { %d } %%>", q, tie.Name, q, tie.Default)
			if fix := writeValue(t, text, fmt.Sprintf("make %s follow %s (default %d)", t.Label, tie.Name, tie.Default)); fix != nil {
				return fix
			}
		}
	}
	// A number must also keep every pool that is bigger today.
	n := need
	for _, d := range demands {
		if d.OldKnown {
			n = max(n, d.Old)
		}
	}
	if !covers(&rails.Value{Op: rails.OpInt, Int: n}, demands) {
		return nil
	}
	return writeValue(t, strconv.Itoa(n), fmt.Sprintf("raise %s to %d", t.Label, n))
}

// raiseDefault keeps the variable a pool reads and raises the written
// default that decides it: the default of an ENV.fetch or the right side
// of `ENV[...] || d`. A bare `ENV["X"]` (nil, so 5, when unset) gets a
// default: `ENV["X"] || n`.
func raiseDefault(t poolTarget, demands []poolDemand, need int) *Fix {
	for _, leaf := range defaultLeaves(t.Value) {
		// The smallest default that covers every process: in a pool
		// written as a sum (GoodJob's `threads + 1 + 2 + jobs`) the
		// default is one term of several, not the pool itself.
		n, ok := smallestCovering(t.Value, leaf, demands, need)
		if !ok {
			continue
		}
		text := numberLike(leaf.Text, n)
		edits := []fixer.Edit{{File: leaf.Span.File, Start: leaf.Span.Start.Offset, End: leaf.Span.End.Offset, NewText: text}}
		if e, ok := twinEdit(t, leaf.Span, text); ok {
			edits = append(edits, e)
		} else if t.Twin != nil {
			return nil
		}
		name := "its variable"
		if env := t.Value.FirstEnv(); env != nil {
			name = env.Str
		}
		return &Fix{Safe: true, Edits: edits,
			Description: fmt.Sprintf("raise the written default of %s in %s from %s to %d", name, t.Label, strings.Trim(leaf.Text, `"'`), n)}
	}
	root := t.Value
	if root.Op == rails.OpEnv && root.Style == rails.EnvIndex && len(root.Args) == 0 {
		cand := &rails.Value{Op: rails.OpOr, Args: []*rails.Value{root, {Op: rails.OpInt, Int: need}}}
		if covers(cand, demands) {
			text := root.Text + " || " + strconv.Itoa(need)
			edits := []fixer.Edit{{File: root.Span.File, Start: root.Span.Start.Offset, End: root.Span.End.Offset, NewText: text}}
			if e, ok := twinEdit(t, root.Span, text); ok {
				edits = append(edits, e)
			} else if t.Twin != nil {
				return nil
			}
			return &Fix{Safe: true, Edits: edits,
				Description: fmt.Sprintf("default %s to %d in %s", root.Str, need, t.Label)}
		}
	}
	return nil
}

// writeValue replaces the whole written value with text, or adds the key
// with it when there is none.
func writeValue(t poolTarget, text, desc string) *Fix {
	if t.Value == nil {
		edits := AddKey(t.Doc, t.Mapping, t.AddKey, text)
		if len(edits) == 0 {
			return nil
		}
		return &Fix{Safe: true, Edits: edits, Description: fmt.Sprintf("add `%s: %s` to %s", t.AddKey, text, t.Owner)}
	}
	edits := []fixer.Edit{replaceValue(t.Span, text)}
	if t.Twin != nil {
		edits = append(edits, replaceValue(t.Twin.ValueSpan, text))
	}
	return &Fix{Safe: true, Edits: edits, Description: desc}
}

// replaceValue writes text over a scalar's span; an empty (null) value is
// a point right after the colon, so it gets a space first.
func replaceValue(span parser.Span, text string) fixer.Edit {
	if span.End.Offset <= span.Start.Offset {
		text = " " + text
	}
	return fixer.Edit{File: span.File, Start: span.Start.Offset, End: span.End.Offset, NewText: text}
}

// twinEdit repeats an edit made at span inside the target's value at the
// same place inside the twin's identical value.
func twinEdit(t poolTarget, span parser.Span, text string) (fixer.Edit, bool) {
	if t.Twin == nil {
		return fixer.Edit{}, false
	}
	rel := span.Start.Offset - t.Span.Start.Offset
	if rel < 0 || span.File != t.Span.File {
		return fixer.Edit{}, false
	}
	start := t.Twin.ValueSpan.Start.Offset + rel
	return fixer.Edit{File: t.Twin.ValueSpan.File, Start: start, End: start + (span.End.Offset - span.Start.Offset), NewText: text}, true
}

// covers reports whether a candidate pool expression gives every process
// at least what it needs and no less than it has today.
func covers(cand *rails.Value, demands []poolDemand) bool {
	for _, d := range demands {
		r := cand.Eval(d.Env)
		if r.Kind != rails.RInt || r.Int < d.Min || (d.OldKnown && r.Int < d.Old) {
			return false
		}
	}
	return true
}

// defaultLeaves returns the literals of v that are written defaults of a
// variable, in evaluation order.
func defaultLeaves(v *rails.Value) []*rails.Value {
	var out []*rails.Value
	var visit func(n *rails.Value, isDefault bool)
	visit = func(n *rails.Value, isDefault bool) {
		if n == nil {
			return
		}
		switch n.Op {
		case rails.OpInt:
			if isDefault && !n.Span.IsZero() {
				out = append(out, n)
			}
		case rails.OpStr:
			if _, err := strconv.Atoi(strings.TrimSpace(n.Str)); err == nil && isDefault && !n.Span.IsZero() {
				out = append(out, n)
			}
		case rails.OpEnv:
			if len(n.Args) > 0 {
				visit(n.Args[0], true)
			}
		case rails.OpOr:
			visit(n.Args[0], isDefault)
			visit(n.Args[1], true)
		case rails.OpToI, rails.OpInteger, rails.OpPresence, rails.OpIfSidekiq:
			for _, a := range n.Args {
				visit(a, isDefault)
			}
		case rails.OpIf:
			visit(n.Args[1], isDefault)
			visit(n.Args[2], isDefault)
		default:
			for _, a := range n.Args {
				visit(a, false)
			}
		}
	}
	visit(v, false)
	return out
}

// substitute returns a copy of v with the node leaf replaced by n.
func substitute(v, leaf *rails.Value, n int) *rails.Value {
	if v == nil {
		return nil
	}
	if v == leaf {
		return &rails.Value{Op: rails.OpInt, Int: n, Span: v.Span, Text: strconv.Itoa(n)}
	}
	c := *v
	c.Args = make([]*rails.Value, len(v.Args))
	for i, a := range v.Args {
		c.Args[i] = substitute(a, leaf, n)
	}
	return &c
}

// numberLike writes n the way old is written: quoted if old is quoted.
func numberLike(old string, n int) string {
	s := strconv.Itoa(n)
	if q := quoteOf(old); q != 0 {
		return string(q) + s + string(q)
	}
	return s
}

// quoteOf returns the quote a scalar is written in, or 0.
func quoteOf(s string) byte {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[0]
	}
	return 0
}

// quoteStyle picks the quote ENV names are written with in the file.
func quoteStyle(t poolTarget) byte {
	if t.Doc == nil {
		return '"'
	}
	src := t.Doc.File.Src
	single := bytes.Count(src, []byte("ENV.fetch('")) + bytes.Count(src, []byte("ENV['"))
	double := bytes.Count(src, []byte(`ENV.fetch("`)) + bytes.Count(src, []byte(`ENV["`))
	if single > double {
		return '\''
	}
	return '"'
}

// dbPoolTarget is the written pool of a database config: max_connections
// on Rails >= 8.1 when present (with pool as its twin), else pool; a new
// key is max_connections on Rails >= 8.1, pool before.
func dbPoolTarget(app *rails.App, db *rails.DatabaseConfig) poolTarget {
	rails81 := app.Versions.RailsAtLeast("8.1.0")
	t := poolTarget{Label: "the " + db.Describe() + " pool", Owner: "the " + db.Describe() + " config",
		Doc: app.Databases.Doc, Mapping: db.Node, AddKey: "pool"}
	s := db.Pool
	if rails81 {
		t.AddKey = "max_connections"
		if db.MaxConnections != nil {
			s = db.MaxConnections
			t.Twin = db.Pool
		}
	}
	if s != nil {
		t.Value, t.Span, t.Raw = s.Value, s.ValueSpan, s.Raw
	}
	return t
}

// yamlPoolDecides reports whether p's pool for db comes from database.yml
// (its key or the default), so that editing database.yml changes it.
func yamlPoolDecides(app *rails.App, db *rails.DatabaseConfig, p *rails.Process, pool rails.Pool) bool {
	if pool.Override != nil || strings.HasPrefix(pool.Key, "DATABASE_URL") || strings.HasSuffix(pool.Key, "in the url: key") {
		return false // the URL's query wins over any pool key written beside it
	}
	if !app.Versions.RailsAtLeast("4.1.0") {
		// Rails 3.2 and 4.0 connect with DATABASE_URL alone when it is set.
		if v, ok := p.Env.Lookup("DATABASE_URL"); ok && v != "" && db.Primary {
			return false
		}
	}
	return true
}

// connectionsNeeded is how many connections process p needs from db: its
// threads (Puma), concurrency (Sidekiq), largest worker threads + 2 (Solid
// Queue, on its database) or max threads + 3 (an external GoodJob worker,
// on the primary); Unicorn needs 1. ok is false when p does not use db
// that way or its need is unknown.
func connectionsNeeded(app *rails.App, p *rails.Process, db *rails.DatabaseConfig) (int, bool) {
	need, ok := 0, false
	take := func(t rails.Threads, extra int) {
		if t.Known {
			n, _ := rails.SatAdd(t.Max, extra)
			need, ok = max(need, n), true
		}
	}
	sqDB := func() bool {
		q := app.SolidQueueDatabase(p.RailsEnv())
		return q != nil && q.Env == db.Env && q.Name == db.Name
	}
	if n, async := solidQueueAsyncNeed(app, p, db); async {
		// One process runs the supervisor's threads (and, in Puma's single
		// mode, the request threads too).
		take(rails.Threads{Max: n.need, Known: true}, 0)
		if p.Kind == rails.PumaProcess {
			take(app.PumaThreads(p), 0)
		}
		return need, ok
	}
	switch p.Kind {
	case rails.PumaProcess:
		take(app.PumaThreads(p), 0)
		if app.SolidQueueInPuma(p) && sqDB() {
			if mode := app.SolidQueueModeOf(p); mode.Known {
				take(app.SolidQueueThreads(p), 2)
			}
		}
	case rails.SidekiqProcess:
		take(app.SidekiqConcurrency(p), 0)
	case rails.SolidQueueProcess:
		if mode := app.SolidQueueModeOf(p); sqDB() && mode.Known {
			take(app.SolidQueueThreads(p), 2)
		}
	case rails.GoodJobProcess:
		if ext, known := app.GoodJobExternal(p); ext && known && db.Primary {
			take(app.GoodJobThreads(p), 3)
		}
	case rails.UnicornProcess:
		need, ok = 1, true
	}
	return need, ok
}

// dbDemands lists what every process needs of the pool a fix of db's
// target edits, plus at least min for process p (the one the diagnostic
// is about). A pool written in an anchor is shared: every config that
// reads the same written value, in any environment a process runs in,
// counts, so the edit lowers none of them.
func dbDemands(app *rails.App, db *rails.DatabaseConfig, t poolTarget, p *rails.Process, min int) ([]poolDemand, bool) {
	var out []poolDemand
	mine := false
	for _, q := range app.Processes {
		for _, c := range app.Databases.Configs(q.RailsEnv()) {
			if !sharesTarget(app, c, db, t) {
				continue
			}
			pool := app.PoolOf(c, q)
			if !yamlPoolDecides(app, c, q, pool) {
				if q == p && c == db {
					return nil, false
				}
				continue
			}
			if pool.Unlimited {
				continue // an unlimited pool is never lowered by a finite one: leave it out
			}
			d := poolDemand{Env: app.EnvOf(q), Old: pool.Size, OldKnown: pool.Known}
			if n, ok := connectionsNeeded(app, q, c); ok {
				// Another process keeps what it has (never lowered) but its
				// own shortfall is its own finding's to fix: covering it here
				// would size the pool for a need another fix (a Procfile
				// prefix, say) may meet otherwise.
				d.Min = n
				if pool.Known && q != p {
					d.Min = n
					if pool.Size < n {
						d.Min = pool.Size
					}
				}
			}
			if q == p && c.Env == db.Env && c.Name == db.Name {
				d.Min = max(d.Min, min)
				mine = true
			}
			out = append(out, d)
		}
	}
	return out, mine
}

// sharesTarget reports whether config c reads the pool that editing t (the
// target of db) changes: the same written value, or, when a key is to be
// added, the same mapping.
func sharesTarget(app *rails.App, c, db *rails.DatabaseConfig, t poolTarget) bool {
	if c.Env == db.Env && c.Name == db.Name {
		return true
	}
	if t.Value == nil {
		return c.Node == db.Node
	}
	ct := dbPoolTarget(app, c)
	return ct.Value != nil && ct.Span.File == t.Span.File && ct.Span.Start.Offset == t.Span.Start.Offset
}

// tieOf is the variable T reads and the default it takes when the variable
// is unset, when T reads exactly one variable.
func tieOf(t rails.Threads, env rails.Env) *tieVar {
	if t.Value == nil {
		return nil
	}
	vars := t.Value.Vars()
	if len(vars) != 1 {
		return nil
	}
	without := rails.Env{Vars: map[string]string{}, Sidekiq: env.Sidekiq, SidekiqConcurrency: env.SidekiqConcurrency}
	for k, v := range env.Vars {
		if k != vars[0] {
			without.Vars[k] = v
		}
	}
	r := t.Value.Eval(without)
	if r.Kind != rails.RInt || r.Int <= 0 {
		return nil
	}
	return &tieVar{Name: vars[0], Default: r.Int}
}

// poolFix is the raise-the-pool fix for a process whose threads exceed a
// database config's pool; nil when the pool is not set in database.yml
// for that process (DATABASE_URL, an initializer) or no edit covers it.
// With tie, a pool written as a number may instead follow the variable
// the threads read (only when the pool needs exactly the threads).
func poolFix(app *rails.App, o threadsOverPool, min int, tie bool) *Fix {
	if app.Databases == nil || app.Databases.Doc == nil || app.Databases.Sample {
		return nil
	}
	t := dbPoolTarget(app, o.DB)
	demands, ok := dbDemands(app, o.DB, t, o.Process, min)
	if !ok {
		return nil
	}
	var tv *tieVar
	if tie {
		tv = tieOf(o.Threads, app.EnvOf(o.Process))
	}
	return raisePool(t, demands, tv)
}

// procfilePrefixFix is Heroku's pattern for a Sidekiq process whose pool
// reads a variable V (seed 003): set V=C on the worker's Procfile line, so
// only that process gets the bigger pool. nil when the line cannot take
// it or the result would not cover every database config.
func procfilePrefixFix(app *rails.App, o threadsOverPool) *Fix {
	p := o.Process
	// A deployment's command (Kamal cmd:, Compose command:, a Dockerfile
	// CMD) is not run by a shell that takes NAME=value prefixes; its
	// environment is edited where the deployment sets it instead.
	if p.Entry == nil || p.Role != nil || p.Entry.Compound || p.Entry.ParseError != "" || o.Pool.Setting == nil || !yamlPoolDecides(app, o.DB, p, o.Pool) {
		return nil
	}
	first := o.Pool.Setting.Value.FirstEnv()
	if first == nil {
		return nil
	}
	name, c := first.Str, o.Threads.Max
	if !varCoversPools(app, o, name, c) {
		return nil
	}
	assign := name + "=" + strconv.Itoa(c)
	if f := p.ConcurrencyFlag; f != nil && o.Threads.Value == f && len(f.Vars()) > 0 && f.Text != "" {
		// -c ${SIDEKIQ_CONCURRENCY:-10}: the pool follows the same word.
		assign = name + "=" + f.Text
	}
	var e fixer.Edit
	if in, ok := p.Inline[name]; ok {
		e = fixer.Edit{File: in.Span.File, Start: in.Span.Start.Offset, End: in.Span.End.Offset, NewText: assign}
	} else {
		cs := p.Entry.CommandSpan
		e = fixer.Edit{File: cs.File, Start: cs.Start.Offset, End: cs.Start.Offset, NewText: assign + " "}
	}
	return &Fix{Safe: true, Edits: []fixer.Edit{e},
		Description: fmt.Sprintf("set %s on the %q Procfile line, so that process alone gets a pool of %d", assign, p.Name, c)}
}

// varCoversPools reports whether setting name=c for o's process alone
// gives it threads c and a pool of at least c in every database config,
// without shrinking any pool.
func varCoversPools(app *rails.App, o threadsOverPool, name string, c int) bool {
	p := o.Process
	q := *p
	q.Env = rails.Env{Vars: map[string]string{}}
	for k, v := range p.Env.Vars {
		q.Env.Vars[k] = v
	}
	q.Env.Vars[name] = strconv.Itoa(c)
	t2 := app.SidekiqConcurrency(&q)
	if !t2.Known || t2.Max != c {
		return false
	}
	for _, db := range app.Databases.Configs(p.RailsEnv()) {
		before, after := app.PoolOf(db, p), app.PoolOf(db, &q)
		if !after.Known && before.Known {
			return false
		}
		if after.Known && !after.Unlimited && after.Size < c && (db == o.DB || (before.Known && before.Size >= c)) {
			return false
		}
		if after.Known && before.Known && !after.Unlimited && !before.Unlimited && after.Size < before.Size {
			return false
		}
	}
	return true
}
