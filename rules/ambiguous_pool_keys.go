package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// ambiguousPoolKeys follows Rails 8.1's HashConfig#validate_configuration!
// (facts 1.2): `pool` and `max_connections` with different values, or
// `pool` beside `min_connections`, raise "Ambiguous configuration" at boot;
// and a `?pool=` in DATABASE_URL loses to database.yml's max_connections
// without a word (facts 10).
func ambiguousPoolKeys() *Rule {
	return &Rule{
		ID:       "ambiguous-pool-keys",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Rails >= 8.1 refuses to boot on pool/max_connections/min_connections conflicts, or ignores ?pool=",
		Check: func(app *rails.App) []Diagnostic {
			if app.Databases == nil || !app.Versions.RailsAtLeast("8.1.0") {
				return nil
			}
			var out []Diagnostic
			for _, env := range lintedEnvs(app) {
				for _, db := range app.Databases.Configs(env.RailsEnv) {
					out = append(out, ambiguousKeys(app, db, env.Env)...)
					if env.Process != nil {
						if d, ok := ignoredURLPool(db, env.Process); ok {
							out = append(out, d)
						}
					}
				}
			}
			return dedupe(out)
		},
	}
}

// lintedEnv is one environment the app's configs are evaluated in.
type lintedEnv struct {
	RailsEnv string
	Env      rails.Env
	Process  *rails.Process // nil for the app's RAILS_ENV with no process
}

// lintedEnvs are the environments of the app's processes, or the app's
// RAILS_ENV alone when it has none.
func lintedEnvs(app *rails.App) []lintedEnv {
	var out []lintedEnv
	for _, p := range app.Processes {
		out = append(out, lintedEnv{RailsEnv: p.RailsEnv(), Env: app.EnvOf(p), Process: p})
	}
	if len(out) == 0 {
		out = append(out, lintedEnv{RailsEnv: app.RailsEnv, Env: rails.Env{Vars: map[string]string{"RAILS_ENV": app.RailsEnv}}})
	}
	return out
}

// presentIn evaluates a key the way `configuration_hash[:key]` tests it:
// set is false for an absent key or one that renders nil; known is false
// when the value cannot be read.
func presentIn(s *rails.Setting, env rails.Env) (r rails.Result, set, known bool) {
	if s == nil {
		return rails.Result{}, false, true
	}
	r = s.Value.Eval(env)
	switch r.Kind {
	case rails.RNil:
		return r, false, true
	case rails.RUnknown:
		return r, false, false
	}
	return r, true, true
}

func ambiguousKeys(app *rails.App, db *rails.DatabaseConfig, env rails.Env) []Diagnostic {
	pool, poolSet, ok1 := presentIn(db.Pool, env)
	maxc, maxSet, ok2 := presentIn(db.MaxConnections, env)
	_, minSet, ok3 := presentIn(db.MinConnections, env)
	if !poolSet {
		return nil
	}
	var out []Diagnostic
	if maxSet && ok1 && ok2 && pool.Kind == rails.RInt && maxc.Kind == rails.RInt && pool.Int != maxc.Int {
		second, first := later(db.Pool, db.MaxConnections)
		out = append(out, Diagnostic{
			Severity: Error,
			Span:     second.KeySpan,
			Message: fmt.Sprintf("the %s config sets both pool (%d) and max_connections (%d): Rails >= 8.1 refuses to boot with \"Ambiguous configuration: 'pool' (%d) and 'max_connections' (%d) are set to different values. Prefer just 'max_connections'.\"%s",
				db.Describe(), pool.Int, maxc.Int, pool.Int, maxc.Int, assumptions(pool.Unset, maxc.Unset)),
			Related: []Related{{Span: first.KeySpan, Message: keyNote(first)}},
		})
	}
	if minSet && ok3 {
		second, first := later(db.Pool, db.MinConnections)
		d := Diagnostic{
			Severity: Error,
			Span:     second.KeySpan,
			Message: fmt.Sprintf("the %s config combines pool with min_connections: Rails >= 8.1 refuses to boot with \"Ambiguous configuration: when setting 'min_connections', use 'max_connections' instead of 'pool'.\"",
				db.Describe()),
			Related: []Related{{Span: first.KeySpan, Message: keyNote(first)}},
		}
		switch {
		case !maxSet && db.MaxConnections == nil:
			d.Fix = renamePoolFix(db)
		case maxSet && ok2 && pool.Kind == rails.RInt && maxc.Kind == rails.RInt && pool.Int == maxc.Int:
			d.Fix = dropPoolFix(app, db)
		}
		out = append(out, d)
	}
	return out
}

// later returns the key written second (by position in the file) and the
// other one: the diagnostic points at the key that made the pair.
func later(a, b *rails.Setting) (second, first *rails.Setting) {
	if a.KeySpan.File == b.KeySpan.File && a.KeySpan.Start.Offset > b.KeySpan.Start.Offset {
		return a, b
	}
	return b, a
}

func keyNote(s *rails.Setting) string {
	name := "the other key"
	if s.Key != nil {
		name = s.Key.Value
	}
	return name + " is set here"
}

// dropPoolFix deletes a `pool:` line that only repeats max_connections.
// An inherited pool (from an anchor other configs merge) is left alone.
func dropPoolFix(app *rails.App, db *rails.DatabaseConfig) *Fix {
	if db.Pool.Inherited {
		return nil
	}
	e, ok := deleteLineEdit(app.File(db.Pool.KeySpan.File), db.Pool)
	if !ok {
		return nil
	}
	return &Fix{Safe: true, Edits: []fixer.Edit{e}, Description: "drop `pool`, which repeats max_connections"}
}

// renamePoolFix writes `pool` as `max_connections`, the name Rails asks
// for, keeping the value (8.1 reads max_connections first, then pool).
func renamePoolFix(db *rails.DatabaseConfig) *Fix {
	if db.Pool.Inherited || db.Pool.Key == nil || db.Pool.Key.Value != "pool" {
		return nil
	}
	ks := db.Pool.KeySpan
	return &Fix{Safe: true, Description: "rename `pool` to `max_connections`",
		Edits: []fixer.Edit{{File: ks.File, Start: ks.Start.Offset, End: ks.End.Offset, NewText: "max_connections"}}}
}

// deleteLineEdit removes the line(s) of a block-mapping entry, when
// nothing else shares them.
func deleteLineEdit(f *parser.File, s *rails.Setting) (fixer.Edit, bool) {
	ks, vs := s.KeySpan, s.ValueSpan
	if f == nil || ks.File != f.Path || vs.File != f.Path {
		return fixer.Edit{}, false
	}
	src := f.Src
	start, _ := f.Lines.LineBounds(ks.Start.Line)
	if strings.Trim(string(src[start:ks.Start.Offset]), " \t") != "" {
		return fixer.Edit{}, false // another entry starts the line (`- pool: 5`, a flow mapping)
	}
	end := max(vs.End.Offset, ks.End.Offset)
	_, lineEnd := f.Lines.LineBounds(f.Lines.Pos(end).Line)
	rest := strings.TrimSpace(strings.TrimSuffix(string(src[end:lineEnd]), "\r"))
	if rest != "" && !strings.HasPrefix(rest, "#") {
		return fixer.Edit{}, false
	}
	if lineEnd < len(src) {
		return fixer.Edit{File: f.Path, Start: start, End: lineEnd + 1}, true
	}
	// The last line of a file without a final newline: take the newline
	// before it instead.
	if start > 0 {
		start--
		if start > 0 && src[start-1] == '\r' {
			start--
		}
	}
	return fixer.Edit{File: f.Path, Start: start, End: lineEnd}, true
}

// ignoredURLPool reports a `?pool=` in the DATABASE_URL of process p that
// Rails 8.1 ignores because database.yml sets max_connections.
func ignoredURLPool(db *rails.DatabaseConfig, p *rails.Process) (Diagnostic, bool) {
	if db.MaxConnections == nil || db.URL != nil {
		return Diagnostic{}, false
	}
	name := "DATABASE_URL"
	if !db.Primary {
		name = strings.ToUpper(db.Name) + "_DATABASE_URL"
	}
	raw, ok := p.Env.Lookup(name)
	if !ok || raw == "" {
		return Diagnostic{}, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Diagnostic{}, false
	}
	q := u.Query()
	if q.Get("pool") == "" || q.Get("max_connections") != "" {
		return Diagnostic{}, false
	}
	maxc, _, _ := presentIn(db.MaxConnections, p.Env)
	value := strings.TrimSpace(db.MaxConnections.Raw)
	if maxc.Kind == rails.RInt {
		value = fmt.Sprint(maxc.Int)
	}
	d := Diagnostic{
		Severity: Error,
		Span:     db.MaxConnections.KeySpan,
		Message: fmt.Sprintf("%s of %s carries ?pool=%s, which Rails >= 8.1 ignores because the %s config sets max_connections (%s); put ?max_connections=%s in the URL or change max_connections",
			name, p.Describe(), q.Get("pool"), db.Describe(), value, q.Get("pool")),
	}
	if in, ok := p.Inline[name]; ok {
		d.Related = []Related{{Span: in.Span, Message: name + " is set here"}}
	}
	return d, true
}
