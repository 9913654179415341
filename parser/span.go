// Package parser turns the files of a Rails app into syntax with exact
// source positions: ERB-masked YAML nodes, tree-sitter Ruby trees, Procfile
// commands, Gemfile.lock versions and app.json. It knows nothing about what
// the settings mean; package rails builds the model from this syntax.
package parser

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"
)

// Pos is a position in a file: a byte offset into the original bytes plus
// the 1-based line and 1-based column (in bytes) that offset falls on.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Span is a half-open byte range [Start, End) of one file. File is the path
// relative to the app root, with forward slashes.
type Span struct {
	File  string
	Start Pos
	End   Pos
}

// IsZero reports whether the span points nowhere.
func (s Span) IsZero() bool { return s.File == "" && s.Start.Line == 0 }

func (s Span) String() string {
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// LineIndex converts byte offsets to line/column positions and back.
type LineIndex struct {
	starts []int // byte offset at which each line starts
	size   int
}

// NewLineIndex indexes the line starts of src.
func NewLineIndex(src []byte) *LineIndex {
	ix := lineIndexOf(src)
	return &ix
}

func lineIndexOf(src []byte) LineIndex {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return LineIndex{starts: starts, size: len(src)}
}

// Pos returns the position of a byte offset (clamped to the file).
func (ix *LineIndex) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > ix.size {
		offset = ix.size
	}
	line := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > offset }) - 1
	return Pos{Offset: offset, Line: line + 1, Col: offset - ix.starts[line] + 1}
}

// Offset returns the byte offset of a 1-based line and 1-based byte column,
// clamped to the file.
func (ix *LineIndex) Offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(ix.starts) {
		return ix.size
	}
	off := ix.starts[line-1] + col - 1
	if off > ix.size {
		off = ix.size
	}
	return off
}

// LineCount is the number of lines (a trailing newline starts an empty last line).
func (ix *LineIndex) LineCount() int { return len(ix.starts) }

// LineBounds returns the byte range of a 1-based line, without its newline.
func (ix *LineIndex) LineBounds(line int) (start, end int) {
	if line < 1 || line > len(ix.starts) {
		return ix.size, ix.size
	}
	start = ix.starts[line-1]
	end = ix.size
	if line < len(ix.starts) {
		end = ix.starts[line] - 1
	}
	return start, end
}

// File is one source file of an app, read once and shared by every parser.
type File struct {
	Path  string // relative to the app root, forward slashes
	Abs   string // absolute path on disk
	Src   []byte
	Lines *LineIndex

	snippets map[snippetKey]snippetParse // RubySnippet's memo (snippet_memo.go)
	erb      *erbScan                    // ERBTags' memo (snippet_memo.go)
}

// NewFile wraps src read from abs as the app-relative path rel.
func NewFile(rel, abs string, src []byte) *File {
	// One allocation for the file and its index (a file is made per file
	// read and per rendering and command parsed).
	both := &struct {
		f  File
		ix LineIndex
	}{ix: lineIndexOf(src)}
	both.f = File{Path: rel, Abs: abs, Src: src, Lines: &both.ix}
	return &both.f
}

// Span returns the span of the byte range [start, end) of f.
func (f *File) Span(start, end int) Span {
	return Span{File: f.Path, Start: f.Lines.Pos(start), End: f.Lines.Pos(end)}
}

// LineText returns the text of a 1-based line without its newline (and
// without a trailing carriage return).
func (f *File) LineText(line int) string {
	s, e := f.Lines.LineBounds(line)
	t := f.Src[s:e]
	if n := len(t); n > 0 && t[n-1] == '\r' {
		t = t[:n-1]
	}
	return string(t)
}

// ColumnToOffset converts a 1-based column counted in runes (as yaml.v3
// reports it) on a 1-based line into a byte offset.
func (f *File) ColumnToOffset(line, runeCol int) int {
	s, e := f.Lines.LineBounds(line)
	off := s
	for i := 1; i < runeCol && off < e; i++ {
		_, size := utf8.DecodeRune(f.Src[off:e])
		off += size
	}
	return off
}
