package deploy

import (
	"path"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/poollint/poollint/parser"
)

// Fly (fly.toml): each `[processes]` entry (group name → command) is a
// role; without `[processes]` the app runs the Dockerfile's CMD as the
// `app` group. `[env]` is every group's environment, over the image's ENV.
// `[deploy] release_command` runs on a temporary machine before each
// deploy: a `release` role. fly.toml does not say how many machines run a
// group (`fly scale count` does), so each group is assumed to run on 1
// machine, marked assumed.
//
// The file is read with go-toml/v2's unstable parser because it keeps the
// byte range of every key and value: the spans point at what is written,
// so messages and later fixes land on the right bytes.

const flyFile = "fly.toml"

// tomlValue is one key's value with where it is written.
type tomlValue struct {
	key   string // the last part of the key
	value string // the string's content, or the raw text of a number
	str   bool   // a string (its Span includes the quotes)
	span  parser.Span
	kspan parser.Span
}

func readFly(r Reader) []*Deployment {
	f := r.Read(flyFile)
	if f == nil {
		return nil
	}
	tables, err := tomlTables(f)
	if err != nil {
		r.Problem(f.Span(0, 0), flyFile+" could not be read as TOML: "+err.Error(), false)
		return nil
	}
	d := &Deployment{Name: flyFile, Platform: Fly, Files: []string{flyFile}}
	dockerfile := "Dockerfile"
	for _, v := range tables["build"] {
		if v.key == "dockerfile" && v.str {
			dockerfile = path.Clean(v.value)
		}
	}
	img := readDockerfileAt(r, dockerfile)
	var env []Var
	if img != nil {
		env = append(env, img.env...)
	}
	for _, v := range tables["env"] {
		env = append(env, Var{Name: v.key, Value: v.value, Span: v.span, KeySpan: v.kspan, Source: "[env] of " + flyFile, Fixable: !v.str})
	}
	for _, p := range tables["processes"] {
		if !p.str {
			continue
		}
		e := parser.ParseCommandText(f, p.key, p.value, p.span)
		d.Roles = append(d.Roles, &Role{
			Name: p.key, Deployment: d, Span: p.kspan,
			Command: img.run(&e), CommandSource: "[processes] " + p.key + " of " + flyFile,
			Env: env, Copies: flyMachines(p.key, p.kspan),
		})
	}
	if len(tables["processes"]) == 0 {
		role := &Role{Name: "app", Deployment: d, Span: f.Span(0, 0), Env: env, Copies: flyMachines("app", parser.Span{})}
		if img != nil && img.Command != nil {
			e := *img.Command
			e.Name = "app"
			role.Command, role.CommandSource, role.Span = &e, "the image's CMD ("+img.file.Path+")", e.CommandSpan
		} else {
			r.Problem(role.Span, flyFile+" has no [processes] and the image's CMD could not be read", true)
		}
		d.Roles = append(d.Roles, role)
	}
	for _, v := range tables["deploy"] {
		if v.key != "release_command" || !v.str {
			continue
		}
		e := parser.ParseCommandText(f, "release", v.value, v.span)
		d.Roles = append(d.Roles, &Role{
			Name: "release", Deployment: d, Span: v.kspan,
			Command: &e, CommandSource: "[deploy] release_command of " + flyFile, Env: env,
			Copies: Copies{N: 1, Unit: Fly.Unit(), Span: v.kspan, Source: "release_command runs on one temporary machine before each deploy"},
			// "The release command is run in a temporary VM that is created
			// just before your application is deployed" (fly.io/docs, the
			// [deploy] section of fly.toml).
			OncePerDeploy: "runs once per deploy in a temporary Machine",
		})
	}
	return []*Deployment{d}
}

func flyMachines(group string, span parser.Span) Copies {
	return Copies{N: 1, Unit: Fly.Unit(), Assumed: true, Span: span,
		Source: flyFile + " does not say how many machines run the `" + group + "` group (fly scale count does): assuming 1 machine"}
}

// tomlTables reads a TOML file into its keys grouped by the table that
// holds them ("processes", "env", "deploy"; dotted keys and inline tables
// are flattened the same way), in the order written.
func tomlTables(f *parser.File) (map[string][]tomlValue, error) {
	p := unstable.Parser{}
	p.Reset(f.Src)
	out := map[string][]tomlValue{}
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table = tomlKey(e.Key())
		case unstable.ArrayTable:
			table = "[[" + tomlKey(e.Key()) + "]]" // [[vm]], [[services]]: not read
		case unstable.KeyValue:
			tomlKeyValue(f, out, table, e)
		}
	}
	return out, p.Error()
}

func tomlKeyValue(f *parser.File, out map[string][]tomlValue, table string, e *unstable.Node) {
	it := e.Key()
	var parts []string
	var last *unstable.Node
	for it.Next() {
		last = it.Node()
		parts = append(parts, string(last.Data))
	}
	if last == nil {
		return
	}
	holder := strings.Join(append([]string{table}, parts[:len(parts)-1]...), ".")
	holder = strings.TrimPrefix(holder, ".")
	kspan := f.Span(int(last.Raw.Offset), int(last.Raw.Offset+last.Raw.Length))
	v := e.Value()
	switch v.Kind {
	case unstable.String, unstable.Integer, unstable.Float, unstable.Bool:
		out[holder] = append(out[holder], tomlValue{
			key: parts[len(parts)-1], value: string(v.Data), str: v.Kind == unstable.String,
			span: f.Span(int(v.Raw.Offset), int(v.Raw.Offset+v.Raw.Length)), kspan: kspan,
		})
	case unstable.InlineTable:
		inner := strings.TrimPrefix(holder+"."+parts[len(parts)-1], ".")
		children := v.Children()
		for children.Next() {
			if c := children.Node(); c.Kind == unstable.KeyValue {
				tomlKeyValue(f, out, inner, c)
			}
		}
	}
}

// tomlKey joins a table header's key parts: [http_service.checks].
func tomlKey(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}
