//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// verdict is what poollint says about one scenario's rule on one app tree.
type verdict struct {
	checked     bool // lint ran (the phase was reached)
	implemented bool
	diags       []rules.Diagnostic // the scenario rule's diagnostics
	others      []string           // other rules that reported something
}

// lint loads the app with the poollint packages and runs every rule.
func lint(appDir, rule string, opts rails.Options) (verdict, error) {
	if r := rules.ByID(rule); r == nil || r.Check == nil {
		return verdict{checked: true}, nil
	}
	if opts.RailsEnv == "" {
		opts.RailsEnv = "production"
	}
	app, err := rails.Load(appDir, opts)
	if err != nil {
		return verdict{}, err
	}
	v := verdict{checked: true, implemented: true}
	seen := map[string]bool{}
	for _, d := range rules.Run(app, rules.Options{}) {
		if d.Rule == rule {
			v.diags = append(v.diags, d)
		} else if !seen[d.Rule] {
			seen[d.Rule] = true
			v.others = append(v.others, d.Rule+" ("+d.Severity.String()+")")
		}
	}
	sort.Strings(v.others)
	return v, nil
}

// flagged: the rule reports the app at or above min, the severity at
// which RULES.md says the configuration fails at runtime.
func (v verdict) flagged(min rules.Severity) bool {
	for _, d := range v.diags {
		if d.Severity >= min {
			return true
		}
	}
	return false
}

// String is the verdict for the table: the highest severity reported, or
// "silent".
func (v verdict) String() string {
	if !v.checked {
		return "-"
	}
	if !v.implemented {
		return "rule not implemented"
	}
	if len(v.diags) == 0 {
		return "silent"
	}
	top := rules.Info
	for _, d := range v.diags {
		top = max(top, d.Severity)
	}
	return top.String()
}

// poollintBin builds cmd/poollint once per test run.
type poollintBin struct {
	once   sync.Once
	path   string
	hasFix bool
	err    error
}

func (b *poollintBin) build(ctx context.Context, repo, dir string) error {
	b.once.Do(func() {
		b.path = filepath.Join(dir, "poollint")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.path, "./cmd/poollint")
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build ./cmd/poollint: %v\n%s", err, out)
			return
		}
		help, _ := exec.CommandContext(ctx, b.path, "--help").CombinedOutput()
		// E2E_APPLY_EDITS=1 applies the diagnostics' edits directly, to
		// check the rules' fixes apart from the command line.
		b.hasFix = bytes.Contains(help, []byte("--fix")) && os.Getenv("E2E_APPLY_EDITS") == ""
	})
	return b.err
}

// fix repairs appDir for rule with `poollint --fix --select rule`, or,
// with a poollint built before --fix existed, by applying the edits of the
// diagnostics' fixes. It returns how the app was fixed, and fails when
// nothing changed: a rule RULES.md marks fixable must repair the app.
func (b *poollintBin) fix(ctx context.Context, appDir, rule string, diags []rules.Diagnostic) (string, error) {
	before, err := snapshot(appDir)
	if err != nil {
		return "", err
	}
	how := "poollint --fix"
	if b.hasFix {
		cmd := exec.CommandContext(ctx, b.path, "--fix", "--select", rule, "--no-color", appDir)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
			return how, fmt.Errorf("poollint --fix: %v\n%s", err, out)
		}
	} else {
		how = "the diagnostics' fix edits, applied by the test"
		if err := applyEdits(appDir, diags); err != nil {
			return how, err
		}
	}
	after, err := snapshot(appDir)
	if err != nil {
		return how, err
	}
	changed := diffFiles(before, after)
	if len(changed) == 0 {
		return how, fmt.Errorf("%s changed nothing", how)
	}
	return how + " (" + strings.Join(changed, ", ") + ")", nil
}

// applyEdits applies the edits of every fix of diags, file by file.
func applyEdits(appDir string, diags []rules.Diagnostic) error {
	byFile := map[string][]fixer.Edit{}
	for _, d := range diags {
		if d.Fix == nil {
			continue
		}
		for _, e := range d.Fix.Edits {
			byFile[e.File] = append(byFile[e.File], e)
		}
	}
	for file, edits := range byFile {
		path := filepath.Join(appDir, file)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out, _, deferred, err := fixer.Apply(src, edits)
		if err != nil {
			return err
		}
		if len(deferred) > 0 {
			return fmt.Errorf("%s: %d overlapping edits", file, len(deferred))
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// snapshot reads every file of an app tree.
func snapshot(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(b)
		return nil
	})
	return files, err
}

// diffFiles names the files that differ between two snapshots.
func diffFiles(a, b map[string]string) []string {
	var out []string
	for f, s := range b {
		if a[f] != s {
			out = append(out, f)
		}
	}
	for f := range a {
		if _, ok := b[f]; !ok {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// unifiedChanges shows what a fix changed, for the log.
func unifiedChanges(a, b map[string]string) string {
	var sb strings.Builder
	for _, f := range diffFiles(a, b) {
		sb.WriteString(fixer.Diff(f, []byte(a[f]), []byte(b[f])))
	}
	return sb.String()
}
