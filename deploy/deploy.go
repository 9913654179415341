// Package deploy reads the files that say how a Rails app runs in
// production — Kamal's config/deploy.yml, the Dockerfile, … — into roles:
// a command, the environment it runs in with the span of every value, and
// how many copies run. Package rails turns each role into a process the way
// it turns a Procfile line into one; the platform words (host, replica,
// instance, machine, dyno) stay here and in the text of messages.
//
// Each format lives in one file (kamal.go, dockerfile.go, …). Files are
// read only through the Reader the caller gives, so they pass the app's
// file gate and YAML is loaded (ERB included) exactly as for the other
// config files.
package deploy

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// Reader is how the deployment layer reaches the app's files.
type Reader struct {
	// Read returns an app-relative file, nil when absent or unreadable
	// (the caller reports the latter).
	Read func(rel string) *parser.File
	// YAML loads a YAML file as the app loads its other YAML files (ERB
	// included); nil when nothing of it could be read (already reported).
	YAML func(f *parser.File) *parser.YAMLDoc
	// List returns the app-relative paths of the files in dir whose name
	// ends with suffix, sorted.
	List func(dir, suffix string) []string
	// Problem records what could not be read or had to be assumed.
	Problem func(span parser.Span, msg string, assumed bool)
	// ERB renders a scalar holding ERB as the tool rendering the file
	// would (Kamal renders deploy.yml on the machine that runs `kamal
	// deploy`): its text, the variables unset there whose written default
	// decided it, and ok; else why it cannot be told. Nil: not rendered.
	ERB func(doc *parser.YAMLDoc, n *yaml.Node) (value string, unset []string, ok bool, why string)
}

// Platform is the deployment tool a file belongs to.
type Platform int

const (
	Kamal Platform = iota + 1
	Docker
	Compose
	Render
	Fly
	Systemd
)

// Unit is what the platform calls one copy of a role.
func (p Platform) Unit() string {
	switch p {
	case Kamal:
		return "host"
	case Docker:
		return "container"
	case Compose:
		return "replica"
	case Render:
		return "instance"
	case Fly:
		return "machine"
	case Systemd:
		return "unit"
	}
	return "copy"
}

func (p Platform) String() string {
	switch p {
	case Kamal:
		return "Kamal"
	case Docker:
		return "Docker"
	case Compose:
		return "Compose"
	case Render:
		return "Render"
	case Fly:
		return "Fly"
	case Systemd:
		return "systemd"
	}
	return "unknown"
}

// Deployment is one way the app is deployed: a Kamal config (with one
// destination merged in, or none), a Dockerfile run on its own, ….
type Deployment struct {
	// Name identifies the deployment in messages and for --deployment:
	// "config/deploy.yml", "config/deploy.staging.yml" (a Kamal destination,
	// merged over config/deploy.yml), "Dockerfile", "dist/*.service" (the
	// systemd units of a folder).
	Name     string
	Platform Platform
	Files    []string // the files it was read from, base first
	Roles    []*Role
}

// Role is one kind of process a deployment runs.
type Role struct {
	Name       string
	Deployment *Deployment
	Span       parser.Span // where the role is declared (its key), else its command

	// Command is what the role runs; nil when it cannot be told (a role
	// without cmd on an image whose CMD is unknown).
	Command *parser.ProcfileEntry
	// CommandSource says where the command comes from: "cmd of the job
	// role", "CMD in Dockerfile".
	CommandSource string

	// Env is the environment the deployment gives the role, lowest
	// precedence first: a later entry of the same name wins.
	Env []Var
	// Copies is how many copies of the role run (hosts, replicas, …).
	Copies Copies
	// Tags names the Kamal host tags whose env this copy of the role uses.
	Tags []string
	// OwnEnv is where a fix may add a variable to this role alone; nil
	// when the platform or the file's shape gives no such place.
	OwnEnv *EnvMapping
	// OncePerDeploy, set for a release step (Fly's release_command), says
	// in the platform's words how it runs: once per deploy, not alongside
	// the other roles, so the budget leaves it out.
	OncePerDeploy string
}

// EnvMapping locates a role's own environment in its file: the mapping of
// clear values, or, for a role written without env:, the role's mapping,
// where an `env:`/`clear:` block goes.
type EnvMapping struct {
	Doc *parser.YAMLDoc
	// Clear is the role's env.clear mapping (or its plain env mapping);
	// nil when the role has no env:.
	Clear *yaml.Node
	// Role and RoleKey are the role's mapping and its key, set when Clear
	// is nil.
	Role, RoleKey *yaml.Node
}

// Var is one environment variable a deployment sets.
type Var struct {
	Name  string
	Value string // empty for a secret: its value is never read
	// Secret is set for a name whose value comes from a secret store
	// (Kamal env secret:) or that the platform fills in when it deploys
	// (Render fromDatabase, sync: false); the value is unknown.
	Secret bool
	// FilledBy says who fills in a value that is not a secret but is still
	// unknown here ("filled in by Render from the `db` database"); empty
	// for a secret store's secret.
	FilledBy string
	Span     parser.Span // the value as written (the name, for a secret)
	KeySpan  parser.Span // the name
	// Source says where it is set: "env clear of config/deploy.yml",
	// "ENV in Dockerfile".
	Source string
	// Fixable is set when Span holds the bare value, so that a fix may
	// replace exactly those bytes with a number.
	Fixable bool
	// Own is set when only this role reads the variable (a systemd unit's
	// Environment=), so raising it there changes no other role.
	Own bool
}

// Copies is how many copies of a role run.
type Copies struct {
	N       int
	Unit    string // "host", "container"
	Assumed bool   // not written: a default
	// Ranged says the number written is the top of a range the platform
	// scales within (Render autoscaling's maxInstances): the budget notes
	// that it uses the maximum.
	Ranged bool
	Span   parser.Span
	Source string // "servers.web of config/deploy.yml"
}

// Describe renders "2 hosts".
func (c Copies) Describe() string {
	if c.N == 1 {
		return "1 " + c.Unit
	}
	return strconv.Itoa(c.N) + " " + c.Unit + "s"
}

// Describe names the role for messages: "the `job` role of
// config/deploy.yml".
func (r *Role) Describe() string {
	if r.Deployment != nil && r.Deployment.Platform == Docker {
		return "the image's CMD in " + r.Deployment.Name
	}
	if r.Deployment != nil && r.Deployment.Platform == Systemd {
		// "the `mastodon-sidekiq.service` unit (dist/mastodon-sidekiq.service:10)"
		return "the `" + r.Name + "` unit (" + r.Span.File + ":" + strconv.Itoa(r.Span.Start.Line) + ")"
	}
	kind := "role"
	if r.Deployment != nil {
		switch r.Deployment.Platform {
		case Compose, Render:
			kind = "service"
		case Fly:
			kind = "process group"
		}
	}
	s := "the `" + r.Name + "` " + kind
	if len(r.Tags) > 0 {
		s += " (hosts tagged " + joinTags(r.Tags) + ")"
	}
	if r.Deployment != nil {
		s += " of " + r.Deployment.Name
	}
	return s
}

func joinTags(tags []string) string {
	out := ""
	for i, t := range tags {
		if i > 0 {
			out += ", "
		}
		out += "`" + t + "`"
	}
	return out
}

// EnvMap returns the role's environment with precedence applied.
func (r *Role) EnvMap() map[string]Var {
	out := map[string]Var{}
	for _, v := range r.Env {
		out[v.Name] = v
	}
	return out
}

// Find reads every deployment of the app: the Kamal config and each of its
// destinations, else a Dockerfile run on its own when hasProcfile is false
// (an app with a Procfile is deployed by it; its Dockerfile is then only
// an image the Procfile's platform may build).
func Find(r Reader, hasProcfile bool) []*Deployment {
	img := readDockerfile(r)
	out := readKamal(r, img)
	out = append(out, readCompose(r)...)
	out = append(out, readRender(r)...)
	out = append(out, readFly(r)...)
	out = append(out, readSystemd(r)...)
	if len(out) == 0 && !hasProcfile && img != nil && img.Command != nil {
		out = append(out, img.deployment())
	}
	return out
}
