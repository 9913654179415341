package rules_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/lintconfig"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/report"
	"github.com/poollint/poollint/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/apps")

const appsDir = "../testdata/apps"

// TestGolden lints every case under testdata/apps (a directory holding one
// app, or several apps) and compares the text report with <case>.golden.
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir(appsDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".fixed") {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			got := lintCase(t, name)
			goldenPath := filepath.Join(appsDir, name+".golden")
			if *update {
				if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("missing golden file (run go test ./rules -run TestGolden -update): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s report differs (-want +got):\n%s", name, diff)
			}
		})
	}
	if n < 20 {
		t.Errorf("only %d golden cases; the suite must keep at least 20", n)
	}
}

// lintCase runs discovery, loading, every rule and the text report over
// one case, with paths shown relative to testdata/apps. An app root's
// .poollint.yml applies, and so do its inline disables, as on the
// command line with no flags.
func lintCase(t *testing.T, name string) string {
	t.Helper()
	roots, err := rails.Discover(filepath.Join(appsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(roots)
	var apps []report.App
	for _, root := range roots {
		display, _ := filepath.Rel(appsDir, root)
		cfg, _, err := lintconfig.Find(root)
		if err != nil {
			t.Fatal(err)
		}
		var flags lintconfig.Flags
		app, err := rails.Load(root, cfg.LoadOptions(flags, filepath.ToSlash(display)))
		if err != nil {
			t.Fatalf("load %s: %v", root, err)
		}
		if cfg != nil && cfg.File != nil {
			app.Files[cfg.File.Path] = cfg.File // as the CLI does, so findings in it show its lines
		}
		opts := cfg.RuleOptions(flags)
		diags := rules.ApplyDisables(app, rules.Run(app, opts), opts)
		apps = append(apps, report.App{
			Display:     app.Display,
			Rails:       app.Versions.Rails(),
			Files:       app.Files,
			Diagnostics: cfg.ApplySeverity(diags),
		})
	}
	var buf bytes.Buffer
	if err := report.Text(&buf, apps, report.Options{FixHints: true}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
