// Package lintconfig reads .poollint.yml, the per-app settings of a lint
// run (DESIGN.md "Command-line contract"): the RAILS_ENV and environment
// the app is read with, which rules run and at what severity, and what
// the deployment looks like where the app's files cannot say (dyno counts,
// the database's connection limit, PgBouncers). The file is strict: an
// unknown key, a wrong type or an unknown rule ID is an error naming the
// line, because a typo that silently does nothing is worse than no file.
package lintconfig

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/rules"
	"github.com/poollint/poollint/safefile"
)

// FileName is the config file poollint looks for at an app root.
const FileName = ".poollint.yml"

// maxSize caps the file: a config is a few hundred bytes.
const maxSize = 1 << 20

// PgBouncerDecl is one entry of `pgbouncer:`; the model uses it as is.
type PgBouncerDecl = rails.PgBouncerDecl

// Config is one .poollint.yml. The zero value (and a nil *Config) is "no
// file": every method then leaves the command line's choices alone.
type Config struct {
	Path string // the file as it was opened

	RailsEnv string // rails_env: "" when not set
	// Deployment selects the one deployment to lint ("config/deploy.yml",
	// "Procfile"); "" lints them all.
	Deployment string
	Env        map[string]string // env: variables as written (5 reads as "5")
	Select     []string          // select: rule IDs, checked against the registry
	Ignore     []string          // ignore: rule IDs
	Severity   map[string]rules.Severity
	// Formation is the dyno count per process type (formation:).
	Formation map[string]int
	// Database is database: {max_connections: N} or {plan: NAME}.
	Database  rails.DatabaseLimit
	PgBouncer []PgBouncerDecl

	// File is the parsed file; Spans locates every value read, keyed by
	// its dotted path ("formation.web", "database.max_connections",
	// "pgbouncer.0"), for diagnostics that point into the file. Span
	// paths are app-relative (".poollint.yml") when Find opened the file,
	// else the path as given to Load.
	File  *parser.File
	Spans map[string]parser.Span
}

// Find reads FileName at appRoot. It returns a nil Config and an empty
// path when the app has none. The file comes from the repository, so it
// is read through the same gate as the app's files: a regular file,
// bounded, and not a symlink out of the app (`.poollint.yml ->
// /etc/shadow` is refused before a byte of it is read, so no error can
// echo its lines as unknown keys).
func Find(appRoot string) (*Config, string, error) {
	root, err := safefile.OpenRoot(appRoot)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", redact.Path(filepath.Join(appRoot, FileName)), err)
	}
	defer func() { _ = root.Close() }()
	return FindIn(root, appRoot)
}

// FindIn is Find through root, the app root already opened (and shared
// with the app's load, so the root directory is opened and listed once).
func FindIn(root *safefile.Root, appRoot string) (*Config, string, error) {
	path := filepath.Join(appRoot, FileName)
	if present, known := root.Listed(FileName); known && !present {
		return nil, "", nil // not in the root's listing: nothing to open
	}
	src, err := root.ReadFile(FileName, maxSize)
	if safefile.KindOf(err) == safefile.Absent {
		return nil, "", nil
	}
	if err != nil {
		return nil, path, fmt.Errorf("%s: %w", redact.Path(path), err)
	}
	c, err := parseAt(path, FileName, src)
	return c, path, err
}

// Load reads the config file at path (the --config flag): the user named
// it, so it is not confined to an app, but it must still be a regular
// file of config size (not /dev/urandom).
func Load(path string) (*Config, error) {
	src, err := safefile.ReadFile(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact.Path(path), err)
	}
	return parseAt(path, filepath.ToSlash(path), src)
}

func parseAt(path, rel string, src []byte) (*Config, error) {
	abs, _ := filepath.Abs(path)
	return Parse(path, parser.NewFile(rel, abs, src))
}

// Parse reads the bytes of f as a config file; path names the file in
// errors.
func Parse(path string, f *parser.File) (*Config, error) {
	c := &Config{Path: path, File: f, Spans: map[string]parser.Span{}}
	d := &decoder{c: c, path: path}
	d.decode(f)
	if len(d.problems) > 0 {
		return nil, &Error{Path: path, Problems: d.problems}
	}
	return c, nil
}

// Error is a config file that cannot be used, with every problem found.
type Error struct {
	Path     string
	Problems []Problem
}

// Problem is one mistake in the file.
type Problem struct {
	Line int // 1-based; 0 for the file as a whole
	Msg  string
}

// Error prints one problem per line, each as "path:line: message" so that
// editors and terminals can jump to it. A message quotes the file (an
// unknown key, a bad value): its secrets are masked and its control
// characters neutralised, and the path is escaped, so that neither can
// print a password or start a line of its own.
func (e *Error) Error() string {
	var b strings.Builder
	path := redact.Path(e.Path)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		msg := strings.ReplaceAll(redact.Message(p.Msg), "\n", " ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", path, p.Line, msg)
		} else {
			fmt.Fprintf(&b, "%s: %s", path, msg)
		}
	}
	return b.String()
}
