package rails

import (
	"sort"
	"strconv"

	"github.com/poollint/poollint/parser"
)

// buildProcesses reads the Procfile's lines as processes, or implies the
// processes from the app's files when there is no Procfile (RULES.md
// "process").
func (a *App) buildProcesses(opts Options) {
	outer := map[string]string{}
	for k, v := range opts.Env {
		outer[k] = v
	}
	// app.json's env are the Heroku app's config vars, under --env.
	heroku := a.appJSONEnv()
	for k, v := range outer {
		heroku[k] = v
	}
	deployed := a.deploymentProcesses(outer, opts.RailsEnv)
	if a.Procfile != nil && len(a.Procfile.Entries) > 0 {
		for i := range a.Procfile.Entries {
			for _, fw := range a.followScripts(&a.Procfile.Entries[i], heroku, opts.RailsEnv) {
				p := a.processFromEntry(fw.Entry, heroku, opts.RailsEnv)
				p.Via = fw.Via
				a.applyDotenv(p)
				a.Processes = append(a.Processes, p)
			}
		}
		return
	}
	if !deployed {
		a.impliedProcesses(heroku, opts.RailsEnv)
	}
}

func (a *App) processFromEntry(e *parser.ProcfileEntry, outer map[string]string, railsEnv string) *Process {
	p := &Process{Name: e.Name, Entry: e, Span: e.Span, Inline: map[string]parser.Assign{}, outer: outer, railsEnv: railsEnv}
	vars := map[string]string{}
	for k, v := range outer {
		vars[k] = v
	}
	unset := map[string]bool{}
	// The shell expands each inline assignment in the environment so far;
	// the assignments then override it for the command.
	for _, as := range e.Env {
		r := ValueFromWord(as.Value).EvalRaw(Env{Vars: vars})
		for _, u := range r.Unset {
			unset[u] = true
		}
		switch r.Kind {
		case RInt:
			vars[as.Name] = strconv.Itoa(r.Int)
		case RStr:
			vars[as.Name] = r.Str
		case RNil:
			vars[as.Name] = ""
		default:
			if r.Present { // copies a variable the deployment sets unseen
				vars[as.Name] = undisclosedValue
				break
			}
			delete(vars, as.Name)
		}
		p.Inline[as.Name] = as
	}
	for u := range unset {
		p.Unset = append(p.Unset, u)
	}
	sort.Strings(p.Unset)
	kind, argv := classify(e.Argv, a.Versions, a.exists("config/puma.rb"))
	if gem := serverGem(argv); gem != "" && e.WrappedBy("bundle") && a.Versions.Lock != nil && !a.Versions.Has(gem) {
		// `bundle exec unicorn` with no unicorn in Gemfile.lock cannot
		// start: the line is stale (the app moved to another server), and
		// its config file is dead config, as for implied processes.
		a.problem(e.Span, "the \""+e.Name+"\" line runs "+gem+" through bundle exec, but "+gem+" is not in Gemfile.lock, so the line cannot start; poollint did not check it as a "+gem+" process", true)
		kind = OtherProcess
	}
	p.viaRailsServer = kind == PumaProcess && serverGem(argv) == ""
	if kind == PumaProcess && serverGem(argv) == "" {
		// `rails server` runs Puma only when production installs it.
		if why, _ := a.gemKeptFromProduction("puma", false); why != "" {
			a.problem(e.Span, "the \""+e.Name+"\" line runs rails server, but "+why+"; poollint did not check it as a Puma process", true)
			kind = OtherProcess
		}
	}
	p.Kind = kind
	p.PgBouncerWrapper = pgbouncerWrapper(e)
	p.PgBouncer = p.PgBouncerWrapper != ""
	p.Migrates = runsMigrations(e)
	a.readFlags(p, argv)
	if p.EnvironmentFlag != "" {
		if _, ok := vars["RAILS_ENV"]; !ok {
			vars["RAILS_ENV"] = p.EnvironmentFlag
		}
	}
	if _, ok := vars["RAILS_ENV"]; !ok {
		vars["RAILS_ENV"] = railsEnv
	}
	p.Env = Env{Vars: vars}
	return p
}

// serverFlags are the spellings of the flags each server reads. Sidekiq's
// -t is its shutdown timeout, not threads: only -c counts; Unicorn's -c is
// its config file.
var serverFlags = map[ProcessKind]struct{ threads, workers, concurrency, config, environment []string }{
	PumaProcess:    {threads: []string{"-t", "--threads"}, workers: []string{"-w", "--workers"}, config: []string{"-C", "--config"}, environment: []string{"-e", "--environment"}},
	SidekiqProcess: {concurrency: []string{"-c", "--concurrency"}, config: []string{"-C", "--config"}, environment: []string{"-e", "--environment"}},
	UnicornProcess: {config: []string{"-c", "--config-file"}, environment: []string{"-E", "--env"}},
}

// readFlags reads the command-line flags that set threads, workers,
// concurrency, the config file and the environment.
func (a *App) readFlags(p *Process, argv []parser.Word) {
	spec := serverFlags[p.Kind]
	flag := func(names []string) (parser.Word, bool) {
		if len(names) == 0 {
			return parser.Word{}, false
		}
		w, _, ok := parser.Flag(argv, names...)
		return w, ok
	}
	literal := func(w parser.Word) string {
		s, _ := w.Literal()
		return s
	}
	if w, ok := flag(spec.threads); ok {
		p.ThreadsFlag = threadsMaxFromWord(w)
	}
	if w, ok := flag(spec.workers); ok {
		p.WorkersFlag = ValueFromWord(w)
	}
	if w, ok := flag(spec.concurrency); ok {
		p.ConcurrencyFlag = ValueFromWord(w)
	}
	if w, ok := flag(spec.config); ok {
		p.ConfigPath = literal(w)
	}
	if w, ok := flag(spec.environment); ok {
		p.EnvironmentFlag = literal(w)
	}
}

// impliedProcesses follows RULES.md: with no Procfile, the app runs Puma,
// Unicorn, Sidekiq, Solid Queue or GoodJob when their gem is locked (or,
// with no lockfile, when their config file exists) and the Gemfile does not
// keep it out of production. A config file whose gem is not locked is dead
// config and implies nothing.
func (a *App) impliedProcesses(outer map[string]string, railsEnv string) {
	noLock := a.Versions.Lock == nil
	uses := func(gem, config string) bool {
		if a.Versions.Has(gem) {
			// Locked is not run: the Gemfile may keep it out of production
			// (gemfile_use.go).
			if why, span := a.gemKeptFromProduction(gem, true); why != "" {
				a.problem(span, why+", so poollint does not imply a "+gem+" process from it; name the process in a Procfile to check it", true)
				return false
			}
			return true
		}
		return noLock && config != "" && a.exists(config)
	}
	add := func(name string, kind ProcessKind) {
		vars := map[string]string{}
		for k, v := range outer {
			vars[k] = v
		}
		if _, ok := vars["RAILS_ENV"]; !ok {
			vars["RAILS_ENV"] = railsEnv
		}
		p := &Process{Name: name, Kind: kind, Implied: true, Env: Env{Vars: vars}, Inline: map[string]parser.Assign{}, outer: outer, railsEnv: railsEnv}
		a.applyDotenv(p)
		a.Processes = append(a.Processes, p)
	}
	switch {
	case uses("puma", "config/puma.rb"):
		add("web", PumaProcess)
	case uses("unicorn", "config/unicorn.rb"):
		add("web", UnicornProcess)
	}
	if uses("sidekiq", "config/sidekiq.yml") {
		add("worker", SidekiqProcess)
	}
	if a.Versions.Has("solid_queue") && a.exists("config/queue.yml") {
		add("jobs", SolidQueueProcess)
	}
	if a.Versions.Has("good_job") {
		add("good_job", GoodJobProcess)
	}
}

// ProcessWith returns p as it would run with the outer variable name set
// to value (an operator's `heroku config:set NAME=value`): inline
// assignments on the Procfile line are expanded again and still win.
func (a *App) ProcessWith(p *Process, name, value string) *Process {
	outer := map[string]string{}
	for k, v := range p.outer {
		outer[k] = v
	}
	outer[name] = value
	if p.Role != nil {
		// The same command (the one the role's scripts start), again.
		q := a.processFromRole(p.Role, p.Entry, p.Via, outer, p.railsEnv)
		q.description = p.description
		return q
	}
	if p.Entry != nil {
		q := a.processFromEntry(p.Entry, outer, p.railsEnv)
		q.Via = p.Via
		a.applyDotenv(q)
		return q
	}
	q := *p
	vars := map[string]string{}
	for k, v := range p.Env.Vars {
		vars[k] = v
	}
	vars[name] = value
	q.Env = Env{Vars: vars}
	q.outer = outer
	return &q
}

// VarsAffecting returns the outer variables that can change p's settings:
// those its inline assignments read, plus any name given.
func (p *Process) VarsAffecting(names ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, n := range names {
		add(n)
		if as, ok := p.Inline[n]; ok {
			for _, m := range ValueFromWord(as.Value).Vars() {
				add(m)
			}
		}
	}
	sort.Strings(out)
	return out
}
