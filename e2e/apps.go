//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// An app tree under test is the Rails skeleton (skeleton/) with the
// scenario's own files (scenarios/<name>/app/) on top, copied into the
// test's temp directory: what poollint lints is exactly what runs.

// prepareApp builds a fresh copy of a scenario's app at dst.
func prepareApp(e2eDir, scenario, dst string, pgbouncer bool) error {
	if err := copyTree(filepath.Join(e2eDir, "skeleton"), dst); err != nil {
		return err
	}
	if err := copyTree(filepath.Join(e2eDir, "scenarios", scenario, "app"), dst); err != nil {
		return err
	}
	for _, d := range []string{"log", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dst, d), 0o755); err != nil {
			return err
		}
	}
	if pgbouncer {
		return writeStartPgBouncer(dst)
	}
	return nil
}

// writeStartPgBouncer installs the stand-in for the Heroku PgBouncer
// buildpack's bin/start-pgbouncer, which the buildpack (not the app)
// puts in the slug. The test has already started PgBouncer in
// transaction mode; like the buildpack, the script points DATABASE_URL at
// it (appending ?prepared_statements=false when
// PGBOUNCER_PREPARED_STATEMENTS=false) and runs the command.
func writeStartPgBouncer(app string) error {
	const script = `#!/bin/sh
# e2e stand-in for the PgBouncer buildpack's start script (written by the test).
DATABASE_URL="$E2E_PGBOUNCER_URL"
if [ "$PGBOUNCER_PREPARED_STATEMENTS" = false ]; then
  DATABASE_URL="$DATABASE_URL?prepared_statements=false"
fi
export DATABASE_URL
exec "$@"
`
	if err := os.MkdirAll(filepath.Join(app, "bin"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(app, "bin", "start-pgbouncer"), []byte(script), 0o755)
}

// overlay copies the hand-written fix of a scenario (scenarios/<name>/fixed/)
// over the app: for rules that have no automatic fix.
func overlay(e2eDir, scenario, app string) ([]string, error) {
	src := filepath.Join(e2eDir, "scenarios", scenario, "fixed")
	var files []string
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(src, path)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("no hand-written fix in %s: %w", src, err)
	}
	return files, copyTree(src, app)
}

// copyTree copies the files of src into dst, keeping the executable bit.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm()|0o644)
	})
}

// procfileCommand returns the command of one process type of the app's
// Procfile ("name: command").
func procfileCommand(app, name string) (string, error) {
	f, err := os.Open(filepath.Join(app, "Procfile"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if n, cmd, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(n) == name {
			return strings.TrimSpace(cmd), nil
		}
	}
	return "", fmt.Errorf("the Procfile has no %q process", name)
}
