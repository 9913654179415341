package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/poollint/poollint/budget"
	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/rules"
)

// lintConfig is what the command line asks of a lint run.
type lintConfig struct {
	paths      []string
	format     string
	env        map[string]string // --env K=V; a later flag wins
	railsEnv   string
	deployment string
	selected   []string
	ignored    []string
	failOn     rules.Severity
	noColor    bool
	version    bool

	configPath     string         // --config FILE, for every app
	dynos          map[string]int // --dynos web=10,worker=2
	maxConnections int            // --max-connections N

	fix         bool // apply the selected fixes
	diff        bool // show them as a diff instead; wins over fix
	unsafeFixes bool // select the unsafe fixes too

	overlay fixer.Overlay // --diff's later passes: files as the earlier ones left them
}

// lintFlags declares the flags of a lint run, storing into cfg. The same
// set serves parsing and the help text, so the two cannot disagree.
func lintFlags(cfg *lintConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("poollint", flag.ContinueOnError)
	// The flag package would print errors and usage itself; run prints
	// them, to the right stream and with the right exit code.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	cfg.format = "text"
	cfg.failOn = rules.Warning
	cfg.env = map[string]string{}
	fs.StringVar(&cfg.format, "format", cfg.format, "`FORMAT` of the report: text, json, github (workflow annotations), sarif or checkstyle")
	fs.Var(envFlag(cfg.env), "env", "set `K=V` in the environment the app is read with (repeatable)")
	fs.StringVar(&cfg.railsEnv, "rails-env", "", "check the configuration as RAILS_ENV=`NAME` runs it (default: rails_env in .poollint.yml, else production)")
	fs.StringVar(&cfg.deployment, "deployment", "", "lint only the deployment `NAME` (config/deploy.yml, config/deploy.staging.yml, Procfile, Dockerfile; default: deployment in .poollint.yml, else all)")
	fs.StringVar(&cfg.configPath, "config", "", "read `FILE` instead of each app's .poollint.yml")
	cfg.dynos = map[string]int{}
	fs.Var(dynosFlag(cfg.dynos), "dynos", "dynos per process type, `web=N,worker=M` (overrides app.json and .poollint.yml formation)")
	fs.IntVar(&cfg.maxConnections, "max-connections", 0, "the database's connection limit `N` (overrides .poollint.yml and the app.json plan)")
	fs.Var((*ruleListFlag)(&cfg.selected), "select", "run only these `RULES` (comma-separated, repeatable)")
	fs.Var((*ruleListFlag)(&cfg.ignored), "ignore", "never run these `RULES` (comma-separated, repeatable)")
	fs.Var((*severityFlag)(&cfg.failOn), "fail-on", "exit 1 on findings at or above `SEVERITY`: error, warning or info")
	fs.BoolVar(&cfg.fix, "fix", false, "apply the safe fixes, then report what remains")
	fs.BoolVar(&cfg.diff, "diff", false, "print the changes --fix would make as a unified diff and write nothing")
	fs.BoolVar(&cfg.unsafeFixes, "unsafe-fixes", false, "with --fix or --diff, apply the unsafe fixes too (they may change behaviour)")
	fs.BoolVar(&cfg.noColor, "no-color", false, "never color the output (also when NO_COLOR is set)")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	return fs
}

// parseLintArgs reads the flags and paths of a lint run. Flags may come
// after paths (`poollint ./app --format json`), as users type them; after
// "--" everything is a path. It returns flag.ErrHelp for -h and --help.
func parseLintArgs(args []string) (lintConfig, error) {
	var cfg lintConfig
	fs := lintFlags(&cfg)
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return cfg, err
		}
		consumed := len(args) - fs.NArg()
		rest := fs.Args()
		if consumed > 0 && args[consumed-1] == "--" {
			cfg.paths = append(cfg.paths, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		cfg.paths = append(cfg.paths, rest[0])
		args = rest[1:]
	}
	if len(cfg.paths) == 0 {
		cfg.paths = []string{"."}
	}
	railsEnvGiven := false
	fs.Visit(func(f *flag.Flag) { railsEnvGiven = railsEnvGiven || f.Name == "rails-env" })
	if railsEnvGiven && cfg.railsEnv == "" {
		// Unset means "the file's rails_env, else production"; an empty
		// NAME is a mistake, not a way to ask for that.
		return cfg, errors.New("--rails-env must not be empty")
	}
	if maxGiven := slices.ContainsFunc(visited(fs), func(n string) bool { return n == "max-connections" }); maxGiven && cfg.maxConnections < 1 {
		// 0 used to mean "not given" and was silently ignored; like
		// .poollint.yml, a limit must be at least 1.
		return cfg, fmt.Errorf("--max-connections must be at least 1, not %d", cfg.maxConnections)
	}
	if cfg.unsafeFixes && !cfg.fix && !cfg.diff {
		return cfg, errors.New("--unsafe-fixes applies only with --fix or --diff")
	}
	if cfg.diff && cfg.format != "text" {
		// The output of --diff is a patch; a JSON document around it
		// would be neither.
		return cfg, fmt.Errorf("--diff prints a unified diff; it cannot be combined with --format %s", cfg.format)
	}
	return cfg, nil
}

// envFlag collects repeated --env K=V flags into a map.
type envFlag map[string]string

func (e envFlag) String() string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(e)) {
		pairs = append(pairs, k+"="+e[k])
	}
	return strings.Join(pairs, " ")
}

func (e envFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return errors.New("want K=V, like RAILS_MAX_THREADS=10")
	}
	e[name] = value
	return nil
}

// ruleListFlag collects rule IDs from repeated, comma-separated flags and
// rejects unknown ones at once: a typo in --ignore would otherwise
// silently ignore nothing.
type ruleListFlag []string

func (l *ruleListFlag) String() string { return strings.Join(*l, ",") }

func (l *ruleListFlag) Set(s string) error {
	for id := range strings.SplitSeq(s, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if rules.ByID(id) == nil {
			return fmt.Errorf("unknown rule %q; see poollint rules", id)
		}
		*l = append(*l, id)
	}
	return nil
}

// severityFlag reads --fail-on.
type severityFlag rules.Severity

func (s *severityFlag) String() string { return rules.Severity(*s).String() }

func (s *severityFlag) Set(v string) error {
	sev, ok := rules.ParseSeverity(v)
	if !ok {
		return errors.New("want error, warning or info")
	}
	*s = severityFlag(sev)
	return nil
}

// printUsage writes the help of the whole command: the lint run with its
// flags, then the subcommands.
func printUsage(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`poollint checks the database-connection configuration of Rails apps: that
every process's threads fit its Active Record pool, that the formation fits
the database, and the settings that fail behind PgBouncer or across forks.

Usage:
`)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  poollint [flags] [PATH...]\tlint the apps at or under each PATH (default .)\n")
	for _, c := range subcommands() {
		fmt.Fprintf(tw, "  poollint %s\t%s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	_ = tw.Flush() // a strings.Builder cannot fail

	b.WriteString("\nFlags:\n")
	var cfg lintConfig
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	lintFlags(&cfg).VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			arg = ""
		}
		if f.DefValue != "" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  --%s\t%s\n", strings.TrimSpace(f.Name+" "+arg), usage)
	})
	fmt.Fprintf(tw, "  -h, --help\tshow this help\n")
	_ = tw.Flush()

	b.WriteString(`
A PATH is an app root (a directory with config/ plus Gemfile or
config/application.rb) or a tree of apps; vendor/, node_modules/ and .git/
are not searched. To lint a directory named like a subcommand, write ./rules.

Exit status: 0 when nothing is at or above --fail-on, 1 when something is,
2 on a usage error or when a PATH or app could not be read (the other apps
are still reported). With --fix, what remains after fixing decides; with
--diff, 1 means there is a diff. Both exit 2 when a file that needs a fix
may not be written (read-only, or a symlink out of the app).
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// dynosFlag reads --dynos web=10,worker=2 (repeatable; a later count wins).
type dynosFlag map[string]int

func (d dynosFlag) String() string { return "" }

func (d dynosFlag) Set(s string) error {
	_, err := budget.ParseDynos(d, s)
	return err
}

// visited lists the flags set on the command line.
func visited(fs *flag.FlagSet) []string {
	var names []string
	fs.Visit(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}
