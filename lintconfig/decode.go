package lintconfig

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// The keys each mapping of the file accepts, in the order the docs list them.
var (
	topKeys       = []string{"rails_env", "env", "select", "ignore", "severity", "formation", "database", "pgbouncer", "deployment"}
	databaseKeys  = []string{"max_connections", "plan"}
	pgbouncerKeys = []string{"host", "port", "mode", "max_prepared_statements", "processes"}
	poolModes     = []string{"transaction", "session", "statement"}
)

var (
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	processName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`) // as a Procfile names it
)

// decoder walks the YAML tree into a Config, collecting every problem
// rather than stopping at the first: a user fixing the file sees them all.
type decoder struct {
	c        *Config
	path     string
	doc      *parser.YAMLDoc
	problems []Problem
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) decode(f *parser.File) {
	doc, err := parser.ParseYAML(f)
	if err != nil {
		var ye *parser.YAMLError
		if errors.As(err, &ye) {
			d.problems = append(d.problems, Problem{Line: ye.Line, Msg: "not valid YAML: " + ye.Msg})
		} else {
			d.problems = append(d.problems, Problem{Msg: err.Error()})
		}
		return
	}
	if len(doc.Tags) > 0 {
		// ParseYAML masked them as Rails would render them; this file is
		// read by poollint alone, which runs no Ruby.
		line := f.Lines.Pos(doc.Tags[0].Start).Line
		d.problems = append(d.problems, Problem{Line: line, Msg: "ERB (<% %>) is not evaluated in " + FileName + "; write plain values"})
		return
	}
	d.doc = doc
	root := parser.Resolve(doc.Root)
	if root == nil {
		return // an empty file, or comments only
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "the file must be a mapping of settings (%s), not %s", strings.Join(topKeys, ", "), describe(root))
		return
	}
	for _, e := range d.entries(root, "", topKeys) {
		v := parser.Resolve(e.Value)
		switch e.Key {
		case "rails_env":
			if s, ok := d.str(v, "rails_env"); ok {
				if s == "" {
					d.errorf(v, "rails_env must not be empty")
				}
				d.c.RailsEnv = s
				d.span("rails_env", v)
			}
		case "deployment":
			if s, ok := d.str(v, "deployment"); ok {
				if s == "" {
					d.errorf(v, "deployment must not be empty")
				}
				d.c.Deployment = s
				d.span("deployment", v)
			}
		case "env":
			d.env(v)
		case "select":
			d.c.Select = d.ruleList(v, "select")
		case "ignore":
			d.c.Ignore = d.ruleList(v, "ignore")
		case "severity":
			d.severity(v)
		case "formation":
			d.formation(v)
		case "database":
			d.database(v)
		case "pgbouncer":
			d.pgbouncer(v)
		}
	}
}

// entries returns the entries of mapping m whose keys are allowed,
// reporting unknown keys. where names m in messages ("" for the top
// level).
func (d *decoder) entries(m *yaml.Node, where string, allowed []string) []parser.YAMLEntry {
	var out []parser.YAMLEntry
	for _, e := range d.allEntries(m, where) {
		if !slices.Contains(allowed, e.Key) {
			in := ""
			if where != "" {
				in = " in " + where
			}
			if hint := rules.Closest(e.Key, allowed); hint != "" {
				d.errorf(e.KeyNode, "unknown key %q%s (did you mean %q?)", e.Key, in, hint)
			} else {
				d.errorf(e.KeyNode, "unknown key %q%s; the keys are %s", e.Key, in, strings.Join(allowed, ", "))
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

// allEntries returns the entries of mapping m (merge keys resolved),
// reporting keys that are given twice or are not names.
func (d *decoder) allEntries(m *yaml.Node, where string) []parser.YAMLEntry {
	in := ""
	if where != "" {
		in = " in " + where
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a key%s must be a plain name, not %s", in, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, "key %q%s is given twice (first on line %d)", k.Value, in, first)
		}
		seen[k.Value] = k.Line
	}
	return d.doc.Entries(m)
}

func (d *decoder) span(key string, n *yaml.Node) { d.c.Spans[key] = d.doc.Span(n) }

// mapping checks that n is a mapping; what names it in the message.
func (d *decoder) mapping(n *yaml.Node, what, example string) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	if isNull(n) {
		return false // `env:` with nothing under it sets nothing
	}
	d.errorf(n, "%s must be a mapping, like %s, not %s", what, example, describe(n))
	return false
}

// str reads a string scalar. Numbers and booleans are refused: where a
// string is wanted, an unquoted 5 or true is more likely a mistake.
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return n.Value, true
	}
	d.errorf(n, "%s must be a string, not %s", what, describe(n))
	return "", false
}

// integer reads a whole number at least min.
func (d *decoder) integer(n *yaml.Node, what string, minimum int) (int, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32)
		if err == nil && int(v) >= minimum {
			return int(v), true
		}
		if err == nil {
			d.errorf(n, "%s must be at least %d, not %s", what, minimum, n.Value)
			return 0, false
		}
		if errors.Is(err, strconv.ErrRange) {
			d.errorf(n, "%s must be at most %d, not %s", what, math.MaxInt32, n.Value)
			return 0, false
		}
	}
	d.errorf(n, "%s must be a whole number, not %s", what, describe(n))
	return 0, false
}

func (d *decoder) env(n *yaml.Node) {
	if !d.mapping(n, "env", "{RAILS_MAX_THREADS: 5}") {
		return
	}
	d.c.Env = map[string]string{}
	for _, e := range d.allEntries(n, "env") {
		v := parser.Resolve(e.Value)
		what := "env." + e.Key
		if !envName.MatchString(e.Key) {
			d.errorf(e.KeyNode, "%q is not an environment variable name (letters, digits and _, not starting with a digit)", e.Key)
			continue
		}
		switch {
		case isNull(v):
			d.errorf(v, "%s has no value; write %s: \"\" for an empty variable", what, e.Key)
		case v.Kind != yaml.ScalarNode:
			d.errorf(v, "%s must be a string or a number, not %s", what, describe(v))
		default:
			// As written: the process sees text, and 5 and "5" are the same.
			d.c.Env[e.Key] = v.Value
			d.span(what, v)
		}
	}
}

func (d *decoder) ruleList(n *yaml.Node, what string) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list of rule IDs, like [puma-threads-exceed-pool], not %s", what, describe(n))
		return nil
	}
	var ids []string
	for _, item := range n.Content {
		item = parser.Resolve(item)
		id, ok := d.str(item, what+" entry")
		if ok && d.ruleID(item, id, what) {
			ids = append(ids, id)
		}
	}
	d.span(what, n)
	return ids
}

// ruleID checks that id names a rule.
func (d *decoder) ruleID(n *yaml.Node, id, where string) bool {
	if rules.ByID(id) != nil {
		return true
	}
	if hint := rules.SuggestID(id); hint != "" {
		d.errorf(n, "unknown rule %q in %s (did you mean %q?)", id, where, hint)
	} else {
		d.errorf(n, "unknown rule %q in %s; `poollint rules` lists them", id, where)
	}
	return false
}

func (d *decoder) severity(n *yaml.Node) {
	if !d.mapping(n, "severity", "{pool-not-tied-to-threads: info}") {
		return
	}
	d.c.Severity = map[string]rules.Severity{}
	for _, e := range d.allEntries(n, "severity") {
		v := parser.Resolve(e.Value)
		if !d.ruleID(e.KeyNode, e.Key, "severity") {
			continue
		}
		s, ok := d.str(v, "severity."+e.Key)
		if !ok {
			continue
		}
		sev, ok := rules.ParseSeverity(s)
		if !ok {
			d.errorf(v, "severity.%s must be error, warning or info, not %q", e.Key, s)
			continue
		}
		d.c.Severity[e.Key] = sev
		d.span("severity."+e.Key, v)
	}
}

func (d *decoder) formation(n *yaml.Node) {
	if !d.mapping(n, "formation", "{web: 2, worker: 1}") {
		return
	}
	d.c.Formation = map[string]int{}
	for _, e := range d.allEntries(n, "formation") {
		v := parser.Resolve(e.Value)
		if !processName.MatchString(e.Key) {
			d.errorf(e.KeyNode, "%q is not a process type name (letters, digits, _ and -, as in the Procfile)", e.Key)
			continue
		}
		if dynos, ok := d.integer(v, "formation."+e.Key, 0); ok {
			d.c.Formation[e.Key] = dynos
			d.span("formation."+e.Key, v)
		}
	}
}

func (d *decoder) database(n *yaml.Node) {
	if !d.mapping(n, "database", "{max_connections: 120} or {plan: standard-0}") {
		return
	}
	entries := d.entries(n, "database", databaseKeys)
	if len(entries) == 2 {
		d.errorf(n, "database takes max_connections or plan, not both")
		return
	}
	for _, e := range entries {
		v := parser.Resolve(e.Value)
		switch e.Key {
		case "max_connections":
			if limit, ok := d.integer(v, "database.max_connections", 1); ok {
				d.c.Database.MaxConnections = limit
				d.span("database.max_connections", v)
			}
		case "plan":
			if plan, ok := d.str(v, "database.plan"); ok {
				if plan == "" {
					d.errorf(v, "database.plan must not be empty")
					continue
				}
				d.c.Database.Plan = plan
				d.span("database.plan", v)
			}
		}
	}
}

func (d *decoder) pgbouncer(n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "pgbouncer must be a list of PgBouncers, like [{host: pgbouncer.internal, port: 6432}], not %s", describe(n))
		return
	}
	for i, item := range n.Content {
		item = parser.Resolve(item)
		where := "pgbouncer entry " + strconv.Itoa(i+1)
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "%s must be a mapping with host: (and port:, mode:, max_prepared_statements:, processes:), not %s", where, describe(item))
			continue
		}
		decl := PgBouncerDecl{Span: d.doc.Span(item)}
		hasHost := false
		for _, e := range d.entries(item, where, pgbouncerKeys) {
			v := parser.Resolve(e.Value)
			what := where + " " + e.Key
			switch e.Key {
			case "host":
				if host, ok := d.str(v, what); ok && host != "" {
					decl.Host, hasHost = host, true
				} else if ok {
					d.errorf(v, "%s must not be empty", what)
				}
			case "port":
				if port, ok := d.integer(v, what, 1); ok {
					if port > 65535 {
						d.errorf(v, "%s must be a TCP port (1-65535), not %d", what, port)
						continue
					}
					decl.Port = port
				}
			case "mode":
				if mode, ok := d.str(v, what); ok {
					if !slices.Contains(poolModes, mode) {
						d.errorf(v, "%s must be transaction, session or statement, not %q", what, mode)
						continue
					}
					decl.Mode = mode
				}
			case "max_prepared_statements":
				decl.MaxPreparedStatements, _ = d.integer(v, what, 0)
			case "processes":
				decl.Processes = d.processes(v, what)
			}
		}
		if !hasHost {
			d.errorf(item, "%s needs host: (the host the app connects to PgBouncer on)", where)
			continue
		}
		d.c.PgBouncer = append(d.c.PgBouncer, decl)
		d.span("pgbouncer."+strconv.Itoa(i), item)
	}
}

func (d *decoder) processes(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list of process types, like [web, worker], not %s", what, describe(n))
		return nil
	}
	var out []string
	for _, item := range n.Content {
		item = parser.Resolve(item)
		if name, ok := d.str(item, what+" entry"); ok {
			if !processName.MatchString(name) {
				d.errorf(item, "%q is not a process type name (letters, digits, _ and -, as in the Procfile)", name)
				continue
			}
			out = append(out, name)
		}
	}
	return out
}

// describe names the kind of a node for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		case "!!null":
			return "empty"
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return n.ShortTag() + " " + n.Value
	}
	return "an alias"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}
