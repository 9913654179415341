package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// ValueFromWord builds the Value of a shell word from a Procfile line:
// literals, $X, ${X-d} and ${X:-d} (the default itself a word).
func ValueFromWord(w parser.Word) *Value {
	return valueFromParts(w.Parts, w.Span, w.Raw)
}

func valueFromParts(parts []parser.WordPart, span parser.Span, raw string) *Value {
	if len(parts) == 0 {
		return &Value{Op: OpStr, Str: "", Span: span, Text: raw}
	}
	if len(parts) == 1 && parts[0].Param != "" {
		p := parts[0]
		v := &Value{Op: OpEnv, Str: p.Param, Style: ShellPlain, Span: span, Text: raw}
		if p.Default != nil {
			v.Style = ShellDefault
			if p.ColonDefault {
				v.Style = ShellColonDef
			}
			v.Args = []*Value{ValueFromWord(*p.Default)}
		}
		return v
	}
	var lit strings.Builder
	for _, p := range parts {
		if p.Param != "" || p.Unsupported != "" {
			return Unknown("cannot evaluate the shell word "+raw+" statically", span, raw)
		}
		lit.WriteString(p.Lit)
	}
	if n, ok := atoiLoose(lit.String()); ok {
		return Lit(n, span, raw)
	}
	return &Value{Op: OpStr, Str: lit.String(), Span: span, Text: raw}
}

// threadsMaxFromWord reads the max of Puma's `-t min:max` (or `-t n`).
func threadsMaxFromWord(w parser.Word) *Value {
	// Find the last ':' in a literal part; what follows is the max.
	for i := len(w.Parts) - 1; i >= 0; i-- {
		p := w.Parts[i]
		if p.Param != "" || p.Unsupported != "" {
			continue
		}
		if j := strings.LastIndex(p.Lit, ":"); j >= 0 {
			rest := []parser.WordPart{}
			if tail := p.Lit[j+1:]; tail != "" {
				rest = append(rest, parser.WordPart{Lit: tail})
			}
			rest = append(rest, w.Parts[i+1:]...)
			return valueFromParts(rest, w.Span, w.Raw)
		}
	}
	return ValueFromWord(w)
}
