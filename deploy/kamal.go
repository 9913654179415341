package deploy

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// Kamal (config/deploy.yml, kamal 2): roles come from `servers:` — a host
// list (the `web` role) or one entry per role, each a host list or a
// mapping with `hosts:`, `cmd:`, `env:`. Every host runs one container of
// each of its roles; the container runs the role's `cmd:`, else the image's
// CMD, in the environment of the image's ENV, then the global `env:`, then
// the role's `env:`, then the env of the host's tags (`env: tags:`), later
// winning. A destination (config/deploy.<dest>.yml) is deep-merged over
// config/deploy.yml and is a deployment of its own.

const kamalBase = "config/deploy.yml"

func readKamal(r Reader, img *image) []*Deployment {
	base := r.Read(kamalBase)
	if base == nil {
		return nil
	}
	baseDoc := r.YAML(base)
	if baseDoc == nil {
		return nil
	}
	var out []*Deployment
	if !kamalRequiresDestination(rootLayers(baseDoc)) {
		out = append(out, kamalDeployment(r, img, kamalBase, []string{kamalBase}, baseDoc))
	}
	for _, rel := range r.List("config", ".yml") {
		name := strings.TrimPrefix(rel, "config/")
		if !strings.HasPrefix(name, "deploy.") || rel == kamalBase {
			continue
		}
		f := r.Read(rel)
		if f == nil {
			continue
		}
		if doc := r.YAML(f); doc != nil {
			out = append(out, kamalDeployment(r, img, rel, []string{kamalBase, rel}, doc, baseDoc))
		}
	}
	return out
}

// kamalImage is the image a deployment's roles run: the Dockerfile that
// `builder: dockerfile:` names (relative to the app root, as `docker build
// -f` takes it), else the app's Dockerfile; and the file's name.
func kamalImage(r Reader, root layered, img *image) (*image, string) {
	v := root.get("builder").get("dockerfile")
	if !v.present() || v.top().node.Kind != yaml.ScalarNode {
		return img, "Dockerfile"
	}
	rel := strings.TrimPrefix(strings.TrimSpace(v.top().node.Value), "./")
	if rel == "" || rel == "Dockerfile" || len(v.top().doc.ERBInside(v.top().node)) > 0 {
		return img, "Dockerfile"
	}
	return readDockerfileAt(r, rel), rel
}

func kamalRequiresDestination(root layered) bool {
	v := root.get("require_destination")
	return v.present() && v.top().node.Kind == yaml.ScalarNode && v.top().node.Value == "true"
}

// kamalDeployment reads one deployment from its documents, the
// destination's first.
func kamalDeployment(r Reader, img *image, name string, files []string, docs ...*parser.YAMLDoc) *Deployment {
	d := &Deployment{Name: name, Platform: Kamal, Files: files}
	root := rootLayers(docs...)
	img, dockerfile := kamalImage(r, root, img)
	servers := root.get("servers")
	if !servers.present() {
		r.Problem(parser.Span{File: name}, name+" has no servers: section; no Kamal role was read", false)
		return d
	}
	globalEnv := root.get("env")
	if servers.isMapping() {
		for _, role := range servers.keys() {
			d.Roles = append(d.Roles, kamalRoles(r, img, dockerfile, d, role, servers.get(role), globalEnv)...)
		}
	} else {
		d.Roles = kamalRoles(r, img, dockerfile, d, "web", servers, globalEnv)
	}
	return d
}

// kamalHost is one host of a role and its tags.
type kamalHost struct {
	span parser.Span
	tags []string
}

// kamalRoles reads one role: one Role per distinct set of host tags, since
// tagged hosts run with a different environment.
func kamalRoles(r Reader, img *image, dockerfile string, d *Deployment, name string, v layered, globalEnv layered) []*Role {
	hostsNode, cmdNode, roleEnv := v, layered(nil), layered(nil)
	if v.isMapping() {
		hostsNode, cmdNode, roleEnv = v.get("hosts"), v.get("cmd"), v.get("env")
	}
	at := v.top().keySpan()
	hosts := kamalHosts(hostsNode)
	erbSource := ""
	if len(hosts) == 0 {
		erbSource = kamalERBHosts(hostsNode, name, d.Name)
		if erbSource == "" {
			r.Problem(at, "the `"+name+"` role of "+d.Name+" lists no hosts; it runs nowhere and was not checked", true)
			return nil
		}
		// The hosts are computed when Kamal renders the file: the role runs
		// somewhere, on a count poollint cannot read. It is linted as one
		// host, marked assumed; nothing is reported, since every rule but
		// the budget is per process and the count only scales the budget.
		hosts = []kamalHost{{span: hostsNode.top().span()}}
	}
	base := &Role{Name: name, Deployment: d, Span: at, OwnEnv: kamalOwnEnv(v, roleEnv)}
	if cmdNode.present() {
		base.Command, base.CommandSource = kamalCommand(r, name, cmdNode.top())
		base.Command = img.run(base.Command)
	} else if img != nil && img.Command != nil {
		e := *img.Command
		e.Name = name
		base.Command, base.CommandSource = &e, "the image's CMD ("+img.file.Path+")"
	} else {
		why := "no Dockerfile CMD"
		switch {
		case img == nil && dockerfile != "Dockerfile":
			why = dockerfile + ", which builder.dockerfile names, was not found"
		case img != nil:
			why = img.file.Path + " has no CMD poollint can read"
		}
		r.Problem(at, "the `"+name+"` role of "+d.Name+" has no cmd: and runs the image's CMD, which poollint could not read ("+why+")", true)
	}
	if img != nil {
		base.Env = append(base.Env, img.env...)
	}
	base.Env = append(base.Env, kamalEnv(r, globalEnv, "env")...)
	base.Env = append(base.Env, kamalEnv(r, roleEnv, "servers."+name+".env")...)

	groups := map[string][]kamalHost{}
	var order []string
	for _, h := range hosts {
		key := strings.Join(h.tags, ",")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], h)
	}
	var out []*Role
	for _, key := range order {
		hs := groups[key]
		role := *base
		role.Env = append([]Var(nil), base.Env...)
		if key != "" {
			role.Tags = hs[0].tags
			for _, t := range hs[0].tags {
				role.Env = append(role.Env, kamalEnv(r, globalEnv.get("tags").get(t), "env.tags."+t)...)
			}
		}
		role.Copies = Copies{N: len(hs), Unit: Kamal.Unit(), Span: hostsNode.top().span(),
			Source: "servers." + name + " of " + d.Name}
		if erbSource != "" {
			role.Copies.Assumed, role.Copies.Source = true, erbSource
		}
		out = append(out, &role)
	}
	return out
}

// kamalERBHosts says where a role's hosts come from when ERB computes
// them (`web: <%= system! "terraform output" %>`, `hosts: <%= ... %>`):
// the source text of the assumption, "" when no ERB is involved.
func kamalERBHosts(v layered, role, file string) string {
	if !v.present() {
		return ""
	}
	x := v.top()
	tags := x.doc.ERBInside(x.node)
	if len(tags) == 0 {
		return ""
	}
	code := strings.Join(strings.Fields(tags[0].Code), " ")
	if len(code) > 60 {
		code = code[:57] + "..."
	}
	return "the hosts of the `" + role + "` role of " + file + " come from ERB (`" + code + "`) that poollint does not run: assuming 1 host"
}

// kamalHosts reads a host list: "192.168.0.1", or {"192.168.0.1": tag} /
// {"192.168.0.1": [tag, tag]}.
func kamalHosts(v layered) []kamalHost {
	if !v.present() || v.top().node.Kind != yaml.SequenceNode {
		return nil
	}
	x := v.top()
	var out []kamalHost
	for _, item := range x.node.Content {
		item = parser.Resolve(item)
		if item == nil {
			continue
		}
		h := kamalHost{span: x.doc.Span(item)}
		if item.Kind == yaml.MappingNode {
			for _, e := range x.doc.Entries(item) {
				switch tv := parser.Resolve(e.Value); {
				case tv == nil:
				case tv.Kind == yaml.ScalarNode:
					h.tags = append(h.tags, tv.Value)
				case tv.Kind == yaml.SequenceNode:
					for _, t := range tv.Content {
						if t = parser.Resolve(t); t != nil && t.Kind == yaml.ScalarNode {
							h.tags = append(h.tags, t.Value)
						}
					}
				}
			}
			sort.Strings(h.tags)
		}
		out = append(out, h)
	}
	return out
}

// kamalCommand parses a role's cmd:.
func kamalCommand(r Reader, name string, x layer) (*parser.ProcfileEntry, string) {
	source := "cmd of the `" + name + "` role (" + x.doc.File.Path + ")"
	if x.node.Kind != yaml.ScalarNode {
		r.Problem(x.span(), "the cmd of the `"+name+"` role is not a string; its command was not read", false)
		return nil, source
	}
	if len(x.doc.ERBInside(x.node)) > 0 {
		r.Problem(x.span(), "the cmd of the `"+name+"` role is generated by ERB; its command was not read", true)
		return nil, source
	}
	e := x.command(name)
	return &e, source
}

// kamalEnv reads the env: section at path (`env`, `servers.job.env`): `clear:` values and `secret:` names
// (a secret's value lives in .kamal/secrets and is never read), or a
// plain mapping of clear values.
func kamalEnv(r Reader, v layered, source string) []Var {
	if !v.isMapping() {
		return nil
	}
	keys := v.keys()
	structured := false
	for _, k := range keys {
		if k == "clear" || k == "secret" || k == "tags" {
			structured = true
		}
	}
	if !structured {
		return kamalClear(r, v, source)
	}
	out := kamalClear(r, v.get("clear"), source+".clear")
	if s := v.get("secret"); s.present() && s.top().node.Kind == yaml.SequenceNode {
		x := s.top()
		for _, item := range x.node.Content {
			item = parser.Resolve(item)
			if item == nil || item.Kind != yaml.ScalarNode {
				continue
			}
			name, _, _ := strings.Cut(item.Value, ":") // NAME:SECRET_NAME
			span := x.doc.Span(item)
			out = append(out, Var{Name: name, Secret: true, Span: span, KeySpan: span, Source: source + ".secret in " + x.doc.File.Path})
		}
	}
	return out
}

func kamalClear(r Reader, v layered, source string) []Var {
	if !v.isMapping() {
		return nil
	}
	var out []Var
	for _, name := range v.keys() {
		if name == "tags" {
			continue
		}
		x := v.get(name)
		if !x.present() {
			continue
		}
		t := x.top()
		if t.node.Kind != yaml.ScalarNode {
			continue
		}
		if len(t.doc.ERBInside(t.node)) > 0 {
			if v, ok := kamalERBValue(r, t, source, name); ok {
				v.Name, v.KeySpan = name, t.keySpan()
				out = append(out, v)
			}
			continue
		}
		span := t.span()
		fixable := t.node.Style == 0 || t.node.Style == yaml.DoubleQuotedStyle || t.node.Style == yaml.SingleQuotedStyle
		if t.node.Style == yaml.DoubleQuotedStyle || t.node.Style == yaml.SingleQuotedStyle {
			// Point inside the quotes: a fix replaces the digits only.
			span = t.doc.File.Span(span.Start.Offset+1, span.End.Offset-1)
			fixable = string(t.doc.File.Src[span.Start.Offset:span.End.Offset]) == t.node.Value
		}
		value := t.node.Value
		if t.node.Tag == "!!null" {
			value = ""
		}
		out = append(out, Var{Name: name, Value: value, Span: span, KeySpan: t.keySpan(), Source: source + " in " + t.doc.File.Path, Fixable: fixable})
	}
	return out
}

// kamalERBValue renders an env value written in ERB (`RAILS_MAX_THREADS:
// <%= ENV.fetch("WEB_THREADS", 5) %>`). Kamal renders deploy.yml on the
// machine that runs `kamal deploy`, so the ERB reads that machine's
// environment: poollint's outer environment (--env), and a variable unset
// there leaves the written default, an assumption said in an info. The
// value is never Fixable: its bytes are Ruby, not the number.
func kamalERBValue(r Reader, t layer, source, name string) (Var, bool) {
	at, where := t.span(), source+"."+name
	if r.ERB == nil {
		r.Problem(at, where+" is generated by ERB; its value was not read", true)
		return Var{}, false
	}
	value, unset, ok, why := r.ERB(t.doc, t.node)
	if !ok {
		r.Problem(at, where+" is generated by ERB and "+why+"; its value was not read", true)
		return Var{}, false
	}
	if len(unset) > 0 {
		r.Problem(at, where+" is generated by ERB, which Kamal renders where `kamal deploy` runs; with "+
			strings.Join(unset, ", ")+" unset there it renders "+strconvQuote(value)+", the value poollint used (set it with --env to check another)", true)
	}
	return Var{Value: value, Span: at, Source: source + " in " + t.doc.File.Path + ", rendered from ERB"}, true
}

// strconvQuote shows an empty rendering as "".
func strconvQuote(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// kamalOwnEnv is where a variable for this role alone is written: its
// env.clear mapping (or a plain env mapping) in the file that holds the
// role's env, else the role's mapping when it has no env: at all. A
// host-list role, or an env with only secret:, has no such place.
func kamalOwnEnv(v, roleEnv layered) *EnvMapping {
	if !v.isMapping() {
		return nil
	}
	if !roleEnv.present() {
		t := v.top()
		return &EnvMapping{Doc: t.doc, Role: t.node, RoleKey: t.key}
	}
	if !roleEnv.isMapping() {
		return nil
	}
	structured := false
	for _, k := range roleEnv.keys() {
		structured = structured || k == "clear" || k == "secret" || k == "tags"
	}
	clear := roleEnv
	if structured {
		clear = roleEnv.get("clear")
	}
	if !clear.isMapping() {
		return nil
	}
	t := clear.top()
	return &EnvMapping{Doc: t.doc, Clear: t.node}
}
