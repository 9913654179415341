package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// TestPgBouncerFixes applies the fixes of the pgbouncer-* rules to copies
// of golden cases, then loads the result again: database.yml must still
// parse, the rule must no longer fire, and no other fix must appear.
func TestPgBouncerFixes(t *testing.T) {
	tests := []struct {
		app, rule string
		unsafe    bool
	}{
		{"pgb_seed001_rails42", "pgbouncer-prepared-statements", false},
		{"pgb_max_prepared_warning", "pgbouncer-prepared-statements", false},
		{"pgb_flag_wrong_case", "pgbouncer-prepared-statements", false}, // flow mapping
		{"pgb_multidb_rails80", "pgbouncer-prepared-statements", true},
		{"pgb_release_migrate_rails61", "pgbouncer-advisory-locks", false},
		{"pgb_multidb_rails80", "pgbouncer-advisory-locks", true},
	}
	for _, tt := range tests {
		t.Run(tt.app+"/"+tt.rule, func(t *testing.T) {
			dir := copyApp(t, filepath.Join("..", "testdata", "apps", tt.app))
			rule := ByID(tt.rule)
			app := loadApp(t, dir)
			ds := rule.Check(app)
			if len(ds) == 0 {
				t.Fatal("the rule does not fire before the fix")
			}
			var edits []fixer.Edit
			for _, d := range ds {
				if d.Fix == nil {
					t.Fatalf("no fix for %q", d.Message)
				}
				if d.Fix.Safe == tt.unsafe {
					t.Errorf("fix %q: safe=%v, want %v", d.Fix.Description, d.Fix.Safe, !tt.unsafe)
				}
				edits = append(edits, d.Fix.Edits...)
			}
			byFile := map[string][]fixer.Edit{}
			for _, e := range edits {
				byFile[e.File] = append(byFile[e.File], e)
			}
			for file, es := range byFile {
				f := app.File(file)
				if f == nil {
					t.Fatalf("fix edits %s, which was not read", file)
				}
				out := applyEdits(t, f.Src, es)
				if _, err := parser.ParseYAML(parser.NewFile(file, "", out)); err != nil {
					t.Fatalf("%s no longer parses: %v\n%s", file, err, out)
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(file)), out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			again := rule.Check(loadApp(t, dir))
			if len(again) != 0 {
				t.Errorf("still fires after the fix: %s", again[0].Message)
			}
		})
	}
}

func loadApp(t *testing.T, dir string) *rails.App {
	t.Helper()
	app, err := rails.Load(dir, rails.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// copyApp copies a case directory into a temporary one.
func copyApp(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
