package fixer

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/poollint/poollint/parser"
)

// Verifier checks a rewrite of the file at path (app-relative) before it
// is written. An error refuses it: the file is left as it was, and the
// error says why.
type Verifier func(path string, before, after []byte) error

// SyntaxVerifier refuses a rewrite that breaks the file's syntax: YAML
// that no longer parses, Ruby with more tree-sitter ERROR or MISSING nodes
// than before, a Procfile with more unreadable lines, an app.json that no
// longer parses. A fix is computed from a parsed file, so a syntax error
// it adds is a bug in the fix, and writing it would break the app at boot.
// Errors that were already there are not the fix's to judge. Files of
// other kinds are not checked.
func SyntaxVerifier(rel string, before, after []byte) error {
	switch kindOf(rel) {
	case yamlFile:
		return verifyYAML(rel, before, after)
	case rubyFile:
		return verifyRuby(rel, before, after)
	case procfileFile:
		return verifyProcfile(rel, before, after)
	case appJSONFile:
		return verifyAppJSON(rel, before, after)
	}
	return nil
}

// fileKind is the syntax a file is checked as.
type fileKind int

const (
	otherFile fileKind = iota
	yamlFile
	rubyFile
	procfileFile
	appJSONFile
)

// kindOf tells the syntax of a file by its name, looking through the
// suffixes of shipped samples (database.yml.example) and templates.
func kindOf(rel string) fileKind {
	base := path.Base(rel)
	for _, suffix := range []string{".example", ".sample", ".erb"} {
		base = strings.TrimSuffix(base, suffix)
	}
	switch {
	case base == "Procfile" || strings.HasPrefix(base, "Procfile."):
		return procfileFile
	case base == "app.json":
		return appJSONFile
	case base == "Gemfile" || base == "Rakefile" || base == "Capfile":
		return rubyFile
	}
	switch path.Ext(base) {
	case ".yml", ".yaml":
		return yamlFile
	case ".rb", ".ru", ".rake":
		return rubyFile
	}
	return otherFile
}

func verifyYAML(rel string, before, after []byte) error {
	if _, err := parser.ParseYAML(parser.NewFile(rel, "", before)); err != nil {
		return nil // already broken: nothing to compare with
	}
	if _, err := parser.ParseYAML(parser.NewFile(rel, "", after)); err != nil {
		var ye *parser.YAMLError
		if errors.As(err, &ye) {
			return fmt.Errorf("the fixed file would not be valid YAML (line %d: %s)", ye.Line, ye.Msg)
		}
		return fmt.Errorf("the fixed file would not be valid YAML: %w", err)
	}
	return nil
}

func verifyRuby(rel string, before, after []byte) error {
	old, err := parser.ParseRuby(parser.NewFile(rel, "", before))
	if err != nil {
		return nil // could not be parsed at all: nothing to compare with
	}
	fixed, err := parser.ParseRuby(parser.NewFile(rel, "", after))
	if err != nil {
		return fmt.Errorf("the fixed file could not be parsed as Ruby: %w", err)
	}
	// HasErrors also catches what tree-sitter recovers from silently (a
	// stray `end` read as a name). In a file that was already broken, an
	// error node is the fix's when it is not one of the old ones, looked
	// for where the unchanged text around the edits moved to.
	if fixed.HasErrors && (!old.HasErrors || hasNewErrorNode(old.Root, fixed.Root, before, after)) {
		return fmt.Errorf("the fixed file would not be valid Ruby (syntax error at line %d)", fixed.FirstError.Start.Line)
	}
	return nil
}

// errorNode is where an ERROR or MISSING node is.
type errorNode struct {
	start, end int
	missing    bool
}

// hasNewErrorNode reports whether the tree of after has an error node that
// the tree of before does not have at the same place in the unchanged text.
// An error node that touches the changed bytes is always new: recovery
// around the edit is exactly what a broken fix looks like.
func hasNewErrorNode(oldRoot, newRoot *parser.Node, before, after []byte) bool {
	prefix, suffix := commonEnds(before, after)
	shift := len(after) - len(before)
	old := map[errorNode]bool{}
	for _, n := range errorNodes(oldRoot) {
		old[n] = true
	}
	for _, n := range errorNodes(newRoot) {
		switch {
		case n.end <= prefix && n.start < prefix:
			// in the unchanged text before the edits: same offsets
		case n.start >= len(after)-suffix && n.start > prefix:
			// in the unchanged text after them: moved by the edits' growth
			n.start -= shift
			n.end -= shift
		default:
			return true
		}
		if !old[n] {
			return true
		}
	}
	return false
}

// commonEnds returns the lengths of the longest common prefix and suffix of
// a and b, not overlapping each other in either.
func commonEnds(a, b []byte) (prefix, suffix int) {
	limit := min(len(a), len(b))
	for prefix < limit && a[prefix] == b[prefix] {
		prefix++
	}
	for suffix < limit-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// errorNodes lists the ERROR and MISSING nodes under root.
func errorNodes(root *parser.Node) []errorNode {
	var out []errorNode
	stack := []*parser.Node{root} // explicit stack: deep trees must not exhaust the Go stack
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if node == nil {
			continue
		}
		if node.IsError() || node.IsMissing() {
			out = append(out, errorNode{start: int(node.StartByte()), end: int(node.EndByte()), missing: node.IsMissing()})
		}
		for i := range int(node.ChildCount()) {
			stack = append(stack, node.Child(i))
		}
	}
	return out
}

func verifyProcfile(rel string, before, after []byte) error {
	if procfileProblems(rel, after) > procfileProblems(rel, before) {
		return errors.New("the fixed Procfile would have a line the shell or Procfile format cannot read")
	}
	return nil
}

// procfileProblems counts the lines of a Procfile that are not process
// lines or whose command the shell cannot parse.
func procfileProblems(rel string, src []byte) int {
	pf := parser.ParseProcfile(parser.NewFile(rel, "", src))
	n := len(pf.Errors) + len(pf.Skipped)
	for _, e := range pf.Entries {
		if e.ParseError != "" {
			n++
		}
	}
	return n
}

func verifyAppJSON(rel string, before, after []byte) error {
	if _, err := parser.ParseAppJSON(parser.NewFile(rel, "", before)); err != nil {
		return nil
	}
	if _, err := parser.ParseAppJSON(parser.NewFile(rel, "", after)); err != nil {
		return fmt.Errorf("the fixed file would not be valid JSON: %w", err)
	}
	return nil
}
