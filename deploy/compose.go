package deploy

import (
	"path"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// Compose (compose.yaml, docker-compose.yml): each service built from the
// app (`build:`) is a role; services that only pull an image (postgres,
// redis) are not the app. The service runs its `command:` (string or list),
// else the image's CMD from the Dockerfile it builds; its environment is
// the image's ENV, then the `env_file:` files in order, then
// `environment:` (map or list); copies are `deploy.replicas`, else
// `scale:`, else 1 (assumed). `${VAR:-default}` is interpolated as Compose
// does, from the project's .env file, else the written default.
//
// compose.override.yaml is merged over the base as `docker compose up`
// does; every other docker-compose.NAME.yml is a deployment of its own,
// merged over the base (`-f docker-compose.yml -f docker-compose.NAME.yml`),
// except development, test and CI variants, which are not deployments.

var composeBases = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

func readCompose(r Reader) []*Deployment {
	var base *parser.YAMLDoc
	var baseName string
	for _, name := range composeBases {
		if f := r.Read(name); f != nil {
			base, baseName = r.YAML(f), name
			break
		}
	}
	if base == nil {
		return nil
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(baseName, ".yaml"), ".yml")
	interp := composeInterpolation(r)
	layers := []*parser.YAMLDoc{base}
	files := []string{baseName}
	for _, ext := range []string{".yaml", ".yml"} {
		if f := r.Read(stem + ".override" + ext); f != nil {
			if d := r.YAML(f); d != nil {
				layers = append([]*parser.YAMLDoc{d}, layers...)
				files = append(files, f.Path)
			}
			break
		}
	}
	out := []*Deployment{composeDeployment(r, baseName, files, interp, layers...)}
	for _, rel := range append(r.List(".", ".yml"), r.List(".", ".yaml")...) {
		rel = strings.TrimPrefix(rel, "./")
		variant, ok := strings.CutPrefix(rel, stem+".")
		if !ok || rel == baseName || !strings.Contains(variant, ".") || strings.HasPrefix(variant, "override.") {
			continue
		}
		if devOnly(variant) {
			continue
		}
		f := r.Read(rel)
		if f == nil {
			continue
		}
		if d := r.YAML(f); d != nil {
			out = append(out, composeDeployment(r, rel, []string{baseName, rel}, interp, append([]*parser.YAMLDoc{d}, layers...)...))
		}
	}
	return out
}

// devOnly reports whether a file variant ("dev.yml", "test.yaml") is for
// development: not a deployment.
func devOnly(variant string) bool {
	name := strings.ToLower(strings.SplitN(variant, ".", 2)[0])
	for _, w := range []string{"dev", "development", "test", "ci", "local", "e2e", "spec"} {
		if name == w || strings.HasPrefix(name, w+"-") || strings.HasSuffix(name, "-"+w) {
			return true
		}
	}
	return false
}

// composeInterpolation is the project's .env file: Compose interpolates
// ${VAR} in the compose file from it (and the shell, which poollint does
// not see).
func composeInterpolation(r Reader) map[string]string {
	out := map[string]string{}
	if f := r.Read(".env"); f != nil {
		for _, v := range ReadDotenv(f, ".env") {
			out[v.Name] = v.Value
		}
	}
	return out
}

func composeDeployment(r Reader, name string, files []string, interp map[string]string, docs ...*parser.YAMLDoc) *Deployment {
	d := &Deployment{Name: name, Platform: Compose, Files: files}
	services := rootLayers(docs...).get("services")
	if !services.isMapping() {
		return d
	}
	for _, svc := range services.keys() {
		if role := composeRole(r, d, svc, services.get(svc), interp); role != nil {
			d.Roles = append(d.Roles, role)
		}
	}
	return d
}

func composeRole(r Reader, d *Deployment, name string, v layered, interp map[string]string) *Role {
	if !v.isMapping() {
		return nil
	}
	build := v.get("build")
	if !build.present() {
		return nil // an image from a registry: not the app
	}
	if rs := v.get("restart"); rs.present() && rs.top().node.Kind == yaml.ScalarNode && rs.top().node.Value == "no" {
		return nil // a one-off task (db:prepare, setup) that exits
	}
	dockerfile := "Dockerfile"
	context := "."
	if build.isMapping() {
		if c := build.get("context"); c.present() && c.top().node.Kind == yaml.ScalarNode {
			context = c.top().node.Value
		}
		if df := build.get("dockerfile"); df.present() && df.top().node.Kind == yaml.ScalarNode {
			dockerfile = df.top().node.Value
		}
	} else if build.top().node.Kind == yaml.ScalarNode {
		context = build.top().node.Value
	}
	if c := path.Clean(context); c != "." {
		// Built from another directory: another app's image.
		return nil
	}
	if devOnly(strings.TrimPrefix(path.Base(dockerfile), "Dockerfile.")) {
		return nil
	}
	img := readDockerfileAt(r, dockerfile)
	role := &Role{Name: name, Deployment: d, Span: v.top().keySpan()}
	if img != nil {
		role.Env = append(role.Env, img.env...)
	}
	if cmd := v.get("command"); cmd.present() {
		role.Command, role.CommandSource = composeCommand(r, name, cmd.top())
		if !v.get("entrypoint").present() {
			// The image's script ENTRYPOINT still runs the command; a
			// service's own entrypoint: replaces it (not read).
			role.Command = img.run(role.Command)
		}
	} else if img != nil && img.Command != nil {
		e := *img.Command
		e.Name = name
		role.Command, role.CommandSource = &e, "the image's CMD ("+img.file.Path+")"
	} else {
		r.Problem(role.Span, "the `"+name+"` service of "+d.Name+" has no command: and its image's CMD could not be read", true)
	}
	role.Env = append(role.Env, composeEnvFiles(r, v.get("env_file"))...)
	role.Env = append(role.Env, composeEnvironment(v.get("environment"), "services."+name+".environment", interp)...)
	role.Copies = composeReplicas(v, name, d.Name, interp)
	return role
}

func composeCommand(r Reader, name string, x layer) (*parser.ProcfileEntry, string) {
	source := "command of the `" + name + "` service (" + x.doc.File.Path + ")"
	switch x.node.Kind {
	case yaml.ScalarNode:
		e := x.command(name)
		return &e, source
	case yaml.SequenceNode:
		var args []string
		var spans []parser.Span
		for _, item := range x.node.Content {
			item = parser.Resolve(item)
			if item == nil || item.Kind != yaml.ScalarNode {
				r.Problem(x.span(), "the command of the `"+name+"` service is not a list of strings; not read", false)
				return nil, source
			}
			args = append(args, item.Value)
			spans = append(spans, x.doc.Span(item))
		}
		e := parser.ParseExecForm(x.doc.File, name, args, spans, x.span())
		return &e, source
	}
	return nil, source
}

// composeEnvFiles reads env_file: a path, a list of paths, or a list of
// {path:, required:}.
func composeEnvFiles(r Reader, v layered) []Var {
	if !v.present() {
		return nil
	}
	x := v.top()
	var paths []string
	add := func(n *yaml.Node) {
		n = parser.Resolve(n)
		switch {
		case n == nil:
		case n.Kind == yaml.ScalarNode:
			paths = append(paths, n.Value)
		case n.Kind == yaml.MappingNode:
			if p, _ := x.doc.Lookup(n, "path"); p != nil && p.Kind == yaml.ScalarNode {
				paths = append(paths, p.Value)
			}
		}
	}
	if x.node.Kind == yaml.SequenceNode {
		for _, item := range x.node.Content {
			add(item)
		}
	} else {
		add(x.node)
	}
	var out []Var
	for _, p := range paths {
		if f := r.Read(p); f != nil {
			out = append(out, ReadDotenv(f, f.Path)...)
		}
	}
	return out
}

// composeEnvironment reads environment: as a map (NAME: value; a null
// value passes the host's variable through, which poollint cannot see) or
// a list (- NAME=value; a bare - NAME likewise).
func composeEnvironment(v layered, source string, interp map[string]string) []Var {
	if !v.present() {
		return nil
	}
	var out []Var
	x := v.top()
	where := source + " in " + x.doc.File.Path
	if v.isMapping() {
		for _, name := range v.keys() {
			t := v.get(name).top()
			if t.node.Kind != yaml.ScalarNode || t.node.Tag == "!!null" {
				continue
			}
			out = append(out, composeVar(name, t.node.Value, t.doc, t.node, t.keySpan(), source+" in "+t.doc.File.Path, interp))
		}
		return out
	}
	if x.node.Kind != yaml.SequenceNode {
		return nil
	}
	for _, item := range x.node.Content {
		item = parser.Resolve(item)
		if item == nil || item.Kind != yaml.ScalarNode {
			continue
		}
		name, value, ok := strings.Cut(item.Value, "=")
		if !ok {
			continue
		}
		sp := x.doc.Span(item)
		v := composeVar(name, value, x.doc, nil, sp, where, interp)
		if item.Style == 0 {
			vs := sp.Start.Offset + len(name) + 1
			v.Span = x.doc.File.Span(vs, sp.End.Offset)
		}
		out = append(out, v)
	}
	return out
}

// composeVar builds a variable, interpolating ${X:-d} the way Compose does.
func composeVar(name, value string, doc *parser.YAMLDoc, node *yaml.Node, keySpan parser.Span, source string, interp map[string]string) Var {
	v := Var{Name: name, Value: value, Span: keySpan, KeySpan: keySpan, Source: source}
	if node != nil {
		v.Span = doc.Span(node)
		v.Fixable = node.Style == 0
	}
	if strings.Contains(value, "$") {
		v.Value = interpolate(value, interp)
		v.Fixable = false
	} else if node == nil {
		v.Fixable = true
	}
	return v
}

// interpolate expands $X, ${X}, ${X:-d} and ${X-d} in s from env, as
// Compose interpolates its files; a variable env lacks is unset, so a
// written default applies.
func interpolate(s string, env map[string]string) string {
	w, err := syntax.NewParser().Document(strings.NewReader(s))
	if err != nil {
		return s
	}
	cfg := &expand.Config{Env: expand.FuncEnviron(func(name string) string { return env[name] })}
	out, err := expand.Document(cfg, w)
	if err != nil {
		return s
	}
	return out
}

// composeReplicas is deploy.replicas, else scale:, else 1 (assumed).
func composeReplicas(v layered, name, file string, interp map[string]string) Copies {
	c := Copies{N: 1, Unit: Compose.Unit(), Assumed: true, Source: "no deploy.replicas or scale: for the `" + name + "` service of " + file + ": assuming 1 replica"}
	for _, key := range [][]string{{"deploy", "replicas"}, {"scale"}} {
		x := v
		for _, k := range key {
			x = x.get(k)
		}
		if !x.present() || x.top().node.Kind != yaml.ScalarNode {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(interpolate(x.top().node.Value, interp)))
		if err != nil || n < 0 {
			continue
		}
		return Copies{N: n, Unit: Compose.Unit(), Span: x.top().span(), Source: "services." + name + "." + strings.Join(key, ".") + " of " + x.top().doc.File.Path}
	}
	return c
}
