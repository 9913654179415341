package main

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// knownFixProblems exempts a case from TestFixProperties in one mode, by
// "<case>/<mode>" (mode "fix" or "unsafe"), while the fix that misbehaves
// there is being repaired. Each entry says what goes wrong; remove it with
// the repair.
var knownFixProblems = map[string]string{}

// TestFixProperties checks what DESIGN.md promises of --fix on every case
// of testdata/apps, once with the safe fixes and once with --unsafe-fixes
// too:
//   - every finding whose fix the run applies is gone (counted by rule and
//     file: a file may hold other findings of the rule, without a fix);
//   - no new error is reported, and no file becomes unreadable (no new
//     config-unreadable finding);
//   - every fix lands: none is refused, and the passes settle;
//   - a second --fix changes nothing.
func TestFixProperties(t *testing.T) {
	for _, mode := range []fixMode{safeFixes, unsafeFixes} {
		t.Run(mode.name, func(t *testing.T) {
			var fixedCases atomic.Int32
			t.Run("cases", func(t *testing.T) {
				for _, name := range fixCaseNames(t) {
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						if reason, ok := knownFixProblems[name+"/"+mode.name]; ok {
							t.Skipf("known fix problem: %s", reason)
						}
						if checkFixProperties(t, name, mode) {
							fixedCases.Add(1)
						}
					})
				}
			})
			// The properties hold trivially of a case without fixes: make
			// sure enough cases exercise them.
			if n := fixedCases.Load(); n < 20 {
				t.Errorf("only %d cases have fixes that %s applies", n, mode.args)
			}
		})
	}
}

// checkFixProperties fixes a copy of the case in mode and checks the
// properties; it reports whether the run applied any fix.
func checkFixProperties(t *testing.T, name string, mode fixMode) bool {
	dir := copyCase(t, name)
	before := lintJSON(t, dir)
	code, _, stderr := fixAgain(t, dir, mode)
	if code == exitTrouble {
		t.Errorf("exit %d; stderr:\n%s", code, stderr)
	}
	for line := range strings.Lines(stderr) {
		if strings.Contains(line, "not fixed") || strings.Contains(line, "did not settle") {
			t.Errorf("%s", strings.TrimSpace(line))
		}
	}
	after := lintJSON(t, dir)

	var applied []lintedDiag
	for _, d := range before {
		if mode.applies(d) {
			applied = append(applied, d)
		}
	}
	countBefore, countAfter := countByRuleAndFile(before, all), countByRuleAndFile(after, all)
	for key, n := range countByRuleAndFile(applied, all) {
		if left := countAfter[key] - (countBefore[key] - n); left > 0 {
			t.Errorf("%s still fires in %s after its fix (%d of %d fixed findings remain):%s",
				key.rule, key.file, left, n, messagesOf(after, key))
		}
	}

	errorsBefore := countByRuleAndFile(before, isError)
	for key, n := range countByRuleAndFile(after, isError) {
		if n > errorsBefore[key] {
			t.Errorf("new error after the fixes: %s in %s:%s", key.rule, key.file, messagesOf(after, key))
		}
	}

	unreadable := map[string]int{}
	for _, d := range before {
		if d.Rule == "config-unreadable" {
			unreadable[unreadableKey(d)]++
		}
	}
	for _, d := range after {
		if d.Rule == "config-unreadable" {
			if unreadable[unreadableKey(d)] == 0 {
				t.Errorf("the fixes made a file unreadable: %s: %s", d.File, d.Message)
			}
			unreadable[unreadableKey(d)]--
		}
	}

	once := readTree(t, dir)
	code, _, stderr = fixAgain(t, dir, mode)
	if diff := cmp.Diff(once, readTree(t, dir)); diff != "" {
		t.Errorf("a second %v changed the tree (-first +second):\n%s", mode.args, diff)
	}
	if code == exitTrouble || !strings.HasPrefix(stderr, "fixed 0 problems in 0 files") {
		t.Errorf("a second %v: exit %d, stderr:\n%s", mode.args, code, stderr)
	}
	if t.Failed() {
		t.Logf("the fixes applied:")
		for _, d := range applied {
			t.Logf("  %s %s: %s", d.Rule, d.File, d.Message)
		}
	}
	return len(applied) > 0
}

// ruleFile keys findings by rule and file.
type ruleFile struct{ rule, file string }

func all(lintedDiag) bool       { return true }
func isError(d lintedDiag) bool { return d.Severity == "error" }

func countByRuleAndFile(ds []lintedDiag, keep func(lintedDiag) bool) map[ruleFile]int {
	n := map[ruleFile]int{}
	for _, d := range ds {
		if keep(d) {
			n[ruleFile{d.Rule, d.File}]++
		}
	}
	return n
}

// messagesOf lists the messages of the findings with key, one per line.
func messagesOf(ds []lintedDiag, key ruleFile) string {
	var b strings.Builder
	for _, d := range ds {
		if d.Rule == key.rule && d.File == key.file {
			b.WriteString("\n    " + d.Message)
		}
	}
	return b.String()
}

var lineNumber = regexp.MustCompile(`\bline \d+`)

// unreadableKey identifies a config-unreadable finding across a fix that
// moved lines: its file and message, less the line numbers it quotes.
func unreadableKey(d lintedDiag) string {
	return d.File + "\x00" + lineNumber.ReplaceAllString(d.Message, "line N")
}
