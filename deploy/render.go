package deploy

import (
	"path"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// Render (render.yaml, a Blueprint): each service of type web, worker,
// pserv or cron that runs this app is a role. A native (ruby) service runs
// its `startCommand`; a docker service runs its `dockerCommand`, else the
// CMD of the Dockerfile it builds (`dockerfilePath`), whose ENV it also
// gets. `envVars` entries with a `value` are read; `fromDatabase`,
// `fromService`, `generateValue` and `sync: false` are values Render fills
// in at deploy time, so the name is recorded with its value unknown, never
// guessed. `fromGroup` reads the named `envVarGroups` entry. Copies are
// `numInstances`, else `scaling.maxInstances` (the most that can run at
// once, which is what the connection budget must hold), else 1 (assumed).
//
// Databases (`databases:` with a `plan`) are named but their connection
// limit is left unknown: poollint records only limits with a documented
// source, and none is recorded for Render's plans.

const renderFile = "render.yaml"

func readRender(r Reader) []*Deployment {
	f := r.Read(renderFile)
	if f == nil {
		return nil
	}
	doc := r.YAML(f)
	if doc == nil {
		return nil
	}
	root := rootLayers(doc)
	d := &Deployment{Name: renderFile, Platform: Render, Files: []string{renderFile}}
	groups := renderEnvGroups(doc, root.get("envVarGroups"))
	for _, item := range renderItems(root.get("services")) {
		if role := renderRole(r, d, doc, item, groups); role != nil {
			d.Roles = append(d.Roles, role)
		}
	}
	for _, db := range renderItems(root.get("databases")) {
		renderDatabase(r, doc, db)
	}
	return []*Deployment{d}
}

// renderItems is the mappings of a list (services:, databases:).
func renderItems(v layered) []layered {
	if !v.present() || v.top().node.Kind != yaml.SequenceNode {
		return nil
	}
	x := v.top()
	var out []layered
	for _, item := range x.node.Content {
		item = parser.Resolve(item)
		if item != nil && item.Kind == yaml.MappingNode {
			out = append(out, layered{{doc: x.doc, node: item}})
		}
	}
	return out
}

// scalar is the value of a scalar key, "" when absent or not a scalar.
func scalar(v layered, key string) (string, layered) {
	x := v.get(key)
	if !x.present() || x.top().node.Kind != yaml.ScalarNode {
		return "", nil
	}
	return x.top().node.Value, x
}

func renderRole(r Reader, d *Deployment, doc *parser.YAMLDoc, v layered, groups map[string][]Var) *Role {
	name, nameAt := scalar(v, "name")
	kind, _ := scalar(v, "type")
	switch kind {
	case "web", "worker", "pserv", "cron":
	default:
		return nil // redis, keyvalue, a static site: not the app's processes
	}
	runtime, _ := scalar(v, "runtime")
	if runtime == "" {
		runtime, _ = scalar(v, "env") // the key's older name
	}
	if runtime == "static" || runtime == "image" {
		return nil // a static site, or an image pulled from a registry: not this app
	}
	if dir, _ := scalar(v, "rootDir"); dir != "" && path.Clean(dir) != "." {
		return nil // another app of the repository
	}
	if name == "" {
		name = kind
	}
	role := &Role{Name: name, Deployment: d, Span: v.top().span()}
	if nameAt != nil {
		role.Span = nameAt.top().span()
	}
	var img *image
	if runtime == "docker" {
		df, _ := scalar(v, "dockerfilePath")
		if df == "" {
			df = "Dockerfile"
		}
		img = readDockerfileAt(r, path.Clean(df))
		if img != nil {
			role.Env = append(role.Env, img.env...)
		}
	}
	cmdKey := "startCommand"
	if runtime == "docker" {
		cmdKey = "dockerCommand"
	}
	if cmd := v.get(cmdKey); cmd.present() {
		role.Command, _ = composeCommand(r, name, cmd.top())
		role.CommandSource = cmdKey + " of the `" + name + "` service (" + renderFile + ")"
	} else if img != nil && img.Command != nil {
		e := *img.Command
		e.Name = name
		role.Command, role.CommandSource = &e, "the image's CMD ("+img.file.Path+")"
	} else {
		r.Problem(role.Span, "the `"+name+"` service of "+renderFile+" has no "+cmdKey+" poollint could read", true)
	}
	role.Env = append(role.Env, renderEnvVars(doc, v.get("envVars"), "envVars of the `"+name+"` service in "+renderFile, groups)...)
	role.Copies = renderInstances(v, name, kind)
	return role
}

// renderEnvVars reads a list of envVars entries.
func renderEnvVars(doc *parser.YAMLDoc, v layered, source string, groups map[string][]Var) []Var {
	var out []Var
	for _, item := range renderItems(v) {
		if g, _ := scalar(item, "fromGroup"); g != "" {
			out = append(out, groups[g]...)
			continue
		}
		key, keyAt := scalar(item, "key")
		if key == "" {
			continue
		}
		keySpan := keyAt.top().span()
		if val := item.get("value"); val.present() && val.top().node.Kind == yaml.ScalarNode {
			n := val.top().node
			out = append(out, Var{Name: key, Value: n.Value, Span: doc.Span(n), KeySpan: keySpan, Source: source, Fixable: n.Style == 0})
			continue
		}
		// fromDatabase, fromService, generateValue, sync: false — the value is
		// set by Render when it deploys; poollint cannot know it.
		out = append(out, Var{Name: key, Secret: true, FilledBy: renderFiller(item), Span: keySpan, KeySpan: keySpan, Source: source + ", set by Render at deploy time"})
	}
	return out
}

// renderFiller says who fills in an envVars entry without a value: most
// are not secrets (a database's connection string, a generated value).
func renderFiller(item layered) string {
	switch {
	case item.get("fromDatabase").present():
		db, _ := scalar(item.get("fromDatabase"), "name")
		prop, _ := scalar(item.get("fromDatabase"), "property")
		return "filled in by Render from the `" + db + "` database (" + prop + ")"
	case item.get("fromService").present():
		svc, _ := scalar(item.get("fromService"), "name")
		return "filled in by Render from the `" + svc + "` service"
	case item.get("generateValue").present():
		return "a value Render generates"
	}
	return "set in the Render dashboard (sync: false)"
}

// renderEnvGroups reads envVarGroups: name → its envVars.
func renderEnvGroups(doc *parser.YAMLDoc, v layered) map[string][]Var {
	out := map[string][]Var{}
	for _, g := range renderItems(v) {
		if name, _ := scalar(g, "name"); name != "" {
			out[name] = renderEnvVars(doc, g.get("envVars"), "envVarGroups `"+name+"` in "+renderFile, nil)
		}
	}
	return out
}

// renderInstances is numInstances, else scaling.maxInstances, else 1.
func renderInstances(v layered, name, kind string) Copies {
	unit := Render.Unit()
	if s, at := scalar(v, "numInstances"); at != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return Copies{N: n, Unit: unit, Span: at.top().span(), Source: "numInstances of the `" + name + "` service in " + renderFile}
		}
	}
	if s, at := scalar(v.get("scaling"), "maxInstances"); at != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return Copies{N: n, Unit: unit, Ranged: true, Span: at.top().span(),
				Source: "Render autoscales the `" + name + "` service up to scaling.maxInstances in " + renderFile + "; the budget uses the maximum, the most instances that can run at once"}
		}
	}
	if kind == "cron" {
		return Copies{N: 1, Unit: unit, Assumed: true, Source: "the `" + name + "` cron job of " + renderFile + ": assuming 1 run at a time"}
	}
	return Copies{N: 1, Unit: unit, Assumed: true, Source: "no numInstances or scaling for the `" + name + "` service of " + renderFile + ": assuming Render's default of 1 instance"}
}

// renderDatabase says that a database's connection limit is not known.
func renderDatabase(r Reader, doc *parser.YAMLDoc, v layered) {
	name, at := scalar(v, "name")
	if at == nil {
		return
	}
	msg := "the `" + name + "` database of " + renderFile
	if plan, _ := scalar(v, "plan"); plan != "" {
		msg += " (plan " + plan + ")"
	}
	r.Problem(doc.Span(at.top().node), msg+": poollint does not know its connection limit; the budget is not checked against it", true)
}
