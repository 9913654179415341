package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/rails"
)

// undisclosedEnv says, once per deployment variable, that a pool or a
// thread count was not checked because it reads a variable the
// deployment sets without writing its value (Render `sync: false`,
// `fromDatabase:`, a Kamal `env: secret:` name). The model treats such a
// variable as set to an unknown value, so the sizing rules stay silent;
// this info says why, and how to check it (--env NAME=N).
func undisclosedEnv(app *rails.App) []Diagnostic {
	type found struct {
		name     string
		dv       deploy.Var
		subjects []string
	}
	var order []*found
	byVar := map[string]*found{}
	for _, p := range app.Processes {
		for _, u := range unknownSettings(app, p) {
			for _, name := range u.value.Vars() {
				dv, ok := p.DeploymentVar(name)
				if !ok || !dv.Secret || !p.Env.Undisclosed(name) {
					continue
				}
				key := name + "|" + dv.Span.File + "|" + strconv.Itoa(dv.Span.Start.Offset)
				f := byVar[key]
				if f == nil {
					f = &found{name: name, dv: dv}
					byVar[key] = f
					order = append(order, f)
				}
				subject := u.what + " of " + p.Describe()
				if !slices.Contains(f.subjects, subject) {
					f.subjects = append(f.subjects, subject)
				}
			}
		}
	}
	var out []Diagnostic
	for _, f := range order {
		out = append(out, Diagnostic{Severity: Info, Span: f.dv.Span,
			Message: f.name + " is " + undisclosedWho(f.dv) + "; its value is not in the file, so " + strings.Join(f.subjects, "; ") + ": not checked; pass --env " + f.name + "=N to check it"})
	}
	return out
}

// undisclosedWho says who sets the variable and where it is declared.
func undisclosedWho(dv deploy.Var) string {
	at := dv.Span.File + ":" + strconv.Itoa(dv.Span.Start.Line)
	if dv.FilledBy != "" {
		return dv.FilledBy + " (" + dv.Source + ", " + at + ")"
	}
	return "a secret (" + dv.Source + ", " + at + ")"
}

// unknownSetting is a pool or thread count of a process that could not be
// evaluated, and the expression it is read from.
type unknownSetting struct {
	what  string
	value *rails.Value
}

func unknownSettings(app *rails.App, p *rails.Process) []unknownSetting {
	var out []unknownSetting
	if app.Databases != nil {
		// Databases that read one written pool (`<<: *default`) are named
		// together, as the sizing rules name them.
		byValue := map[string][]*rails.DatabaseConfig{}
		var keys []string
		valueAt := map[string]*rails.Value{}
		for _, db := range app.Databases.Configs(p.RailsEnv()) {
			pool := app.PoolOf(db, p)
			v := pool.Override
			if v == nil {
				v = poolValue(pool)
			}
			if pool.Known || v == nil {
				continue
			}
			key := v.Span.File + "|" + strconv.Itoa(v.Span.Start.Offset) + "|" + v.String()
			if byValue[key] == nil {
				keys = append(keys, key)
				valueAt[key] = v
			}
			byValue[key] = append(byValue[key], db)
		}
		for _, k := range keys {
			out = append(out, unknownSetting{what: "the " + poolName(byValue[k]), value: valueAt[k]})
		}
	}
	var t rails.Threads
	switch p.Kind {
	case rails.PumaProcess:
		t = app.PumaThreads(p)
	case rails.SidekiqProcess:
		t = app.SidekiqConcurrency(p)
	}
	if !t.Known && t.Value != nil {
		out = append(out, unknownSetting{what: "the thread count", value: t.Value})
	}
	return out
}
