package deploy

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// ReadDotenv reads a dotenv file (Compose's env_file:, .env, the files
// dotenv-rails loads): one `NAME=value` per line, `export ` allowed, `#`
// comments, the value optionally in single or double quotes. Lines it cannot read are skipped:
// Compose would reject the file, and poollint then knows less, not wrong.
func ReadDotenv(f *parser.File, source string) []Var {
	var out []Var
	for line := 1; line <= f.Lines.LineCount(); line++ {
		start, end := f.Lines.LineBounds(line)
		text := string(f.Src[start:end])
		trimmed := strings.TrimLeft(text, " \t")
		lead := len(text) - len(trimmed)
		if rest, ok := strings.CutPrefix(trimmed, "export "); ok {
			lead += len(trimmed) - len(rest)
			trimmed = rest
		}
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq <= 0 {
			continue
		}
		name := strings.TrimSpace(trimmed[:eq])
		if strings.ContainsAny(name, " \t\"'") {
			continue
		}
		vs := start + lead + eq + 1
		ve := end
		for ve > vs && (f.Src[ve-1] == '\r' || f.Src[ve-1] == ' ' || f.Src[ve-1] == '\t') {
			ve--
		}
		raw := string(f.Src[vs:ve])
		value, fixable := raw, true
		if n := len(raw); n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n-1] == raw[0] {
			vs, ve = vs+1, ve-1
			value = raw[1 : n-1]
			fixable = !strings.ContainsAny(value, `\$`)
		} else if i := strings.Index(raw, " #"); i >= 0 {
			value = strings.TrimRight(raw[:i], " \t")
			ve = vs + len(value)
		}
		ks := start + lead
		out = append(out, Var{Name: name, Value: value, Span: f.Span(vs, ve), KeySpan: f.Span(ks, ks+len(name)),
			Source: source, Fixable: fixable && !strings.Contains(value, "$")})
	}
	return out
}
