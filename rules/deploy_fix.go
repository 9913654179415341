package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/rails"
)

// deploymentVarFix is the deployment's form of the Procfile prefix fix
// (seed 003): when the pool reads a variable V that the role's own env in
// the deployment file sets (servers.job.env.clear in config/deploy.yml), set
// V to the threads there, so that role alone gets the bigger pool (a
// systemd unit's Environment= is its own likewise). A variable of the
// global env, or of an env file several units read, is left alone: every
// role reads it.
func deploymentVarFix(app *rails.App, o threadsOverPool) *Fix {
	p := o.Process
	if p.Role == nil || o.Pool.Setting == nil || !yamlPoolDecides(app, o.DB, p, o.Pool) {
		return nil
	}
	first := o.Pool.Setting.Value.FirstEnv()
	if first == nil {
		return nil
	}
	name, c := first.Str, o.Threads.Max
	dv, ok := p.DeploymentVar(name)
	if !ok || dv.Secret || !dv.Fixable || !(dv.Own || strings.HasPrefix(dv.Source, "servers.")) {
		return nil
	}
	if !varCoversPools(app, o, name, c) {
		return nil
	}
	e := fixer.Edit{File: dv.Span.File, Start: dv.Span.Start.Offset, End: dv.Span.End.Offset, NewText: strconv.Itoa(c)}
	return &Fix{Safe: true, Edits: []fixer.Edit{e},
		Description: fmt.Sprintf("set %s to %d in %s, so that role alone gets a pool of %d", name, c, dv.Source, c)}
}

// lowerThreadsFix is the other way out when the pool cannot be raised in
// database.yml (it comes from DATABASE_URL, an initializer): lower the
// variable the threads read where the deployment sets it, to the pool.
// Unsafe: the process then serves fewer requests at once.
func lowerThreadsFix(app *rails.App, o threadsOverPool, threadsOf func(*rails.Process) rails.Threads) *Fix {
	p := o.Process
	if p.Role == nil || o.Threads.Value == nil || o.Pool.Unlimited {
		return nil
	}
	vars := o.Threads.Value.Vars()
	if len(vars) != 1 {
		return nil
	}
	name, n := vars[0], o.Pool.Size
	dv, ok := p.DeploymentVar(name)
	if !ok || dv.Secret || !dv.Fixable || n <= 0 {
		return nil
	}
	q := app.ProcessWith(p, name, strconv.Itoa(n))
	if t := threadsOf(q); !t.Known || t.Max > n {
		return nil
	}
	for _, db := range app.Databases.Configs(q.RailsEnv()) {
		if pool := app.PoolOf(db, q); !pool.Known || (!pool.Unlimited && pool.Size < n) {
			return nil
		}
	}
	e := fixer.Edit{File: dv.Span.File, Start: dv.Span.Start.Offset, End: dv.Span.End.Offset, NewText: strconv.Itoa(n)}
	return &Fix{Safe: false, Edits: []fixer.Edit{e},
		Description: fmt.Sprintf("lower %s to %d in %s, the pool's size (fewer threads serve at once)", name, n, dv.Source)}
}
