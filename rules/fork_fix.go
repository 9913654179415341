package rules

import (
	"bytes"
	"strings"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// This file holds what the fork-safety rules share: the version gate, the
// statements their fixes add, and the edits that add them to a hook block,
// add a new hook block, or remove redundant statements, written in the
// file's own style (indentation, line endings, do...end vs braces).

// The statements the fixes add. connection_pool.disconnect! closes every
// connection of the pool (connection.disconnect! would first check one out);
// the defined? guard is the seeds' own, so a config shared with a non-AR
// app still loads.
const (
	disconnectStatement = "ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)"
	reconnectStatement  = "ActiveRecord::Base.establish_connection if defined?(ActiveRecord::Base)"
)

// reconnectFixSafe: before Rails 4.1 a bare establish_connection re-reads
// database.yml only, dropping a pool an initializer set by hand (seeds
// 001/003 duplicate the initializer there instead), so the fix is unsafe.
func reconnectFixSafe(railsVersion string) bool {
	return parser.CompareVersions(railsVersion, "4.1.0") >= 0
}

// rubyStyle is how a file writes lines and indentation.
type rubyStyle struct {
	newline string // "\n" or "\r\n"
	unit    string // one level of indentation
}

func styleOf(src []byte) rubyStyle {
	st := rubyStyle{newline: "\n", unit: "  "}
	if bytes.Contains(src, []byte("\r\n")) {
		st.newline = "\r\n"
	}
	for _, line := range bytes.Split(src, []byte("\n")) {
		trimmed := bytes.TrimLeft(line, " \t")
		if len(trimmed) == len(line) || len(bytes.TrimSpace(trimmed)) == 0 || trimmed[0] == '#' {
			continue
		}
		indent := line[:len(line)-len(trimmed)]
		if indent[0] == '\t' {
			st.unit = "\t"
		} else if len(indent) < 8 {
			st.unit = string(indent)
		}
		break
	}
	return st
}

// lineStart returns the offset of the start of the line holding off.
func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd returns the offset just after the newline ending the line
// holding off (len(src) on a last line without one).
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// indentOf returns the leading blanks of the line holding off.
func indentOf(src []byte, off int) string {
	s := lineStart(src, off)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// firstOnLine reports whether only blanks precede off on its line.
func firstOnLine(src []byte, off int) bool {
	return len(bytes.TrimLeft(src[lineStart(src, off):off], " \t")) == 0
}

// addToHook returns the edit that appends stmt to hook's block: a new line
// before `end` (or a multi-line `}`), or `; stmt` inside a one-line brace
// block.
func addToHook(h *rails.Hook, stmt string) (fixer.Edit, bool) {
	blk := h.Call.Block
	if blk == nil || blk.ChildCount() == 0 {
		return fixer.Edit{}, false
	}
	f := h.Ruby.File
	src := f.Src
	closing := h.Ruby.Span(blk.Child(int(blk.ChildCount()) - 1))
	closeAt := closing.Start.Offset
	text := h.Ruby.Text(blk.Child(int(blk.ChildCount()) - 1))
	if text != "end" && text != "}" {
		return fixer.Edit{}, false
	}
	st := styleOf(src)
	if !firstOnLine(src, closeAt) {
		if text != "}" || closing.Start.Line != h.Span.Start.Line {
			return fixer.Edit{}, false
		}
		// A one-line brace block: before_fork { foo } → before_fork { foo; stmt }.
		if n := len(h.Call.BlockBody); n > 0 {
			at := h.Ruby.Span(h.Call.BlockBody[n-1]).End.Offset
			return fixer.Edit{File: f.Path, Start: at, End: at, NewText: "; " + stmt}, true
		}
		return fixer.Edit{File: f.Path, Start: closeAt, End: closeAt, NewText: stmt + " "}, true
	}
	body := indentOf(src, closeAt) + st.unit
	if n := len(h.Call.BlockBody); n > 0 {
		first := h.Ruby.Span(h.Call.BlockBody[0]).Start.Offset
		if firstOnLine(src, first) {
			body = indentOf(src, first)
		}
	}
	at := lineStart(src, closeAt)
	return fixer.Edit{File: f.Path, Start: at, End: at, NewText: body + stmt + st.newline}, true
}

// newHookBlock returns the edit that adds `name do[params] stmt end` on
// the lines after anchor (a statement of f), at its indentation; with a
// zero anchor, at the end of the file.
func newHookBlock(f *parser.File, anchor parser.Span, name, params, stmt string) fixer.Edit {
	src := f.Src
	st := styleOf(src)
	at, indent, lead := len(src), "", st.newline
	if !anchor.IsZero() && anchor.File == f.Path {
		at = lineEnd(src, anchor.End.Offset)
		indent = indentOf(src, anchor.Start.Offset)
	}
	if at > 0 && src[at-1] != '\n' {
		lead = st.newline + st.newline
	}
	if at == 0 {
		lead = ""
	}
	block := indent + name + " do" + params + st.newline +
		indent + st.unit + stmt + st.newline +
		indent + "end" + st.newline
	return fixer.Edit{File: f.Path, Start: at, End: at, NewText: lead + block}
}

// removeLines returns the edit that deletes the whole lines a statement
// occupies, its trailing comment or modifier (`end if workers > 0`)
// included; false when the statement shares a line with other code.
func removeLines(f *parser.File, span parser.Span) (fixer.Edit, bool) {
	src := f.Src
	if !firstOnLine(src, span.Start.Offset) {
		return fixer.Edit{}, false
	}
	end := lineEnd(src, span.End.Offset)
	rest := strings.TrimSpace(string(src[span.End.Offset:end]))
	if rest != "" && !strings.HasPrefix(rest, "#") && !strings.HasPrefix(rest, "if ") && !strings.HasPrefix(rest, "unless ") {
		return fixer.Edit{}, false
	}
	return fixer.Edit{File: f.Path, Start: lineStart(src, span.Start.Offset), End: end}, true
}

// hookFix is the fix of a missing-hook rule: add stmt to the hook that
// should hold it, else a new hook block after anchor.
func hookFix(file *parser.File, existing *rails.Hook, anchor parser.Span, name, params, stmt, what string, safe bool) *Fix {
	if existing != nil {
		e, ok := addToHook(existing, stmt)
		if !ok {
			return nil
		}
		return &Fix{Description: "add `" + stmt + "` to the " + existing.Name + " block", Safe: safe, Edits: []fixer.Edit{e}}
	}
	if file == nil {
		return nil
	}
	article := "a "
	if strings.ContainsRune("aeiou", rune(name[0])) {
		article = "an "
	}
	return &Fix{Description: "add " + article + name + " block that " + what, Safe: safe,
		Edits: []fixer.Edit{newHookBlock(file, anchor, name, params, stmt)}}
}

// lastHook returns the last of hooks, or nil.
func lastHook(hooks []*rails.Hook) *rails.Hook {
	if len(hooks) == 0 {
		return nil
	}
	return hooks[len(hooks)-1]
}

// firstNonZero returns the first span that points somewhere.
func firstNonZero(spans ...parser.Span) parser.Span {
	for _, s := range spans {
		if !s.IsZero() {
			return s
		}
	}
	return parser.Span{}
}

// reconnectAnchor is where a new re-establishing hook goes: after the
// before_fork block, so the pair reads in order; else at the end of the
// file (a new before_fork goes after the preload line, and two blocks
// inserted at one place would conflict).
func reconnectAnchor(hooks []*rails.Hook, env rails.Env) parser.Span {
	if h := lastHook(rails.ApplyingHooks(hooks, env, "before_fork")); h != nil {
		return h.Span
	}
	return parser.Span{}
}
