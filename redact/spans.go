package redact

import (
	"strings"
)

// span is a byte range [start, end) of one line that holds a secret.
type span struct{ start, end int }

// urlSpans finds the passwords in the userinfo of URLs: after
// "scheme://", the authority runs to the first '/', '?', '#' or space,
// and its userinfo to the authority's last '@'; the password is what
// follows the userinfo's first ':'. Quotes are not delimiters: a password
// may hold `'` or `"` (a Procfile line quotes the URL, not the password).
func urlSpans(line string) []span {
	var out []span
	for i := 0; i < len(line); {
		k := strings.Index(line[i:], "://")
		if k < 0 {
			break
		}
		sep := i + k
		i = sep + 3
		if !isScheme(line, sep) {
			continue
		}
		end := i
		for end < len(line) && !strings.ContainsRune("/?# \t\r\n", rune(line[end])) {
			end++
		}
		authority := line[i:end]
		at := strings.LastIndexByte(authority, '@')
		if at < 0 {
			continue
		}
		colon := strings.IndexByte(authority[:at], ':')
		if colon < 0 || colon+1 == at {
			continue
		}
		out = append(out, span{i + colon + 1, i + at})
		i = end
	}
	return out
}

// isScheme reports whether a URL scheme ([A-Za-z][A-Za-z0-9+.-]*) ends
// just before line[sep].
func isScheme(line string, sep int) bool {
	j := sep
	for j > 0 && isSchemeByte(line[j-1]) {
		j--
	}
	return j < sep && isLetter(line[j])
}

func isSchemeByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isNameByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// secretWords make a key or variable name a secret's name.
var secretWords = []string{"password", "passwd", "secret", "token"}

func isSecretName(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// assignment is a secret's name followed by how it is assigned.
type assignment struct {
	valueStart int  // first byte after the assignment operator and spaces
	shell      bool // NAME=value: the value is a shell word
	flow       bool // inside { } or [ ] on this line: ',' '}' ']' end a plain value
	indent     int  // the line's indentation, for values continued below
}

// secretValues finds every `NAME: `, `NAME=`, `"NAME":`, `:NAME =>` and
// `"NAME" =>` on the line whose NAME is a secret's name, calling found
// with each assignment and the end of its value. The scan resumes after
// each value and tracks bracket depth as it goes, so a long line costs
// one pass whatever it holds.
func secretValues(line string, found func(a assignment, end int, continues bool)) {
	indent := -1
	fl := flowState{}
	for i := 0; i < len(line); {
		if !isNameByte(line[i]) || (i > 0 && isNameByte(line[i-1])) {
			fl.step(line[i])
			i++
			continue
		}
		j := i
		for j < len(line) && isNameByte(line[j]) {
			j++
		}
		name := line[i:j]
		start := i
		i = j
		if !isSecretName(name) {
			continue
		}
		// A closing quote after a quoted key.
		quoted := j < len(line) && (line[j] == '"' || line[j] == '\'') && start > 0 && line[start-1] == line[j]
		if quoted {
			j++
		}
		k := j
		for k < len(line) && line[k] == ' ' {
			k++
		}
		if indent < 0 {
			indent = indentOf(line)
		}
		a := assignment{indent: indent, flow: fl.depth > 0}
		switch {
		case k == j && k < len(line) && line[k] == '=' && (k+1 == len(line) || line[k+1] != '='):
			a.shell = true
			a.valueStart = k + 1
		case k < len(line) && line[k] == ':' && (k+1 == len(line) || line[k+1] == ' ' || line[k+1] == '\t' || line[k+1] == '\r'):
			a.valueStart = skipSpaces(line, k+1)
		case strings.HasPrefix(line[k:], "=>"):
			a.valueStart = skipSpaces(line, k+2)
		case k < len(line) && line[k] == '=' && (k+1 == len(line) || line[k+1] != '='):
			// Ruby `password = "x"`, INI-style `password = x`.
			a.valueStart = skipSpaces(line, k+1)
		default:
			continue
		}
		if quoted {
			fl.quote = 0 // the key's closing quote was not stepped
		}
		end, continues := valueEnd(line, a)
		found(a, end, continues)
		i = max(end, a.valueStart)
	}
}

// flowState follows whether the scan is inside { } or [ ] opened earlier
// on the line (a YAML flow collection, a Ruby or JSON hash), outside
// quoted strings.
type flowState struct {
	depth int
	quote byte
}

func (f *flowState) step(c byte) {
	switch {
	case f.quote != 0:
		if c == f.quote {
			f.quote = 0
		}
	case c == '"' || c == '\'':
		f.quote = c
	case c == '{' || c == '[':
		f.depth++
	case (c == '}' || c == ']') && f.depth > 0:
		f.depth--
	}
}

func skipSpaces(line string, i int) int {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i
}

func indentOf(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t-"))
}

// valueEnd returns where the value of a starting at line[a.valueStart]
// ends, and whether it continues on the next lines (a YAML block scalar
// or an empty value with the secret below, an unclosed quote or bracket).
func valueEnd(line string, a assignment) (end int, continues bool) {
	i := a.valueStart
	if i >= len(line) {
		return i, true // `password:` with the value on the lines below
	}
	if a.shell {
		return shellWordEnd(line, i)
	}
	switch c := line[i]; c {
	case '"', '\'':
		end, continues := quotedEnd(line, i)
		if continues || endsAt(line, end) {
			return end, continues
		}
		// Text glued after the closing quote is part of the value too.
		return plainEnd(line, end, a.flow)
	case '{', '[':
		end, continues := bracketEnd(line, i)
		if continues || endsAt(line, end) {
			return end, continues
		}
		// `{}0` is a plain scalar, not a collection: mask the glued text too,
		// or masking the result again would mask more (the fuzzer's case).
		return plainEnd(line, end, a.flow)
	case '|', '>':
		return i, true // a block scalar: the secret is on the lines below
	case '*':
		// No YAML, Ruby or JSON literal starts with '*' (an alias, a
		// splat): a run of them is this package's own mask of a quoted or
		// bracketed value, and ends where that value ended, so masking the
		// output again masks no more (`"",` became `**,`). Shell words,
		// which may start with '*', were handled above.
		end := i
		for end < len(line) && line[end] == '*' {
			end++
		}
		if endsAt(line, end) {
			return end, false
		}
	}
	return plainEnd(line, i, a.flow)
}

// endsAt says whether a quoted, bracketed or masked token that closes at
// end is the whole value: the line ends, or a blank or ',' '}' ']'
// follows. Text glued after it makes the value a plain scalar.
func endsAt(line string, end int) bool {
	return end == len(line) || strings.IndexByte(" \t\r,}]", line[end]) >= 0
}

// plainEnd ends a plain YAML scalar at a comment, or in a flow collection
// at ',' '}' ']'. Out of one, it continues on lines indented deeper than
// its key.
func plainEnd(line string, i int, flow bool) (int, bool) {
	for k := i; k < len(line); k++ {
		c := line[k]
		if c == '#' && k > 0 && (line[k-1] == ' ' || line[k-1] == '\t') {
			return trimRight(line, i, k-1), false
		}
		if flow && (c == ',' || c == '}' || c == ']') {
			return trimRight(line, i, k), false
		}
	}
	return trimRight(line, i, len(line)), !flow
}

func trimRight(line string, start, end int) int {
	for end > start && (line[end-1] == ' ' || line[end-1] == '\t' || line[end-1] == '\r') {
		end--
	}
	return end
}

// quotedEnd ends a quoted value after its closing quote (” escapes in
// single quotes, backslash escapes in double quotes).
func quotedEnd(line string, i int) (int, bool) {
	q := line[i]
	for k := i + 1; k < len(line); k++ {
		switch {
		case q == '"' && line[k] == '\\':
			k++
		case line[k] == q && q == '\'' && k+1 < len(line) && line[k+1] == '\'':
			k++
		case line[k] == q:
			return k + 1, false
		}
	}
	return len(line), true
}

// bracketEnd ends a value that is a whole collection at its matching
// bracket (a whole `{value: x}` under a secret's name is masked).
func bracketEnd(line string, i int) (int, bool) {
	depth := 0
	var quote byte
	for k := i; k < len(line); k++ {
		c := line[k]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				k++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return k + 1, false
			}
		}
	}
	return len(line), true
}

// shellWordEnd ends a shell word: quoted parts and backslash escapes run
// on until an unquoted blank or ';', '&', '|'.
func shellWordEnd(line string, i int) (int, bool) {
	var quote byte
	for k := i; k < len(line); k++ {
		c := line[k]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case quote == '"':
			switch c {
			case '\\':
				k++
			case '"':
				quote = 0
			}
		case c == '\\':
			k++
		case c == '\'' || c == '"':
			quote = c
		case c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == '\r':
			return k, false
		}
	}
	return len(line), quote != 0
}

// namesASource reports whether a value says where the secret comes from
// rather than being it: ERB, an ENV lookup or credentials, a YAML alias,
// a ${VAR} reference, or in a shell word a $VAR or $(command).
func namesASource(v string, shell bool) bool {
	v = strings.TrimLeft(v, "\"' ")
	for _, p := range []string{"<%", "ENV[", "ENV.fetch", "${", "Rails.application.credentials", "credentials."} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	if strings.HasPrefix(v, "*") && len(v) > 1 && isNameByte(v[1]) {
		return true // a YAML alias
	}
	return shell && len(v) > 1 && v[0] == '$' && (isNameByte(v[1]) || v[1] == '(')
}
