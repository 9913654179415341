package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// BenchmarkReadOnly is the baseline: reading every file of the example app
// from disk, which no linter can avoid. The lint benchmarks are reported as
// ratios against it.
func BenchmarkReadOnly(b *testing.B) {
	root := filepath.Join("..", "examples", "heroku-app")
	b.ReportAllocs()
	for b.Loop() {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			_, err = os.ReadFile(p)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintExampleApp loads the example app and runs every rule.
func BenchmarkLintExampleApp(b *testing.B) {
	root := filepath.Join("..", "examples", "heroku-app")
	b.ReportAllocs()
	for b.Loop() {
		app, err := rails.Load(root, rails.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rules.Run(app, rules.Options{})) == 0 {
			b.Fatal("the example app has findings")
		}
	}
}

// BenchmarkLintAllTestdata discovers and lints every app under
// testdata/apps: the "tree of many apps" case.
func BenchmarkLintAllTestdata(b *testing.B) {
	roots, err := rails.Discover(appsDir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ReportMetric(float64(len(roots)), "apps")
	for b.Loop() {
		for _, root := range roots {
			app, err := rails.Load(root, rails.Options{})
			if err != nil {
				b.Fatal(err)
			}
			rules.Run(app, rules.Options{})
		}
	}
}
