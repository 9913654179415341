package rails

import (
	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/safefile"
)

// App is the model of one Rails app, as its processes will run it.
type App struct {
	Root    string // directory on disk
	Display string // the root as the user typed it (joined with the found app dir), used to print paths

	Files    map[string]*parser.File // every file read, by app-relative path
	Versions Versions
	Gemfile  *parser.Gemfile // the Gemfile's declarations; nil when absent or unparsable (gemfile_use.go)
	RailsEnv string          // the RAILS_ENV the app is linted for (default production)

	Processes []*Process
	Databases *DatabaseFile // config/database.yml, nil if absent
	Pumas     map[string]*PumaConfig
	Unicorns  map[string]*UnicornConfig
	Sidekiqs  map[string]*SidekiqConfig
	Sidekiq   *SidekiqRuby // what initializers do in Sidekiq.configure_server
	Procfile  *parser.Procfile
	AppJSON   *parser.AppJSON
	// Deployments are the deployment files read (package deploy); each
	// role of each is one of Processes.
	Deployments []*deploy.Deployment

	Octopus      *OctopusConfig    // config/shards.yml with ar-octopus locked (octopus.go)
	SolidQueue   *SolidQueueConfig // config/queue.yml (solid_queue.go)
	GoodJob      *GoodJobConfig    // GoodJob settings (good_job.go)
	Initializers []*Initializer    // pool-related code in config/initializers (initializers.go)
	ForkSites    []*ForkSite       // fork calls in app code (fork_sites.go)

	// Declared is the formation and database limit given outside the app's
	// files (.poollint.yml, flags); see capacity.go for how they combine.
	Declared DeclaredCapacity

	// rubyTrees holds each Ruby file parsed, by path, so that it is
	// parsed (and its syntax error reported) once.
	rubyTrees map[string]*parser.RubyFile

	// fsys reads the app's files through the safefile gate while Load
	// runs; refused names each path already reported, so a file asked
	// for by several loaders is reported once.
	fsys    *safefile.Root
	refused map[string]bool

	// overlay replaces files' content on disk (Options.Overlay).
	overlay map[string][]byte

	// Problems are files that could not be read or understood, and facts
	// that had to be assumed; rules report them as config-unreadable
	// (broken files) and config-not-modeled (the rest).
	Problems []Problem

	// ERBChoices are the undecided ERB conditions of YAML templates whose
	// branches give different values: the model read the worst branch,
	// and findings say which (erb_yaml.go).
	ERBChoices []ERBChoice

	outerEnv map[string]string // Options.Env: ERB conditions are decided in it

	dotenv *dotenvState // what the app's dotenv files give its processes (dotenv.go)

	// loaded is set when Load has built the whole model: from then on
	// nothing changes it, and per-process answers are memoised (memo.go).
	loaded bool
	memos  map[*Process]*processMemo

	reader *deploy.Reader // deployReader's, made once
}

// ERBChoice is the branch of a YAML template the model read.
type ERBChoice struct {
	File string // the template
	When string // "when DATABASE_HOST is set"
}

// Problem is a file poollint could not read or statically understand, or
// an assumption it had to make.
type Problem struct {
	Span    parser.Span // the file (and line, when known)
	Message string
	Assumed bool // an assumption, not a failure: reported as info
	// NotModeled is a valid file, or part of one, that poollint cannot
	// model: its limit, not the app's bug, so info (config-not-modeled).
	NotModeled bool
}

// File returns a file read for the app, or nil.
func (a *App) File(rel string) *parser.File { return a.Files[rel] }

// ProcessesOf returns the processes of one kind, in Procfile order.
func (a *App) ProcessesOf(kind ProcessKind) []*Process {
	var out []*Process
	for _, p := range a.Processes {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	return out
}

// DeclaredCapacity is what the user declared about the deployment.
type DeclaredCapacity struct {
	Formation map[string]int
	Database  DatabaseLimit
	PgBouncer []PgBouncerDecl // .poollint.yml pgbouncer: (pgbouncer_decl.go)
}
