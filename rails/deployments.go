package rails

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
)

// This file is the model's side of the deployment layer (package deploy):
// every role of every deployment becomes a process, built exactly as a
// Procfile line is, in the environment the deployment gives it.
//
// Precedence, lowest first: the image's ENV (Dockerfile), the deployment's
// global env, the role's env, the env of the host's tags, then the outer
// environment (.poollint.yml env:, --env), then assignments written on the
// command itself, which the shell applies last.

// loadDeployments reads the deployment files through the app's own reader.
func (a *App) loadDeployments() {
	r := a.deployReader()
	hasProcfile := a.Procfile != nil && len(a.Procfile.Entries) > 0
	a.Deployments = deploy.Find(r, hasProcfile)
}

// deployERB renders an ERB scalar of a deployment file with the existing
// evaluator, in the outer environment (.poollint.yml env:, --env): Kamal
// renders deploy.yml where `kamal deploy` runs, not in the container.
func (a *App) deployERB(doc *parser.YAMLDoc, n *yaml.Node) (string, []string, bool, string) {
	env := Env{Vars: map[string]string{}}
	for k, v := range a.outerEnv {
		env.Vars[k] = v
	}
	r := ValueFromYAML(doc, n).Eval(env)
	switch r.Kind {
	case RInt:
		return strconv.Itoa(r.Int), r.Unset, true, ""
	case RStr:
		return r.Str, r.Unset, true, ""
	case RBool:
		return strconv.FormatBool(r.Int == 1), r.Unset, true, ""
	case RNil:
		why := "renders nothing"
		if len(r.Unset) > 0 {
			why += " with " + strings.Join(r.Unset, ", ") + " unset"
		}
		return "", r.Unset, false, why
	}
	if strings.HasPrefix(r.Reason, "cannot ") {
		return "", nil, false, "poollint " + r.Reason
	}
	return "", nil, false, "poollint cannot evaluate it (" + r.Reason + ")"
}

// deploymentProcesses turns every role into a process; it reports whether
// any role was found (the roles then say what runs, not the gems).
func (a *App) deploymentProcesses(outer map[string]string, railsEnv string) bool {
	found := false
	skipped := map[string]bool{}
	for _, d := range a.Deployments {
		for _, role := range d.Roles {
			if env, ok := roleRailsEnv(role); ok && env != railsEnv && outer["RAILS_ENV"] == "" {
				// A development service (docker-compose.yml for local work)
				// is not the deployment being linted. The host-tag groups of
				// one Kamal role are said once, as the role.
				if key := d.Name + "\x00" + role.Name + "\x00" + env; !skipped[key] {
					skipped[key] = true
					untagged := *role
					untagged.Tags = nil
					a.problem(role.Span, untagged.Describe()+" runs RAILS_ENV="+env+", not "+railsEnv+"; it was not linted (pass --rails-env "+env+" to lint it)", true)
				}
				continue
			}
			for _, p := range a.processesFromRole(role, outer, railsEnv) {
				if flag := p.EnvironmentFlag; flag != "" && flag != railsEnv && p.RailsEnv() == flag && outer["RAILS_ENV"] == "" {
					// `sidekiq -e staging` in a staging unit beside the
					// production one: another environment's process.
					a.problem(role.Span, role.Describe()+" runs with -e "+flag+", not "+railsEnv+"; it was not linted (pass --rails-env "+flag+" to lint it)", true)
					continue
				}
				a.Processes = append(a.Processes, p)
			}
			found = true
		}
	}
	return found
}

// processesFromRole builds the processes of a role: one, or one per
// process the scripts its command runs start.
func (a *App) processesFromRole(role *deploy.Role, outer map[string]string, railsEnv string) []*Process {
	if role.Command == nil {
		return []*Process{a.processFromRole(role, nil, nil, outer, railsEnv)}
	}
	vars, _ := roleVars(role, outer)
	var out []*Process
	for _, fw := range a.followScripts(role.Command, vars, railsEnv) {
		out = append(out, a.processFromRole(role, fw.Entry, fw.Via, outer, railsEnv))
	}
	return out
}

// roleVars is the environment a role's deployment gives it under the
// outer environment, and where the deployment decides each variable.
func roleVars(role *deploy.Role, outer map[string]string) (map[string]string, map[string]deploy.Var) {
	vars := make(map[string]string, len(role.Env)+len(outer))
	decided := make(map[string]deploy.Var, len(role.Env))
	for _, v := range role.Env {
		decided[v.Name] = v
		if v.Secret {
			// Set where the app runs, to a value the file does not hold:
			// set and unknown, never unset (its written default does not apply).
			vars[v.Name] = undisclosedValue
			continue
		}
		vars[v.Name] = v.Value
	}
	for k, v := range outer {
		vars[k] = v
		delete(decided, k)
	}
	return vars, decided
}

// processFromRole builds the process of a role running entry (nil: the
// role's command is unknown). The role's variables go under the outer
// environment; the command's own assignments go over it.
func (a *App) processFromRole(role *deploy.Role, entry *parser.ProcfileEntry, via []deploy.Hop, outer map[string]string, railsEnv string) *Process {
	vars, decided := roleVars(role, outer)
	var p *Process
	if entry != nil {
		p = a.processFromEntry(entry, vars, railsEnv)
	} else {
		p = a.roleWithoutCommand(role, vars, railsEnv)
	}
	p.Name = role.Name
	p.Role = role
	p.RoleVars = decided
	p.Via = via
	p.outer = outer
	a.applyDotenv(p)
	return p
}

// roleWithoutCommand is a role whose command is unknown: a `web` role runs
// the app's web server when its gem is locked, as for an app without a
// Procfile; anything else is a process poollint cannot tell.
func (a *App) roleWithoutCommand(role *deploy.Role, vars map[string]string, railsEnv string) *Process {
	if _, ok := vars["RAILS_ENV"]; !ok {
		vars["RAILS_ENV"] = railsEnv
	}
	kind := OtherProcess
	if role.Name == "web" {
		switch {
		case a.Versions.Has("puma"):
			kind = PumaProcess
		case a.Versions.Has("unicorn"):
			kind = UnicornProcess
		}
	}
	return &Process{Name: role.Name, Kind: kind, Implied: true, Span: role.Span, Env: Env{Vars: vars},
		Inline: map[string]parser.Assign{}, railsEnv: railsEnv}
}

// runsFromCheckout reports whether p runs from the app's own files on
// the server (a Procfile line, a systemd unit), where dotenv finds the
// .env files, rather than from an image that leaves them out.
func (p *Process) runsFromCheckout() bool {
	return p.Role == nil || (p.Role.Deployment != nil && p.Role.Deployment.Platform == deploy.Systemd)
}

// deploymentReads reports whether a deployment reads rel as an env file
// (a systemd unit's EnvironmentFile=).
func (a *App) deploymentReads(rel string) bool {
	for _, d := range a.Deployments {
		for _, r := range d.Roles {
			for _, v := range r.Env {
				if v.Span.File == rel {
					return true
				}
			}
		}
	}
	return false
}

// commandLine says where p's command is written, for "-c on the
// Procfile line" / "-c in ExecStart= of dist/mastodon-sidekiq.service".
func (p *Process) commandLine(at parser.Span) string {
	if n := len(p.Via); n > 0 && at.File == p.Via[n-1].File {
		// Written in the script the command was followed to.
		return "in " + p.Via[n-1].String()
	}
	if p.Role != nil && p.Role.CommandSource != "" {
		return "in " + p.Role.CommandSource
	}
	return "on the Procfile line"
}

// DeploymentVar returns where the deployment of p sets name, when it is
// the deployment that decides its value (not --env or the command line).
func (p *Process) DeploymentVar(name string) (deploy.Var, bool) {
	if in, inline := p.Inline[name]; inline && !defaultsTo(in, name) {
		return deploy.Var{}, false
	}
	if v, ok := p.RoleVars[name]; ok && p.Role != nil {
		return v, true
	}
	v, ok := p.fromDotenv[name] // a dotenv file's value, never Fixable
	return v, ok
}

// describeRoles completes each role process's description with its
// copies and the processes each copy runs: "the `job` role of
// config/deploy.yml, 1 host × 3 processes". It runs once the server
// configs are loaded.
func (a *App) describeRoles() {
	for _, p := range a.Processes {
		if p.Role == nil {
			continue
		}
		desc := p.Role.Describe() + deploy.Chain(p.Via) + ", " + p.Role.Copies.Describe()
		if n := a.processesPerCopy(p); n.Known {
			desc += " × " + strconv.Itoa(n.N) + " " + plural(n.N, "process", "processes")
		}
		p.description = desc
	}
}

// processesPerCopy is how many server or worker processes one copy of the
// role runs (Puma workers, Sidekiq processes, Solid Queue workers).
func (a *App) processesPerCopy(p *Process) Count {
	switch p.Kind {
	case PumaProcess:
		c := a.pumaProcesses(p)
		if c.Known && c.N == 0 {
			c.N = 1 // single mode: the one Puma process
		}
		return c
	case UnicornProcess:
		return a.unicornProcesses(p)
	case SidekiqProcess:
		return a.sidekiqProcesses(p)
	case SolidQueueProcess:
		total := Count{Known: true}
		for _, r := range a.solidQueueRows(p, p.Name, countOf(1, "")) {
			if !r.Worker && r.PerDyno.Known {
				continue // the supervisor and dispatchers: the workers are what the role runs
			}
			if !r.PerDyno.Known {
				return r.PerDyno
			}
			total.N += r.PerDyno.N
		}
		return total
	}
	return Count{}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// copiesOf is how many copies of p run: the role's hosts (replicas, …)
// for a deployment role, else the process type's dynos.
func (a *App) copiesOf(p *Process) Count {
	if p.Role == nil {
		return a.dynosOf(p.Name)
	}
	c := p.Role.Copies
	out := Count{N: c.N, Known: true, Source: c.Source, Span: c.Span, Assumed: c.Assumed, Ranged: c.Ranged}
	if c.Assumed {
		out.Source = c.Source
	}
	return out
}

// CopyUnit is what the platform calls one copy of p: "host" for a Kamal
// role, "dyno" for a Procfile line.
func (p *Process) CopyUnit() string {
	if p.Role != nil {
		return p.Role.Copies.Unit
	}
	return "dyno"
}

// DeploymentName names the deployment p belongs to: "config/deploy.yml",
// "Procfile" (or "" for a process implied by the app's files).
func (p *Process) DeploymentName() string {
	switch {
	case p.Role != nil && p.Role.Deployment != nil:
		return p.Role.Deployment.Name
	case p.Entry != nil:
		return "Procfile"
	}
	return ""
}

// appJSONEnv is app.json's env values: the config vars Heroku gives an app
// created from it (a review app, the Heroku Button). Declarations without
// a value (required:, description:) set nothing.
func (a *App) appJSONEnv() map[string]string {
	out := map[string]string{}
	if a.AppJSON == nil {
		return out
	}
	for name, e := range a.AppJSON.Env {
		if e.HasValue && !strings.Contains(e.Value, "\x00") {
			out[name] = e.Value
		}
	}
	return out
}

// selectDeployment keeps only the processes of the deployment named by
// --deployment (or .poollint.yml deployment:). A name no deployment has is
// reported with the names there are, and nothing is dropped.
func (a *App) selectDeployment(name string) {
	if name == "" {
		return
	}
	var kept []*Process
	var names []string
	seen := map[string]bool{}
	for _, p := range a.Processes {
		n := p.DeploymentName()
		if n == "" {
			n = "implied"
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
		if n == name {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 && len(names) > 0 {
		at := names[0]
		if at == "implied" {
			at = "config"
		}
		a.problem(parser.Span{File: at}, "no deployment named "+name+" (--deployment or .poollint.yml deployment:); the app's deployments are: "+strings.Join(names, ", ")+"; all were linted", false)
		return
	}
	a.Processes = kept
}

// roleRailsEnv is the RAILS_ENV (else RACK_ENV) the role's deployment sets.
func roleRailsEnv(role *deploy.Role) (string, bool) {
	env := role.EnvMap()
	for _, name := range []string{"RAILS_ENV", "RACK_ENV"} {
		if v, ok := env[name]; ok && !v.Secret && v.Value != "" {
			return v.Value, true
		}
	}
	return "", false
}

// defaultsTo reports whether an assignment only gives name a default
// (`X=${X:-5}`, as a start script writes it): the deployment's value of
// name still decides.
func defaultsTo(as parser.Assign, name string) bool {
	parts := as.Value.Parts
	return len(parts) == 1 && parts[0].Param == name && parts[0].Default != nil
}
