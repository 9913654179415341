package rules

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/poollint/poollint/parser"
)

// This file finds the real comments of an app's files, the ones a
// `# poollint:disable` directive may live in: tree-sitter comment nodes
// in Ruby, comments as YAML's grammar reads them (never a '#' inside a
// quoted or block scalar, a plain scalar or an ERB tag), and shell
// comments in a Procfile. A '#' inside a string is text, not a directive.

// comment is the byte range of one comment, '#' included, up to the end
// of its text (a trailing carriage return excluded).
type comment struct{ start, end int }

// fileComments returns the comments of f in order, and the bytes that say
// which lines are blank: the source, or for YAML the source with its ERB
// masked, so that a `<% if %>` line counts as blank. It returns nothing
// for a file that holds no comments poollint can read (app.json).
func fileComments(f *parser.File) ([]comment, []byte) {
	switch commentSyntax(f.Path) {
	case "ruby":
		return rubyComments(f), f.Src
	case "yaml":
		tags, _ := parser.ScanERB(f.Src) // the tags before an unclosed one still count
		masked := parser.MaskERB(f.Src, tags)
		return yamlComments(masked), masked
	case "procfile":
		return procfileComments(f), f.Src
	}
	return nil, nil
}

// commentSyntax tells the comment syntax of an app-relative path by its
// name: config/database.yml.example is YAML, Procfile.dev a Procfile.
func commentSyntax(rel string) string {
	base := path.Base(rel)
	if base == "Procfile" || strings.HasPrefix(base, "Procfile.") {
		return "procfile"
	}
	for _, suffix := range []string{".example", ".sample", ".dist", ".template", ".erb"} {
		base = strings.TrimSuffix(base, suffix)
	}
	switch path.Ext(base) {
	case ".rb", ".ru", ".rake":
		return "ruby"
	case ".yml", ".yaml":
		return "yaml"
	}
	if base == "Gemfile" || base == "Rakefile" {
		return "ruby"
	}
	return ""
}

// rubyComments returns the comment nodes of a Ruby file (`# ...` and
// `=begin ... =end`).
func rubyComments(f *parser.File) []comment {
	r, err := parser.ParseRuby(f)
	if err != nil {
		return nil
	}
	var out []comment
	for _, n := range r.Comments() {
		s := r.Span(n)
		out = append(out, comment{s.Start.Offset, trimCR(f.Src, s.Start.Offset, s.End.Offset)})
	}
	return out
}

// procfileComments returns the comment lines of a Procfile and the shell
// comments that end its command lines (`web: puma # ...`): Heroku and
// foreman run each command with a shell, which reads those as comments.
func procfileComments(f *parser.File) []comment {
	var out []comment
	for line := 1; line <= f.Lines.LineCount(); line++ {
		start, end := f.Lines.LineBounds(line)
		text := f.Src[start:end]
		if t := bytes.TrimLeft(text, " \t"); len(t) > 0 && t[0] == '#' {
			at := start + len(text) - len(t)
			out = append(out, comment{at, trimCR(f.Src, at, end)})
		}
	}
	for _, e := range parser.ParseProcfile(f).Entries {
		if e.ParseError == "" {
			out = append(out, shellComments(f, e.Raw, e.CommandSpan.Start.Offset)...)
		}
	}
	slices.SortFunc(out, func(a, b comment) int { return a.start - b.start })
	return out
}

// shellComments returns the comments of the shell command src, found at
// byte offset base of f.
func shellComments(f *parser.File, src string, base int) (out []comment) {
	defer func() {
		if recover() != nil {
			out = nil // a parser panic on one line must not stop the lint
		}
	}()
	sh := syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash))
	file, err := sh.Parse(strings.NewReader(src), "")
	if err != nil {
		return nil
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.Comment); ok {
			at := base + int(c.Hash.Offset())
			out = append(out, comment{at, trimCR(f.Src, at, at+1+len(c.Text))})
		}
		return true
	})
	return out
}

// trimCR drops a carriage return that ends [start, end).
func trimCR(src []byte, start, end int) int {
	end = min(end, len(src))
	for end > start && (src[end-1] == '\r' || src[end-1] == '\n') {
		end--
	}
	return end
}

// yamlComments lexes YAML source (its ERB masked) just far enough to tell
// comments from text: it follows quoted scalars across lines, skips the
// content lines of block scalars (| and >), and knows that in a plain
// scalar only " #" starts a comment. It never fails; on input YAML would
// reject it still finds the comments a reader would see.
func yamlComments(src []byte) []comment {
	lx := &yamlLexer{src: src, blockParent: -1}
	ix := parser.NewLineIndex(src)
	for line := 1; line <= ix.LineCount(); line++ {
		start, end := ix.LineBounds(line)
		lx.line(start, trimCR(src, start, end))
	}
	return lx.comments
}

type yamlLexer struct {
	src      []byte
	comments []comment
	quote    byte // the quote of a scalar still open at the end of a line
	flow     int  // depth of [ ] and { } collections
	// blockParent is the indentation a block scalar's content lines must
	// exceed (-1 outside one).
	blockParent int
}

func (lx *yamlLexer) line(start, end int) {
	src := lx.src
	indent := 0
	for start+indent < end && src[start+indent] == ' ' {
		indent++
	}
	if lx.blockParent >= 0 {
		if isBlankBytes(src[start:end]) || indent > lx.blockParent {
			return // content of a block scalar
		}
		lx.blockParent = -1
	}
	i, atToken := start, true
	if lx.quote != 0 {
		i = lx.quoted(start, end)
		atToken = false
	}
	lastNode := indent // column of the innermost block node begun on this line
	pendingBlock := -1
	for i < end && lx.quote == 0 {
		c := src[i]
		next := byte(' ')
		if i+1 < end {
			next = src[i+1]
		}
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '#' && (i == start || src[i-1] == ' ' || src[i-1] == '\t'):
			lx.comments = append(lx.comments, comment{i, end})
			i = end
			continue
		}
		if !atToken {
			switch {
			case c == ':' && (isBlankByte(next) || lx.flow > 0 && isFlowIndicator(next)):
				i, atToken = i+1, true
			case lx.flow > 0 && c == ',':
				i, atToken = i+1, true
			case lx.flow > 0 && (c == ']' || c == '}'):
				lx.flow--
				i++
			default:
				i = lx.plain(i+1, end) // more of a plain scalar, or junk
			}
			continue
		}
		switch {
		case c == '\'' || c == '"':
			lx.quote = c
			i, atToken = lx.quoted(i+1, end), false
		case (c == '|' || c == '>') && lx.flow == 0:
			pendingBlock = lastNode
			i++
			for i < end && strings.IndexByte("0123456789+-", src[i]) >= 0 {
				i++
			}
			atToken = false
		case (c == '-' || c == '?' || c == ':') && isBlankByte(next):
			if c != ':' && lx.flow == 0 {
				lastNode = i - start
			}
			i++
		case c == '[' || c == '{':
			lx.flow++
			i++
		case c == ']' || c == '}':
			lx.flow = max(0, lx.flow-1)
			i, atToken = i+1, false
		case c == ',' && lx.flow > 0:
			i++
		case c == '&' || c == '!' || c == '*':
			for i < end && !isBlankByte(src[i]) && !(lx.flow > 0 && isFlowIndicator(src[i])) {
				i++
			}
			atToken = c != '*'
		default:
			if lx.flow == 0 {
				lastNode = i - start
			}
			i, atToken = lx.plain(i+1, end), false
		}
	}
	if pendingBlock >= 0 {
		lx.blockParent = pendingBlock
	}
}

// quoted scans a quoted scalar's text from i; it returns where the
// scalar ends (after the closing quote), or end with lx.quote still set
// when the scalar goes on to the next line.
func (lx *yamlLexer) quoted(i, end int) int {
	for i < end {
		c := lx.src[i]
		switch {
		case lx.quote == '"' && c == '\\':
			i += 2
			continue
		case c == lx.quote && lx.quote == '\'' && i+1 < end && lx.src[i+1] == '\'':
			i += 2 // '' is an escaped quote
			continue
		case c == lx.quote:
			lx.quote = 0
			return i + 1
		}
		i++
	}
	return end
}

// plain scans a plain scalar from i to where it ends: before ": ", " #"
// or, inside a flow collection, a flow indicator.
func (lx *yamlLexer) plain(i, end int) int {
	for ; i < end; i++ {
		c := lx.src[i]
		next := byte(' ')
		if i+1 < end {
			next = lx.src[i+1]
		}
		switch {
		case c == ':' && (isBlankByte(next) || lx.flow > 0 && isFlowIndicator(next)):
			return i
		case c == '#' && i > 0 && (lx.src[i-1] == ' ' || lx.src[i-1] == '\t'):
			return i
		case lx.flow > 0 && isFlowIndicator(c):
			return i
		}
	}
	return end
}

func isBlankByte(c byte) bool     { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

func isBlankBytes(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }
