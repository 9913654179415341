package rails

import (
	"path"
	"strings"

	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
)

// ProcessKind is what a process runs, which decides how many threads it
// has and which config files it reads.
type ProcessKind int

const (
	OtherProcess ProcessKind = iota
	PumaProcess
	UnicornProcess
	SidekiqProcess
	SolidQueueProcess
	GoodJobProcess
)

func (k ProcessKind) String() string {
	switch k {
	case PumaProcess:
		return "puma"
	case UnicornProcess:
		return "unicorn"
	case SidekiqProcess:
		return "sidekiq"
	case SolidQueueProcess:
		return "solid_queue"
	case GoodJobProcess:
		return "good_job"
	}
	return "other"
}

// Process is one process type the app runs: a Procfile line, or one
// implied by the app's files when there is no Procfile.
type Process struct {
	Name    string
	Kind    ProcessKind
	Implied bool                  // no Procfile line: implied by the files
	Entry   *parser.ProcfileEntry // nil when implied
	Span    parser.Span           // the Procfile line (zero when implied)

	// Env is the environment the process evaluates settings in: outer
	// variables (.poollint.yml env, --env) overridden by the inline
	// assignments of its Procfile line, which the shell applies last.
	Env Env
	// Unset lists variables read by inline assignments that were unset,
	// so a written ${X:-d} default applied.
	Unset []string
	// Inline maps each inline variable to its assignment on the line.
	Inline map[string]parser.Assign

	PgBouncer        bool   // wrapped in the PgBouncer buildpack's start script
	PgBouncerWrapper string // "bin/start-pgbouncer" or "bin/start-pgbouncer-stunnel"
	Migrates         bool   // runs db:migrate (a release line, typically)

	// ConfigPath is the config file the program reads: Puma's -C, Unicorn's
	// -c, Sidekiq's -C; "" means the program's default lookup.
	ConfigPath string
	// Flags read from the command line; nil when absent.
	ThreadsFlag     *Value // Puma -t min:max (the max)
	WorkersFlag     *Value // Puma -w
	ConcurrencyFlag *Value // Sidekiq -c
	EnvironmentFlag string // Puma -e / Sidekiq -e, when literal

	// Role is the deployment role the process runs as (package deploy);
	// nil for a Procfile line or an implied process.
	Role *deploy.Role
	// RoleVars maps each variable the deployment decides to where it is
	// set (DeploymentVar reads it).
	RoleVars map[string]deploy.Var
	// Via lists the script lines the process's command was followed
	// through ("bin/start-app:4"); empty when it is written directly.
	Via []deploy.Hop

	// bootOnly are the variables dotenv loads when Rails boots, after this
	// process's server read its own settings: only the Rails side
	// (database.yml, initializers) sees them (dotenv.go).
	bootOnly map[string]string
	// fromDotenv maps each variable a dotenv file gave p to where it is
	// written (DeploymentVar reads it, for messages).
	fromDotenv     map[string]deploy.Var
	viaRailsServer bool // Puma started by `rails server`, after the app is required

	outer       map[string]string // the environment before inline assignments
	railsEnv    string            // the default RAILS_ENV
	description string            // a role's description with its copies (describeRoles)
}

// RailsEnv is the RAILS_ENV the process runs in.
func (p *Process) RailsEnv() string {
	if v, ok := p.Env.Lookup("RAILS_ENV"); ok && v != "" {
		return v
	}
	if v, ok := p.Env.Lookup("RACK_ENV"); ok && v != "" {
		return v
	}
	return "production"
}

// Location is where diagnostics about the process as a whole point: the
// Procfile line, or nothing for an implied process.
func (p *Process) Location() parser.Span { return p.Span }

// Describe names the process for messages: `the "worker" process`.
func (p *Process) Describe() string {
	if p.description != "" {
		return p.description
	}
	if p.Role != nil {
		return p.Role.Describe() + deploy.Chain(p.Via)
	}
	if p.Implied {
		return "the implied " + p.Name + " process"
	}
	return "the \"" + p.Name + "\" process" + deploy.Chain(p.Via)
}

// classify decides what a Procfile command runs. thrust and foreman-style
// launchers pass through to the command they start.
func classify(argv []parser.Word, versions Versions, hasPumaConfig bool) (ProcessKind, []parser.Word) {
	for len(argv) > 0 {
		prog := programName(argv[0])
		switch prog {
		case "thrust", "exec", "nice", "chpst":
			argv = argv[1:]
			continue
		case "puma", "pumactl":
			return PumaProcess, argv
		case "unicorn", "unicorn_rails":
			return UnicornProcess, argv
		case "sidekiq", "sidekiqswarm":
			return SidekiqProcess, argv
		case "good_job":
			return GoodJobProcess, argv
		case "jobs":
			return SolidQueueProcess, argv
		case "rails", "rake":
			if len(argv) > 1 {
				sub, _ := argv[1].Literal()
				switch sub {
				case "server", "s":
					if versions.Has("puma") || (versions.Lock == nil && hasPumaConfig) {
						return PumaProcess, argv
					}
				case "solid_queue:start":
					return SolidQueueProcess, argv
				}
			}
		}
		return OtherProcess, argv
	}
	return OtherProcess, argv
}

// serverGem is the gem that provides the server or worker program argv
// starts, or "" when it is not one poollint models by its gem.
func serverGem(argv []parser.Word) string {
	if len(argv) == 0 {
		return ""
	}
	switch programName(argv[0]) {
	case "puma", "pumactl":
		return "puma"
	case "unicorn", "unicorn_rails":
		return "unicorn"
	case "sidekiq":
		return "sidekiq"
	case "good_job":
		return "good_job"
	}
	return ""
}

func programName(w parser.Word) string {
	lit, ok := w.Literal()
	if !ok {
		return ""
	}
	return path.Base(lit)
}

// runsMigrations reports whether a command runs db:migrate (directly, or
// through db:prepare, which migrates an existing database).
func runsMigrations(entry *parser.ProcfileEntry) bool {
	cmds := entry.AllCommands
	if len(cmds) == 0 {
		cmds = [][]parser.Word{entry.Argv}
	}
	for _, argv := range cmds {
		for _, w := range argv {
			lit, _ := w.Literal()
			if strings.HasPrefix(lit, "db:migrate") || lit == "db:prepare" {
				return true
			}
		}
	}
	return false
}

// pgbouncerWrapper returns the PgBouncer buildpack start script the entry
// is wrapped in, or "".
func pgbouncerWrapper(entry *parser.ProcfileEntry) string {
	for _, w := range entry.Wrappers {
		if script := pgbouncerScript(w); script != "" {
			return script
		}
	}
	return ""
}

// pgbouncerScript names the buildpack's start script a word runs
// (./bin/start-pgbouncer counts too), or "".
func pgbouncerScript(w parser.Word) string {
	lit, _ := w.Literal()
	switch path.Base(lit) {
	case "start-pgbouncer":
		return "bin/start-pgbouncer"
	case "start-pgbouncer-stunnel":
		return "bin/start-pgbouncer-stunnel"
	}
	return ""
}
