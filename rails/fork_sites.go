package rails

import (
	"bytes"
	"fmt"
	"github.com/poollint/poollint/safefile"
	"path"
	"strings"

	"github.com/poollint/poollint/parser"
)

// ForkSite is one place app code forks a process (seed 004 "Spawning
// processes"): `Process.fork`, a bare `fork` with a block, or a Parallel
// call that runs its block in processes.
type ForkSite struct {
	File *parser.File
	Span parser.Span // the call without its block
	What string      // "Process.fork", "fork", "Parallel.map(in_processes: 4)"
	// ARLoaded says the code runs with Active Record loaded: app/, lib/
	// and config/ code, or a script or rake file that loads the
	// environment or names Active Record.
	ARLoaded bool
	// Disconnect is the disconnect (`connection_pool.disconnect!`,
	// `clear_all_connections!`, …) that precedes the fork in the same
	// scope; nil when there is none.
	Disconnect *parser.Span
}

// forkDirs are where app code that may fork lives (RULES.md
// fork-without-disconnect).
var forkDirs = []string{"app", "bin", "config", "lib", "script"}

// maxForkFiles bounds the scan: a huge tree (a vendored monorepo) must not
// make linting a config slow. The files are visited in path order.
const maxForkFiles = 2000

// parallelMethods are the Parallel gem's calls that run a block per item.
var parallelMethods = []string{"map", "each", "each_with_index", "map_with_index", "flat_map", "filter_map", "in_processes"}

// loadForkSites scans app code for forks. Only files that mention "fork"
// or "Parallel" are parsed. The walk goes through the safefile gate like
// every other read, follows no symlink, and says (as info: this is app
// code, not configuration) which subtrees it could not scan.
func (a *App) loadForkSites() {
	w := forkWalk{a: a, runners: map[string]bool{}}
	for _, dir := range forkDirs {
		w.dir(dir, 0)
	}
	a.markRunnerScripts(w.runners)
}

// maxWalkDepth and maxWalkPath bound the walk: a tree nested deeper is
// not app code anyone wrote by hand, and each level costs a lookup from
// the app root.
const (
	maxWalkDepth = 64
	maxWalkPath  = 4096
)

type forkWalk struct {
	a    *App
	seen int
	// runners are the files the walked files run with `rails runner`.
	runners map[string]bool
}

func (w *forkWalk) dir(rel string, depth int) {
	if w.seen >= maxForkFiles {
		return
	}
	if depth > maxWalkDepth || len(rel) > maxWalkPath {
		w.a.refuse(rel, fmt.Sprintf("directories nested over %d levels or %d bytes deep; app code below was not scanned for forks", maxWalkDepth, maxWalkPath), true)
		return
	}
	entries, err := w.a.fsys.ReadDir(rel)
	if err != nil {
		if depth > 0 || safefile.KindOf(err) != safefile.Absent {
			w.a.refuse(rel, err.Error()+"; app code under it was not scanned for forks", true)
		}
		return
	}
	for _, e := range entries {
		p := rel + "/" + e.Name()
		switch {
		case e.IsDir():
			if !skippedDirs[e.Name()] {
				w.dir(p, depth+1)
			}
		case e.Type().IsRegular() && w.a.mayHoldForks(p):
			if w.seen >= maxForkFiles {
				return
			}
			w.seen++
			w.a.ForkSites = append(w.a.ForkSites, w.a.forkSitesIn(p, w.runners)...)
		}
	}
}

// mayHoldForks reports whether rel is Ruby app code to scan: .rb and .rake
// files, and extension-less scripts in bin/ and script/ (checked for a
// Ruby shebang when read). Puma and Unicorn configs are DSL, not app code.
func (a *App) mayHoldForks(rel string) bool {
	if a.Pumas[rel] != nil || a.Unicorns[rel] != nil {
		return false
	}
	base := path.Base(rel)
	if strings.HasPrefix(rel, "config/") && (strings.HasPrefix(base, "puma") || strings.HasPrefix(base, "unicorn") ||
		strings.HasPrefix(rel, "config/puma/") || strings.HasPrefix(rel, "config/unicorn/")) {
		return false
	}
	switch path.Ext(base) {
	case ".rb", ".rake":
		return true
	case "":
		return strings.HasPrefix(rel, "bin/") || strings.HasPrefix(rel, "script/")
	}
	return false
}

// forkSitesIn reads and scans one file. A file that cannot be read or is
// not text is skipped: it is app code, and a fork in it is all we look for.
func (a *App) forkSitesIn(rel string, runners map[string]bool) []*ForkSite {
	f := a.Files[rel]
	var src []byte
	if f != nil {
		src = f.Src
	} else {
		var err error
		if src, err = a.readThroughOverlay(rel); err != nil {
			return nil
		}
	}
	for _, t := range runnerTargets(src, false) {
		runners[t] = true
	}
	if !bytes.Contains(src, []byte("fork")) && !bytes.Contains(src, []byte("Parallel")) {
		return nil
	}
	if path.Ext(rel) == "" && !isRubyScript(src) {
		return nil
	}
	if f == nil {
		var err error
		if f, err = a.keep(rel, src); err != nil {
			return nil
		}
		a.Files[rel] = f
	}
	r, err := parser.ParseRuby(f)
	if err != nil {
		return nil
	}
	return findForkSites(r, arLoaded(rel, src))
}

// isRubyScript reports whether an extension-less script starts with a
// Ruby shebang (`#!/usr/bin/env ruby`).
func isRubyScript(src []byte) bool {
	line := src
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		line = src[:i]
	}
	return bytes.HasPrefix(line, []byte("#!")) && bytes.Contains(line, []byte("ruby"))
}

// arLoaded decides whether code in rel runs with Active Record loaded.
// app/, config/ and lib/ Ruby files are loaded by the app; a script or a
// rake file only when it loads the environment or names Active Record.
func arLoaded(rel string, src []byte) bool {
	top := strings.SplitN(rel, "/", 2)[0]
	if (top == "app" || top == "config" || top == "lib") && path.Ext(rel) == ".rb" {
		return true
	}
	code := withoutCommentLines(src)
	for _, hint := range []string{"environment", "ActiveRecord", "ApplicationRecord", "Rails.application"} {
		if bytes.Contains(code, []byte(hint)) {
			return true
		}
	}
	return false
}

// withoutCommentLines drops the lines that are only a comment: a script
// that says "no environment" in prose does not load one.
func withoutCommentLines(src []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("#")) {
			out = append(out, line...)
		}
	}
	return out
}

// findForkSites returns the forks in r.
func findForkSites(r *parser.RubyFile, loaded bool) []*ForkSite {
	definesFork := false
	for _, n := range forkMethodDefs(r.Root) {
		if name := n.ChildByFieldName("name"); name != nil && r.Text(name) == "fork" {
			definesFork = true
		}
	}
	var out []*ForkSite
	for _, c := range r.Calls(r.Root, append([]string{"fork"}, parallelMethods...)...) {
		what, ok := forkKind(r, c, definesFork)
		if !ok {
			continue
		}
		s := &ForkSite{File: r.File, Span: forkCallHead(r, c), What: what, ARLoaded: loaded}
		if d, ok := disconnectBefore(r, c.Node); ok {
			s.Disconnect = &d
		}
		out = append(out, s)
	}
	return out
}

// forkKind names c when it forks: Process.fork (or Kernel.fork), a bare
// `fork` with a block (unless the file defines its own fork method, as a
// model of a forkable repository would), unless the child execs at once,
// and Parallel calls that run in
// processes: `in_processes: n` with n not 0, or no in_threads/in_processes
// at all (the gem's default is processes). Options poollint cannot read
// (a variable, a splat) are not guessed at.
func forkKind(r *parser.RubyFile, c parser.Call, definesFork bool) (string, bool) {
	recv := receiverChain(r, c)
	if c.Method == "fork" {
		switch {
		case recv == "Process" || recv == "Kernel":
		case c.Receiver == nil && c.Block != nil && !definesFork:
			recv = ""
		default:
			return "", false
		}
		if execsAtOnce(r, c) {
			return "", false
		}
		if recv == "" {
			return "fork", true
		}
		return recv + ".fork", true
	}
	if recv != "Parallel" {
		return "", false
	}
	if c.Method == "in_processes" {
		if len(c.Args) > 0 {
			if n, ok := r.IntValue(c.Args[0]); ok && n == 0 {
				return "", false
			}
		}
		return "Parallel.in_processes", true
	}
	if len(c.Args) == 0 {
		return "", false
	}
	inProcesses := ""
	for _, arg := range c.Args[1:] {
		if arg.Type() != "pair" {
			return "", false
		}
		key, ok := r.StringValue(arg.ChildByFieldName("key"))
		if !ok {
			return "", false
		}
		value := arg.ChildByFieldName("value")
		switch key {
		case "in_threads":
			return "", false
		case "in_processes":
			if n, ok := r.IntValue(value); ok && n == 0 {
				return "", false
			}
			inProcesses = r.Text(value)
		}
	}
	if inProcesses == "" {
		return "Parallel." + c.Method + " (in processes by default)", true
	}
	return "Parallel." + c.Method + "(in_processes: " + inProcesses + ")", true
}

// execsAtOnce reports whether a fork's block starts by replacing the child
// with another program (`fork { exec("convert", ...) }`): the child never
// runs Ruby code that could use the inherited connection.
func execsAtOnce(r *parser.RubyFile, c parser.Call) bool {
	if len(c.BlockBody) == 0 {
		return false
	}
	first, ok := forkCallAt(r, parser.Unwrap(c.BlockBody[0]))
	if !ok || first.Method != "exec" {
		return false
	}
	recv := receiverChain(r, first)
	return recv == "" || recv == "Kernel" || recv == "Process"
}

// forkCallHead is the span of c without its block: `Process.fork`,
// `Parallel.map(items, in_processes: 4)`.
func forkCallHead(r *parser.RubyFile, c parser.Call) parser.Span {
	end := c.Node.EndByte()
	if c.Block != nil {
		end = c.Node.StartByte()
		for _, name := range []string{"method", "arguments"} {
			if n := c.Node.ChildByFieldName(name); n != nil && n.EndByte() > end {
				end = n.EndByte()
			}
		}
	}
	full := r.Span(c.Node)
	return r.File.Span(full.Start.Offset, full.Start.Offset+int(end-c.Node.StartByte()))
}

// forkStatementLists are the node types whose children run one after another.
var forkStatementLists = map[string]bool{
	"program": true, "body_statement": true, "block_body": true, "then": true, "else": true,
	"begin": true, "do": true, "ensure": true, "parenthesized_statements": true,
}

// forkScopeBoundaries end the search for a preceding disconnect: code before a
// method or class body does not run before the fork inside it.
var forkScopeBoundaries = map[string]bool{
	"method": true, "singleton_method": true, "class": true, "singleton_class": true, "module": true,
}

// disconnectBefore finds a disconnect in a statement that runs before n in
// the same scope: an earlier statement of any enclosing statement list, up
// to the enclosing method, class or module.
func disconnectBefore(r *parser.RubyFile, n *parser.Node) (parser.Span, bool) {
	path := forkNodePath(r.Root, n)
	for i := len(path) - 1; i > 0; i-- {
		parent := path[i-1]
		if forkStatementLists[parent.Type()] {
			for _, s := range forkCodeNodes(parent) {
				if s.StartByte() >= path[i].StartByte() {
					break
				}
				if forkScopeBoundaries[s.Type()] {
					continue
				}
				for _, c := range r.Calls(s) {
					if isDisconnectCall(r, c) {
						return r.Span(c.Node), true
					}
				}
			}
		}
		if forkScopeBoundaries[parent.Type()] {
			break
		}
	}
	return parser.Span{}, false
}

// forkNodePath returns the nodes from root down to n (n last), descending
// through the child whose byte range holds n; nil when n is not under root.
func forkNodePath(root, n *parser.Node) []*parser.Node {
	path := []*parser.Node{root}
	cur := root
	for !cur.Equal(n) {
		next := forkChildHolding(cur, n)
		if next == nil {
			return nil
		}
		cur = next
		path = append(path, cur)
	}
	return path
}

func forkChildHolding(parent, n *parser.Node) *parser.Node {
	for _, ch := range parser.Children(parent) {
		if ch.StartByte() <= n.StartByte() && n.EndByte() <= ch.EndByte() {
			return ch
		}
	}
	return nil
}

// forkMethodDefs returns every method definition in the tree.
func forkMethodDefs(root *parser.Node) []*parser.Node {
	var out []*parser.Node
	parser.Walk(root, func(n *parser.Node) bool {
		if t := parser.NodeType(n); t == "method" || t == "singleton_method" {
			out = append(out, n)
		}
		return true
	})
	return out
}
