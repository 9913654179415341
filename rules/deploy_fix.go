package rules

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/deploy"
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
	if !ok || !(dv.Own || strings.HasPrefix(dv.Source, "servers.")) {
		return addRoleVarFix(app, o, name, c, dv, ok)
	}
	if dv.Secret || !dv.Fixable {
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

// addRoleVarFix is deploymentVarFix when the role's own env does not set
// V: the pool falls back to the default database.yml writes, the
// Dockerfile's ENV or the global env. V is added to the role's env (its
// clear: mapping, else a new env:/clear: block in the role), so that role
// alone gets the bigger pool — safe for the same reason as the Procfile
// prefix. Nothing is added when the environment poollint was given
// (--env, the command's own assignment) sets V: that is where it lives.
func addRoleVarFix(app *rails.App, o threadsOverPool, name string, c int, dv deploy.Var, fromFile bool) *Fix {
	p := o.Process
	own := p.Role.OwnEnv
	if own == nil || (fromFile && (dv.Secret || strings.HasPrefix(dv.Source, "env.tags."))) {
		return nil // a secret is set somewhere poollint cannot see; a host tag's env wins over the role's
	}
	if _, inline := p.Inline[name]; inline {
		return nil
	}
	if _, set := p.Env.Lookup(name); set && !fromFile {
		return nil
	}
	if !varCoversPools(app, o, name, c) {
		return nil
	}
	value := strconv.Itoa(c)
	var edits []fixer.Edit
	if own.Clear != nil {
		if directEntry(own.Clear, name) != nil {
			return nil
		}
		edits = AddKey(own.Doc, own.Clear, name, value)
	} else {
		edits = addEnvBlock(own, name, value)
	}
	if len(edits) == 0 {
		return nil
	}
	return &Fix{Safe: true, Edits: edits,
		Description: fmt.Sprintf("add %s: %d to the env of the `%s` role in %s, so that role alone gets a pool of %d", name, c, p.Role.Name, own.Doc.File.Path, c)}
}

// addEnvBlock adds `env:` / `clear:` / `NAME: value` as the last entry of
// a role's block mapping, indented as the file indents: the role's keys
// sit one step right of the role's own key, and each level adds a step.
func addEnvBlock(own *deploy.EnvMapping, name, value string) []fixer.Edit {
	doc, m := own.Doc, own.Role
	if m == nil || own.RoleKey == nil || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return nil
	}
	src := doc.File.Src
	indentOf := func(n *yaml.Node) (string, bool) {
		at := doc.Span(n).Start
		ls, _ := doc.File.Lines.LineBounds(at.Line)
		s := string(src[ls:at.Offset])
		return s, strings.Trim(s, " ") == ""
	}
	keyIndent, ok1 := indentOf(m.Content[0])
	roleIndent, ok2 := indentOf(own.RoleKey)
	if !ok1 || !ok2 || len(keyIndent) <= len(roleIndent) {
		return nil
	}
	step := keyIndent[len(roleIndent):]
	nl := lineEnding(src)
	at := doc.Span(m).End.Offset
	for at < len(src) && src[at] != '\n' && src[at] != '\r' {
		at++
	}
	text := nl + keyIndent + "env:" + nl + keyIndent + step + "clear:" + nl + keyIndent + step + step + name + ": " + value
	return []fixer.Edit{{File: doc.File.Path, Start: at, End: at, NewText: text}}
}
