package deploy

import (
	"slices"
	"strings"

	"github.com/poollint/poollint/parser"
)

// A systemd unit file read as systemd.syntax(7) says: `[Section]`
// headers, `Key=Value` lines with the blanks around `=` and at the ends of
// the value dropped, `#` and `;` lines ignored (also inside a
// continuation), and a value whose line ends in a backslash continued on
// the next line, the backslash read as a space. Each byte of a value keeps
// its offset in the file, so spans point at what is written even across a
// continuation.

type unitEntry struct {
	section, key string
	value        string
	at           []int // at[i] is the file offset of value[i]
	keySpan      parser.Span
}

// unitEntries reads every Key=Value of a unit file, in order.
func unitEntries(f *parser.File) []unitEntry {
	var out []unitEntry
	section := ""
	n := f.Lines.LineCount()
	for line := 1; line <= n; line++ {
		start, end := f.Lines.LineBounds(line)
		text := strings.TrimRight(string(f.Src[start:end]), "\r")
		trimmed := strings.TrimLeft(text, " \t")
		lead := len(text) - len(trimmed)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			continue
		case trimmed[0] == '[':
			if i := strings.IndexByte(trimmed, ']'); i > 0 {
				section = trimmed[1:i]
			}
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq <= 0 {
			continue // systemd warns and ignores the line
		}
		key := strings.TrimRight(trimmed[:eq], " \t")
		e := unitEntry{section: section, key: key, keySpan: f.Span(start+lead, start+lead+len(key))}
		vs := start + lead + eq + 1
		for {
			piece := strings.TrimRight(string(f.Src[vs:start+len(text)]), " \t")
			if len(e.value) == 0 {
				trimmedPiece := strings.TrimLeft(piece, " \t")
				vs += len(piece) - len(trimmedPiece)
				piece = trimmedPiece
			}
			cont := strings.HasSuffix(piece, `\`) && line < n
			if cont {
				piece = piece[:len(piece)-1]
			}
			e.value += piece // whole, not byte by byte (that was quadratic)
			e.at = slices.Grow(e.at, len(piece))
			for i := 0; i < len(piece); i++ {
				e.at = append(e.at, vs+i)
			}
			if !cont {
				break
			}
			e.value += " " // the backslash, read as a space
			e.at = append(e.at, vs+len(piece))
			line = nextValueLine(f, line, n)
			if line > n {
				break
			}
			start, end = f.Lines.LineBounds(line)
			text = strings.TrimRight(string(f.Src[start:end]), "\r")
			vs = start
		}
		e.value = strings.TrimRight(e.value, " \t")
		e.at = e.at[:len(e.value)]
		out = append(out, e)
	}
	return out
}

// nextValueLine is the line a continuation goes on at: the next one that
// is not a comment.
func nextValueLine(f *parser.File, line, n int) int {
	for line++; line <= n; line++ {
		t := strings.TrimLeft(f.LineText(line), " \t")
		if t == "" || (t[0] != '#' && t[0] != ';') {
			return line
		}
	}
	return line
}

// span is where value[i:j] is written.
func (e unitEntry) span(f *parser.File, i, j int) parser.Span {
	if len(e.at) == 0 {
		return e.keySpan
	}
	i = max(0, min(i, len(e.at)-1))
	j = max(i+1, min(j, len(e.at)))
	return f.Span(e.at[i], e.at[j-1]+1)
}

// verbatim reports whether value[i:j] is written as is, on one line.
func (e unitEntry) verbatim(f *parser.File, i, j int) bool {
	if i < 0 || j > len(e.at) || i >= j {
		return false
	}
	for k := i + 1; k < j; k++ {
		if e.at[k] != e.at[k-1]+1 {
			return false
		}
	}
	return string(f.Src[e.at[i]:e.at[j-1]+1]) == e.value[i:j]
}

// unitWord is one word of a value split as systemd splits Environment=
// (extract_first_word with quotes and C escapes): text is the word
// unquoted, from[k] the index in the value of text[k], -1 for a byte an
// escape produced.
type unitWord struct {
	text string
	from []int
	end  int // the index in the value just after the word
}

// unitWords splits value into words: blanks separate them, "…" and '…'
// quote any part of a word, a backslash escapes the next character.
func unitWords(value string) []unitWord {
	var out []unitWord
	i := 0
	for {
		for i < len(value) && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n') {
			i++
		}
		if i >= len(value) {
			return out
		}
		var w unitWord
		var quote byte
		var text []byte // w.text, built without a string per byte
		for ; i < len(value); i++ {
			c := value[i]
			switch {
			case quote == 0 && (c == ' ' || c == '\t' || c == '\n'):
				goto done
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			case c == '\\' && i+1 < len(value):
				i++
				text = append(text, unescape(value[i])...)
				w.from = append(w.from, -1)
			default:
				text = append(text, value[i])
				w.from = append(w.from, i)
			}
		}
	done:
		w.text = string(text)
		w.end = i
		out = append(out, w)
	}
}

// unescape is the character a C escape `\c` stands for.
func unescape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 's':
		return " "
	}
	return string(c)
}

// contiguous reports whether text[i:j] of the word is value[from[i]:from[j-1]+1]
// with no quote or escape inside it.
func (w unitWord) contiguous(i, j int) bool {
	if i >= j || j > len(w.from) {
		return false
	}
	for k := i; k < j; k++ {
		if w.from[k] < 0 || (k > i && w.from[k] != w.from[k-1]+1) {
			return false
		}
	}
	return true
}
