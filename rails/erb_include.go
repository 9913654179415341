package rails

import (
	"path"
	"regexp"
	"strings"
)

// `<%= ERB.new(File.read(path)).result %>` renders another file of the
// app in place of the tag. The path is rarely a literal: apps pick a
// sibling (`File.join(__dir__, "database.#{adapter}.yml")`), so the path
// expression's string pieces become a pattern (an interpolation matches
// anything) and every app file that matches is a candidate.

var (
	rePathCall = regexp.MustCompile(`(?:Rails\.root\.join|File\.join|File\.expand_path|Pathname\.new)\(([^()]*(?:\([^()]*\)[^()]*)*)\)|"([^"]*)"|'([^']*)'`)
	reInterp   = regexp.MustCompile(`#\{[^}]*\}`)
)

// includePatterns reads the path patterns a path expression may produce,
// relative to the app root; outside is set when one of them names a file
// poollint cannot see (a gem's directory).
func includePatterns(expr, fileDir string) (patterns []string, outside bool) {
	for _, m := range rePathCall.FindAllStringSubmatch(expr, -1) {
		var p string
		switch {
		case m[1] != "" || strings.HasPrefix(m[0], "Rails.root") || strings.HasPrefix(m[0], "File."):
			call, _, _ := strings.Cut(m[0], "(")
			var ok bool
			p, ok = joinPathArgs(call, m[1], fileDir)
			if !ok {
				outside = true
				continue
			}
		case m[2] != "" || m[3] != "":
			p = m[2] + m[3]
			if !strings.Contains(p, "/") && !strings.HasSuffix(p, ".yml") {
				continue
			}
		default:
			continue
		}
		p = path.Clean(reInterp.ReplaceAllString(p, "*"))
		if strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
			outside = true
			continue
		}
		patterns = append(patterns, p)
	}
	return patterns, outside
}

// joinPathArgs joins the arguments of Rails.root.join / File.join /
// File.expand_path when each is a string, __dir__, __FILE__'s directory or
// Rails.root; ok false for anything else.
func joinPathArgs(call, args, fileDir string) (string, bool) {
	var parts []string
	list := splitArgs(args)
	if call == "File.expand_path" && len(list) == 2 {
		// File.expand_path("../x.yml", __FILE__) is relative to the file itself.
		list = []string{list[1], list[0]}
	}
	for _, a := range list {
		a = strings.TrimSpace(a)
		switch {
		case a == "__dir__" || a == "File.dirname(__FILE__)":
			parts = append(parts, fileDir)
		case a == "__FILE__":
			parts = append(parts, path.Join(fileDir, "_"))
		case a == "Rails.root" || a == "Rails.root.to_s":
			parts = append(parts, ".")
		case len(a) >= 2 && (a[0] == '"' && a[len(a)-1] == '"' || a[0] == '\'' && a[len(a)-1] == '\''):
			parts = append(parts, a[1:len(a)-1])
		default:
			return "", false
		}
	}
	if call == "Rails.root.join" {
		parts = append([]string{"."}, parts...)
	}
	return path.Join(parts...), len(parts) > 0
}

// splitArgs splits an argument list at its top-level commas.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// renderInclude picks the file an include renders in this variant.
func (r *erbRenderer) renderInclude(n *erbNode, arg string, scope *erbScope) {
	expr := strings.TrimSpace(arg)
	if v, ok := scope.locals[expr]; ok {
		expr = v.Text
	}
	patterns, outside := includePatterns(expr, path.Dir(r.f.Path))
	var cands []string
	seen := map[string]bool{r.f.Path: true}
	for _, p := range patterns {
		for _, c := range r.files(p) {
			if !seen[c] {
				seen[c] = true
				cands = append(cands, c)
			}
		}
	}
	t := n.tag
	if outside {
		r.v.notes = append(r.v.notes, erbNote{tag: t, s: t.Start, e: t.End, msg: "ERB may render a file outside the app here (" + oneLine(arg) + "); only the app's own files were read"})
	}
	if len(cands) == 0 {
		r.v.notes = append(r.v.notes, erbNote{tag: t, s: t.Start, e: t.End, skipped: true, msg: "ERB renders another file here (" + oneLine(arg) + ") and no file of the app matches it"})
		return
	}
	c := 0
	if len(cands) > 1 {
		c = r.choose(len(cands))
		r.v.when = append(r.v.when, erbAssumption{When: "when " + r.f.Path + " renders " + cands[c], Tag: t})
	}
	r.v.include, r.v.includeTag = cands[c], &t
}

// appFiles lists the app's files matching a slash pattern (one directory).
func (a *App) appFiles(pattern string) []string {
	dir := path.Dir(pattern)
	if strings.ContainsAny(dir, "*?[") {
		return nil
	}
	var out []string
	for _, f := range a.listDir(dir, "") {
		if ok, _ := path.Match(pattern, f); ok {
			out = append(out, f)
		}
	}
	return out
}
