package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"strings"

	"github.com/poollint/poollint/lintconfig"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/report"
	"github.com/poollint/poollint/rules"
	"github.com/poollint/poollint/safefile"
)

// Exit codes, as DESIGN.md's command-line contract fixes them.
const (
	exitClean    = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitTrouble  = 2 // a usage error, or a PATH or app that could not be read
)

// subcommand is a verb that takes the place of the PATHs.
type subcommand struct {
	name    string
	args    string // for the help text
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func subcommands() []subcommand {
	return []subcommand{
		{name: "rules", summary: "list the rules: ID, severity, fix, summary", run: runRules},
		{name: "explain", args: "RULE", summary: "print the documentation of one rule", run: runExplain},
		{name: "budget", args: "[flags] [PATH...]", summary: "print the connection budget of the formation against the database's limit", run: runBudget},
	}
}

// run is the whole command, with its streams passed in so tests can drive
// it; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		for _, c := range subcommands() {
			if args[0] == c.name {
				return c.run(args[1:], stdout, stderr)
			}
		}
	}
	return runLint(args, stdout, stderr)
}

// runLint lints the apps under the PATHs and reports them.
func runLint(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseLintArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		return wrote(printUsage(stdout), stderr, exitClean)
	}
	if err != nil {
		return usageError(stderr, err)
	}
	if cfg.version {
		_, err := fmt.Fprintln(stdout, versionLine())
		return wrote(err, stderr, exitClean)
	}
	stream, err := reporter(cfg.format, !cfg.noColor && colorWanted(stdout))
	if err != nil {
		return usageError(stderr, err)
	}

	if cfg.fix || cfg.diff {
		return runFix(cfg, stream, stdout, stderr)
	}
	// A report writes line by line; stdout takes one write per app
	// instead (still app by app, so output streams and stays in order
	// with the messages on stderr).
	buffered := bufio.NewWriter(stdout)
	out := stream(buffered)
	fails := false
	allRead, err := checkEach(cfg, stderr, func(root, display string) (report.App, func(), error) {
		app, diags, err := lintApp(cfg, root, display)
		if err != nil {
			return report.App{}, nil, err
		}
		return reportApp(app, diags), nil, nil
	}, func(app report.App) error {
		fails = fails || failing([]report.App{app}, cfg.failOn)
		if err := out.Add(app); err != nil {
			return err
		}
		return buffered.Flush()
	})
	if err == nil {
		err = out.End()
	}
	if ferr := buffered.Flush(); err == nil {
		err = ferr
	}
	code := exitClean
	switch {
	case !allRead:
		code = exitTrouble
	case fails:
		code = exitFindings
	}
	return wrote(err, stderr, code)
}

// lintApp loads the app at root, runs the selected rules, then applies
// inline disables and the config file's severities.
func lintApp(cfg lintConfig, root, display string) (*rails.App, []rules.Diagnostic, error) {
	app, conf, err := loadApp(cfg, root, display)
	if err != nil {
		return nil, nil, err
	}
	ropts := conf.RuleOptions(cfg.lintconfigFlags())
	diags := conf.ApplySeverity(rules.ApplyDisables(app, rules.Run(app, ropts), ropts))
	rules.Sort(diags)
	return app, diags, nil
}

// loadApp loads the app at root with its .poollint.yml (or --config) under
// the command line's flags: --dynos and --max-connections win over the file.
func loadApp(cfg lintConfig, root, display string) (*rails.App, *lintconfig.Config, error) {
	// One open root for the config lookup and the load: the app directory
	// is opened and listed once. If it cannot be opened, each goes on by
	// the path and says so as it always did.
	fsys, err := safefile.OpenRoot(root)
	if err == nil {
		defer func() { _ = fsys.Close() }()
	}
	conf, err := appConfig(cfg, root, fsys)
	if err != nil {
		return nil, nil, err
	}
	opts := conf.LoadOptions(cfg.lintconfigFlags(), display)
	if len(cfg.dynos) > 0 {
		formation := map[string]int{}
		maps.Copy(formation, opts.Formation)
		maps.Copy(formation, cfg.dynos)
		opts.Formation = formation
	}
	if cfg.maxConnections > 0 {
		opts.Database = rails.DatabaseLimit{MaxConnections: cfg.maxConnections}
	}
	opts.Overlay = cfg.overlay
	opts.Root = fsys
	app, err := rails.Load(root, opts)
	if err != nil {
		return nil, nil, err
	}
	if conf != nil && conf.File != nil && !filepath.IsAbs(conf.File.Path) && !strings.HasPrefix(conf.File.Path, "..") {
		app.Files[conf.File.Path] = conf.File // so findings in it show its lines
	}
	return app, conf, nil
}

// lintconfigFlags is what of the command line overrides a config file.
func (cfg lintConfig) lintconfigFlags() lintconfig.Flags {
	return lintconfig.Flags{RailsEnv: cfg.railsEnv, Deployment: cfg.deployment, Env: cfg.env, Select: cfg.selected, Ignore: cfg.ignored}
}

// appConfig reads --config when given, else the app's own .poollint.yml
// (nil when it has none), through fsys when the root is open.
func appConfig(cfg lintConfig, root string, fsys *safefile.Root) (*lintconfig.Config, error) {
	if cfg.configPath != "" {
		return lintconfig.Load(cfg.configPath)
	}
	if fsys == nil {
		conf, _, err := lintconfig.Find(root)
		return conf, err
	}
	conf, _, err := lintconfig.FindIn(fsys, root)
	return conf, err
}

// displayPath names an app root the way the user typed its PATH: the PATH
// itself for an app root, else the PATH joined with the app's directory.
func displayPath(path, root string) string {
	rel, err := filepath.Rel(path, root)
	if err != nil || rel == "." {
		return path
	}
	return filepath.Join(path, rel)
}

// withoutPath drops the "stat PATH:" prefix of a file-system error, since
// the message already starts with the PATH as the user typed it.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// reportApp is what the report needs of one linted app.
func reportApp(app *rails.App, diags []rules.Diagnostic) report.App {
	processes := make([]string, 0, len(app.Processes))
	for _, p := range app.Processes {
		processes = append(processes, p.Name)
	}
	return report.App{
		Display:     app.Display,
		Rails:       app.Versions.Rails(),
		Processes:   processes,
		Files:       app.Files,
		Diagnostics: report.MaskDiagnostics(diags),
	}
}

// failing reports whether any finding is at or above the --fail-on severity.
func failing(apps []report.App, failOn rules.Severity) bool {
	for _, app := range apps {
		for _, d := range app.Diagnostics {
			if d.Severity >= failOn {
				return true
			}
		}
	}
	return false
}

// usageError reports a command-line mistake and how to get help.
func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "poollint: %s\nRun 'poollint --help' for usage.\n", redact.Message(err.Error()))
	return exitTrouble
}

// wrote turns a failure to write the output (a full disk, a closed pipe)
// into exit code 2: a report that did not get out is not a pass.
func wrote(err error, stderr io.Writer, code int) int {
	if err != nil {
		fmt.Fprintf(stderr, "poollint: writing the output: %v\n", err)
		return exitTrouble
	}
	return code
}
