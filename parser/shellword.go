package parser

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Word is one shell word of a command line, kept symbolic: literal parts
// and parameter expansions. Nothing is expanded, because the value of
// `${SIDEKIQ_CONCURRENCY:-5}` depends on the process's environment, which
// only the model knows; the rules need the variable and its default, not a
// string.
type Word struct {
	Span  Span
	Raw   string // source text
	Parts []WordPart
}

// WordPart is one piece of a Word. Exactly one of Lit (possibly empty),
// Param or Unsupported describes it.
type WordPart struct {
	Lit          string // literal text (quotes removed) when Param == "" and Unsupported == ""
	Param        string // variable name for $X, ${X}, ${X:-d}, ${X-d}
	Default      *Word  // the default word of ${X:-d} / ${X-d}; nil if none
	ColonDefault bool   // ":-" (empty counts as unset) vs "-"
	Unsupported  string // any other expansion ($(cmd), ${X:=y}, arithmetic...): its source text
}

// Literal returns the word's text when it has no expansions.
func (w Word) Literal() (string, bool) {
	if len(w.Parts) == 1 { // most words: the part's text, not a copy of it
		p := w.Parts[0]
		if p.Param != "" || p.Unsupported != "" {
			return "", false
		}
		return p.Lit, true
	}
	var sb strings.Builder
	for _, p := range w.Parts {
		if p.Param != "" || p.Unsupported != "" {
			return "", false
		}
		sb.WriteString(p.Lit)
	}
	return sb.String(), true
}

// String returns the word as written.
func (w Word) String() string { return w.Raw }

// cutPrefix returns the word without its first n bytes of literal text,
// which must all come from its first part (a flag name such as
// "--concurrency=" in "--concurrency=${C:-5}"). The span and Raw shrink only
// when the prefix is written unquoted in the source; otherwise they keep
// pointing at the whole word, which is the best a diagnostic can do.
func (w Word) cutPrefix(n int) Word {
	if len(w.Parts) == 0 || w.Parts[0].Param != "" || w.Parts[0].Unsupported != "" || len(w.Parts[0].Lit) < n {
		return w
	}
	prefix := w.Parts[0].Lit[:n]
	out := Word{Span: w.Span, Raw: w.Raw}
	rest := w.Parts[0].Lit[n:]
	if rest != "" {
		out.Parts = append(out.Parts, WordPart{Lit: rest})
	}
	out.Parts = append(out.Parts, w.Parts[1:]...)
	if strings.HasPrefix(w.Raw, prefix) {
		out.Raw = w.Raw[n:]
		// A shell word never spans lines in a Procfile, so shifting the
		// column with the offset stays exact.
		out.Span.Start.Offset += n
		out.Span.Start.Col += n
	}
	return out
}

// Flag returns the value word of a flag in argv (argv[0] is the program and
// is not searched). For names {"-c", "--concurrency"} it reads "-c 5",
// "-c5", "--concurrency=5" and "--concurrency 5"; names are matched exactly,
// so "-t 25" (Sidekiq's timeout) is never read as "-c". The last occurrence
// wins, as with Ruby's OptionParser; "--" ends the options. at is the index
// in argv of the word holding the flag name. ok is false when the flag is
// absent or has no value.
func Flag(argv []Word, names ...string) (value Word, at int, ok bool) {
	at = -1
	for i := 1; i < len(argv); i++ {
		if isEndOfOptions(argv[i]) {
			break
		}
		for _, name := range names {
			if v, next, found := flagAt(argv, i, name); found {
				value, at, ok = v, i, true
				i = next // a separate value word is not itself a flag
				break
			}
		}
	}
	return value, at, ok
}

// flagAt reads flag name at argv[i]. next is the index of the last word
// consumed (i, or i+1 when the value is the following word).
func flagAt(argv []Word, i int, name string) (value Word, next int, ok bool) {
	text, lead := leadingLiteral(argv[i])
	if !lead {
		return Word{}, i, false
	}
	switch {
	case text == name && len(argv[i].Parts) == 1:
		if i+1 < len(argv) {
			return argv[i+1], i + 1, true
		}
	case isLongFlag(name) && strings.HasPrefix(text, name+"="):
		return argv[i].cutPrefix(len(name) + 1), i, true
	case isShortFlag(name) && strings.HasPrefix(text, name) && contentLen(argv[i]) > len(name):
		return argv[i].cutPrefix(len(name)), i, true
	}
	return Word{}, i, false
}

// HasFlag reports whether any of the named flags appears in argv, in any of
// the forms Flag reads, or alone (a boolean flag such as "--preload").
func HasFlag(argv []Word, names ...string) bool {
	for i := 1; i < len(argv); i++ {
		if isEndOfOptions(argv[i]) {
			return false
		}
		text, lead := leadingLiteral(argv[i])
		if !lead {
			continue
		}
		for _, name := range names {
			if text == name ||
				(isLongFlag(name) && strings.HasPrefix(text, name+"=")) ||
				(isShortFlag(name) && strings.HasPrefix(text, name)) {
				return true
			}
		}
	}
	return false
}

func isEndOfOptions(w Word) bool {
	lit, ok := w.Literal()
	return ok && lit == "--"
}

// leadingLiteral returns the literal text a word starts with, and whether
// it starts with one at all: "--concurrency=" for "--concurrency=$C".
func leadingLiteral(w Word) (string, bool) {
	if len(w.Parts) == 0 {
		return "", true
	}
	p := w.Parts[0]
	if p.Param != "" || p.Unsupported != "" {
		return "", false
	}
	return p.Lit, true
}

// contentLen measures a word for "is there anything after the flag name":
// literal bytes count one each and every expansion counts one, so "-c$C"
// has a value after "-c" and a bare "-c" does not.
func contentLen(w Word) int {
	n := 0
	for _, p := range w.Parts {
		if p.Param != "" || p.Unsupported != "" {
			n++
		} else {
			n += len(p.Lit)
		}
	}
	return n
}

func isLongFlag(name string) bool { return strings.HasPrefix(name, "--") }

// isShortFlag is true for "-c": a single letter that may carry its value
// glued on ("-c5").
func isShortFlag(name string) bool {
	return len(name) == 2 && name[0] == '-' && name[1] != '-'
}

// wordBuilder turns mvdan.cc/sh syntax words of one command line into Words
// with file spans. src is the command text that was parsed and base its
// byte offset in f.
type wordBuilder struct {
	f    *File
	src  string
	base int
}

// offset converts a position in src into a byte offset in src, clamped so
// that positions the parser could not give (zero or recovered) never index
// out of range.
func (b wordBuilder) offset(p syntax.Pos) int {
	if !p.IsValid() {
		return 0
	}
	off := int(p.Offset())
	if off > len(b.src) {
		off = len(b.src)
	}
	return off
}

func (b wordBuilder) span(start, end syntax.Pos) Span {
	s, e := b.offset(start), b.offset(end)
	if e < s {
		e = s
	}
	return b.f.Span(b.base+s, b.base+e)
}

func (b wordBuilder) text(start, end syntax.Pos) string {
	s, e := b.offset(start), b.offset(end)
	if e < s {
		return ""
	}
	return b.src[s:e]
}

// word converts w. quoted says whether w sits inside double quotes, which
// changes how backslashes in its literal parts are removed.
func (b wordBuilder) word(w *syntax.Word, quoted bool) Word {
	out := Word{Span: b.span(w.Pos(), w.End()), Raw: b.text(w.Pos(), w.End())}
	out.Parts = b.parts(w.Parts, quoted, nil)
	return out
}

// emptyWord is the word of `A=` or `${X:-}`: present, and empty.
func (b wordBuilder) emptyWord(at syntax.Pos) Word {
	return Word{Span: b.span(at, at)}
}

func (b wordBuilder) parts(wps []syntax.WordPart, quoted bool, out []WordPart) []WordPart {
	for _, wp := range wps {
		switch wp := wp.(type) {
		case *syntax.Lit:
			out = appendLit(out, unquoteLit(wp, quoted))
		case *syntax.SglQuoted:
			if wp.Dollar {
				// $'..' has C-style escapes; let the expander decode them.
				out = appendLit(out, expandLiteral(&syntax.Word{Parts: []syntax.WordPart{wp}}))
			} else {
				out = appendLit(out, wp.Value)
			}
		case *syntax.DblQuoted:
			if len(wp.Parts) == 0 {
				out = appendLit(out, "") // "" is an empty word, not no word
			}
			out = b.parts(wp.Parts, true, out)
		case *syntax.ParamExp:
			out = append(out, b.param(wp, quoted))
		default:
			// $(cmd), `cmd`, $((1+2)), <(cmd), extglobs: their value is
			// not something a linter can know.
			out = append(out, WordPart{Unsupported: b.text(wp.Pos(), wp.End())})
		}
	}
	return out
}

// param converts a parameter expansion. Only the forms a Procfile uses to
// give a setting a default are understood; every other operator keeps its
// source text so that a rule can say what it could not evaluate.
func (b wordBuilder) param(pe *syntax.ParamExp, quoted bool) WordPart {
	unsupported := WordPart{Unsupported: b.text(pe.Pos(), pe.End())}
	if pe.Param == nil || !syntax.ValidName(pe.Param.Value) || pe.Flags != nil ||
		pe.Excl || pe.Length || pe.Width || pe.IsSet ||
		pe.Split != syntax.OptUnset || pe.GlobSubst != syntax.OptUnset || pe.RcExpand != syntax.OptUnset ||
		pe.NestedParam != nil || pe.Index != nil || len(pe.Modifiers) > 0 ||
		pe.Slice != nil || pe.Repl != nil || pe.Names != 0 {
		return unsupported
	}
	part := WordPart{Param: pe.Param.Value}
	if pe.Exp == nil {
		return part
	}
	switch pe.Exp.Op {
	case syntax.DefaultUnsetOrNull, syntax.DefaultUnset:
		part.ColonDefault = pe.Exp.Op == syntax.DefaultUnsetOrNull
		var d Word
		if pe.Exp.Word != nil {
			d = b.word(pe.Exp.Word, quoted)
		} else {
			d = b.emptyWord(pe.Rbrace)
		}
		part.Default = &d
		return part
	}
	return unsupported
}

// assign converts a shell assignment. ok is false for a bare name
// (`export A`), which sets nothing.
func (b wordBuilder) assign(a *syntax.Assign) (Assign, bool) {
	if a.Name == nil || a.Naked {
		return Assign{}, false
	}
	out := Assign{Name: a.Name.Value, Span: b.span(a.Pos(), a.End())}
	switch {
	case a.Array != nil || a.Index != nil:
		raw := b.text(a.Pos(), a.End())
		out.Value = Word{Span: out.Span, Raw: raw, Parts: []WordPart{{Unsupported: raw}}}
	case a.Value == nil:
		out.Value = b.emptyWord(a.End())
	default:
		out.Value = b.word(a.Value, false)
	}
	if a.Append {
		// A+=x is A=${A}x.
		out.Value.Parts = append([]WordPart{{Param: out.Name}}, out.Value.Parts...)
	}
	return out, true
}

// appendLit adds literal text, merging it into a preceding literal part so
// that a word written as --conc'urrency'=5 reads as one literal.
func appendLit(parts []WordPart, s string) []WordPart {
	if n := len(parts); n > 0 && parts[n-1].Param == "" && parts[n-1].Unsupported == "" {
		parts[n-1].Lit += s
		return parts
	}
	return append(parts, WordPart{Lit: s})
}

// unquoteLit removes the shell's backslash quoting from a literal part,
// using the expander's own rules: outside quotes every backslash escapes the
// next character, inside double quotes only \ $ ` " do.
func unquoteLit(lit *syntax.Lit, quoted bool) string {
	if !strings.Contains(lit.Value, `\`) {
		return lit.Value
	}
	if quoted {
		return expandLiteral(&syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: []syntax.WordPart{lit}}}})
	}
	// Only field expansion removes unquoted backslashes, and it also
	// expands braces: {a,b}{a,b}... grows exponentially and {1..999999999}
	// linearly in memory. A literal with a brace expansion would not be one
	// word anyway, so the text as written is the honest answer for it.
	if syntax.SplitBraces(&syntax.Word{Parts: []syntax.WordPart{lit}}) {
		return lit.Value
	}
	fields, err := expand.Fields(expandConfig(), &syntax.Word{Parts: []syntax.WordPart{lit}})
	if err != nil || len(fields) != 1 {
		return lit.Value
	}
	return fields[0]
}

func expandLiteral(w *syntax.Word) string {
	s, err := expand.Literal(expandConfig(), w)
	if err != nil {
		return ""
	}
	return s
}

// expandConfig is an expander with an empty environment and no file system
// or command access: it can only remove quotes. A fresh one per call keeps
// the package free of shared mutable state (Config holds buffers).
func expandConfig() *expand.Config {
	return &expand.Config{Env: expand.ListEnviron()}
}
