package rails

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/safefile"
)

// Options say how to load an app.
type Options struct {
	RailsEnv string            // default "production"
	Env      map[string]string // outer environment: .poollint.yml env, then --env flags
	Display  string            // the root as the user typed it
	// Deployment selects one deployment to lint (--deployment, the
	// .poollint.yml key); "" lints every deployment found.
	Deployment string

	// Formation is the dyno count per process type from .poollint.yml or
	// --dynos (app.json's formation is read by the loader itself).
	Formation map[string]int
	// Database is the connection limit declared in .poollint.yml or by
	// --max-connections, or a plan name.
	Database DatabaseLimit
	// PgBouncer lists the PgBouncers declared in .poollint.yml
	// (pgbouncer_decl.go).
	PgBouncer []PgBouncerDecl

	// Root, when set, is the app root already opened by the caller (the
	// .poollint.yml lookup shares it, and its listings): Load reads
	// through it and leaves it open. Nil: Load opens root itself.
	Root *safefile.Root

	// Overlay is content to use instead of what a file holds on disk, by
	// the file's real path (absolute, symlinks resolved): --diff lints the
	// files as its earlier passes would have left them, writing nothing.
	Overlay map[string][]byte
}

// DatabaseLimit is a declared database connection limit: a number, or a
// plan whose limit is looked up (facts 9.1).
type DatabaseLimit struct {
	MaxConnections int
	Plan           string
}

// Load builds the model of the app at root. It fails only when the root
// itself cannot be read; every unreadable file becomes a Problem and the
// rest of the app is still modelled.
func Load(root string, opts Options) (*App, error) {
	fsys := opts.Root
	if fsys == nil {
		var err error
		if fsys, err = safefile.OpenRoot(root); err != nil {
			return nil, fmt.Errorf("cannot read the app directory: %w", err)
		}
		defer func() { _ = fsys.Close() }()
	}
	if _, err := fsys.ReadDir("."); err != nil {
		return nil, fmt.Errorf("cannot read the app directory: %w", err)
	}
	if opts.RailsEnv == "" {
		opts.RailsEnv = "production"
	}
	if opts.Display == "" {
		opts.Display = root
	}
	a := &App{
		Root:     root,
		Display:  opts.Display,
		Files:    map[string]*parser.File{},
		RailsEnv: opts.RailsEnv,
		Pumas:    map[string]*PumaConfig{},
		Unicorns: map[string]*UnicornConfig{},
		Sidekiqs: map[string]*SidekiqConfig{},
		fsys:     fsys,
		overlay:  opts.Overlay,
		outerEnv: opts.Env,
	}
	defer func() { a.fsys = nil }()
	a.loadVersions()
	a.loadGemfile()
	a.loadDatabases()
	if f := a.readFile("Procfile"); f != nil {
		a.Procfile = parser.ParseProcfile(f)
		for _, msg := range a.Procfile.Skipped {
			a.problem(parser.Span{File: f.Path}, msg, true) // valid: info, never a failing run
		}
		for _, msg := range a.Procfile.Errors {
			a.problem(parser.Span{File: f.Path}, msg, false)
		}
	}
	if f := a.readFile("app.json"); f != nil {
		aj, err := parser.ParseAppJSON(f)
		if err != nil {
			a.problem(parser.Span{File: f.Path}, err.Error(), false)
		} else {
			a.AppJSON = aj
		}
	}
	a.Declared = DeclaredCapacity{Formation: opts.Formation, Database: opts.Database, PgBouncer: opts.PgBouncer}
	a.loadDeployments()
	a.loadDotenv(opts.RailsEnv)
	a.buildProcesses(opts)
	a.selectDeployment(opts.Deployment)
	a.loadServerConfigs()
	a.loadInitializers()
	a.loadInitializerFacts()
	a.loadOctopus()
	a.loadSolidQueue()
	a.loadGoodJob()
	a.loadForkSites()
	a.noteDotenv()
	a.noteCountAssumptions()
	a.describeRoles()
	sort.SliceStable(a.Problems, func(i, j int) bool { return a.Problems[i].Span.File < a.Problems[j].Span.File })
	a.loaded = true
	return a, nil
}

func (a *App) loadVersions() {
	f := a.readFile("Gemfile.lock")
	if f == nil {
		a.Versions.Assumed = true
		if a.exists("Gemfile.lock") {
			return // unreadable: already reported
		}
		a.problem(parser.Span{File: "Gemfile.lock"}, "no Gemfile.lock: assuming the newest Rails, Puma and Sidekiq", true)
		return
	}
	lock, err := parser.ParseLockfile(f)
	if err != nil {
		a.Versions.Assumed = true
		a.problem(parser.Span{File: f.Path}, err.Error()+"; assuming the newest Rails, Puma and Sidekiq", false)
		return
	}
	a.Versions.Lock = lock
}

// parseYAML parses a YAML file; a file it cannot read is a Problem. A
// document whose structure ERB generates is kept (what it shows is read)
// but reported too.
func (a *App) parseYAML(f *parser.File) *parser.YAMLDoc {
	if hasERBCode(f) {
		// A code tag makes the masked document dynamic, when it parses at
		// all, and the renderer takes every template with tags: the
		// masked parse would be thrown away.
		if rendered, handled := a.renderedYAML(f, 0); handled {
			return rendered
		}
	}
	// A template whose ERB shapes it is often not YAML until rendered:
	// its error is located only if the renderer does not take the file.
	doc, err := parser.ParseYAMLUnlocated(f)
	if err == nil && !doc.DynamicStructure {
		doc.Scope = newERBScope(a.RailsEnv)
		return doc
	}
	if rendered, handled := a.renderedYAML(f, 0); handled {
		return rendered
	}
	if err != nil {
		if _, located := parser.ParseYAML(f); located != nil {
			err = located // the same error, with its line
		}
		span, msg := locateError(f, err)
		if !strings.Contains(msg, "ERB") {
			msg = "invalid YAML: " + msg
		}
		a.problem(span, msg+"; nothing in this file was read", false)
		return nil
	}
	if doc.DynamicStructure {
		if doc.Root != nil && doc.Root.Kind == yaml.ScalarNode {
			// `<%= ERB.new(File.read(path)).result %>`: the config is
			// another file, chosen when the app boots.
			a.notModeled(parser.Span{File: f.Path}, "ERB generates this file's whole content ("+doc.DynamicReason+"); nothing in it could be read")
		} else {
			a.notModeled(parser.Span{File: f.Path}, "ERB generates part of this file's structure ("+doc.DynamicReason+"); only what is written statically was read")
		}
	}
	return doc
}

// hasERBCode reports whether f has an ERB code tag (`<% if x %>`,
// `<% name = ... %>`): parser.ParseYAML marks such a document dynamic
// (YAMLDoc.erbReasonFromNodes), so the model reads its renderings.
func hasERBCode(f *parser.File) bool {
	tags, err := f.ERBTags()
	if err != nil {
		return false
	}
	for _, t := range tags {
		if t.Kind == parser.ERBCode {
			return true
		}
	}
	return false
}

// locateError turns a parser error "path:LINE: message" into the span of
// that line and the message alone.
func locateError(f *parser.File, err error) (parser.Span, string) {
	msg := strings.TrimPrefix(err.Error(), f.Path+":")
	if i := strings.Index(msg, ":"); i > 0 {
		if line, convErr := strconv.Atoi(msg[:i]); convErr == nil && line >= 1 && line <= f.Lines.LineCount() {
			start, end := f.Lines.LineBounds(line)
			return f.Span(start, end), strings.TrimSpace(msg[i+1:])
		}
	}
	return parser.Span{File: f.Path}, strings.TrimSpace(msg)
}

// parseRuby parses a Ruby file once per app, however many loaders read it
// (the Sidekiq initializer feeds several); a syntax error is a Problem,
// reported once, and the tree is still used for what it shows.
func (a *App) parseRuby(f *parser.File) *parser.RubyFile {
	if r, ok := a.rubyTrees[f.Path]; ok {
		return r
	}
	r, err := parser.ParseRuby(f)
	var deep *parser.TooDeepError
	switch {
	case errors.As(err, &deep):
		a.problem(deep.At, deep.Error(), true)
		r = nil
	case err != nil:
		a.problem(parser.Span{File: f.Path}, err.Error(), false)
		r = nil
	case r.HasErrors:
		a.problem(r.FirstError, "Ruby syntax error; settings after it may be missed", false)
	}
	if a.rubyTrees == nil {
		a.rubyTrees = map[string]*parser.RubyFile{}
	}
	a.rubyTrees[f.Path] = r
	return r
}

func (a *App) loadDatabases() {
	f, sample := a.readWithSample("config/database.yml")
	if f == nil {
		return
	}
	a.Databases = &DatabaseFile{File: f, Sample: sample, Doc: a.parseYAML(f)}
	if sample {
		a.sampleProblemsAreInfo(f)
	}
	if d := a.Databases.Doc; d != nil && d.File != f {
		a.Databases.File = d.File // an ERB include: the file it renders
	}
}

// loadServerConfigs reads the Puma, Unicorn and Sidekiq config files the
// processes name, plus the default locations.
func (a *App) loadServerConfigs() {
	pumaPaths := append([]string{"config/puma.rb"}, a.listDir("config/puma", ".rb")...)
	var unicornPaths, sidekiqPaths []string
	unicornPaths = append(unicornPaths, "config/unicorn.rb")
	sidekiqPaths = append(sidekiqPaths, "config/sidekiq.yml", "config/sidekiq.yml.erb")
	for _, p := range a.Processes {
		if p.ConfigPath == "" {
			continue
		}
		switch p.Kind {
		case PumaProcess:
			pumaPaths = append(pumaPaths, cleanRel(p.ConfigPath))
		case UnicornProcess:
			unicornPaths = append(unicornPaths, cleanRel(p.ConfigPath))
		case SidekiqProcess:
			sidekiqPaths = append(sidekiqPaths, cleanRel(p.ConfigPath))
		}
	}
	for _, rel := range pumaPaths {
		if f := a.readFile(rel); f != nil && a.Pumas[rel] == nil {
			if r := a.parseRuby(f); r != nil {
				a.Pumas[rel] = readPuma(f, r)
			}
		}
	}
	for i, rel := range unicornPaths {
		var f *parser.File
		sample := false
		if i == 0 {
			f, sample = a.readWithSample(rel)
		} else {
			f = a.readFile(rel)
		}
		if f != nil && a.Unicorns[rel] == nil {
			if r := a.parseRuby(f); r != nil {
				a.Unicorns[rel] = readUnicorn(f, r)
			}
			if sample {
				a.sampleProblemsAreInfo(f)
			}
		}
	}
	for i, rel := range sidekiqPaths {
		var f *parser.File
		sample := false
		if i == 0 {
			f, sample = a.readWithSample(rel)
		} else {
			f = a.readFile(rel)
		}
		if f != nil && a.Sidekiqs[rel] == nil {
			sc := &SidekiqConfig{File: f, Sample: sample, Doc: a.parseYAML(f)}
			if sc.Doc != nil && sc.Doc.File != f {
				sc.File = sc.Doc.File // an ERB include: the file it renders
			}
			a.Sidekiqs[rel] = sc
			if sample {
				a.sampleProblemsAreInfo(f)
			}
		}
	}
}

// loadInitializers reads what config/initializers do to Sidekiq's
// concurrency and pool.
func (a *App) loadInitializers() {
	sr := &SidekiqRuby{}
	for _, rel := range a.listDir("config/initializers", ".rb") {
		f := a.readFile(rel)
		if f == nil || !strings.Contains(string(f.Src), "Sidekiq") {
			continue
		}
		if r := a.parseRuby(f); r != nil {
			readSidekiqRuby(sr, r)
		}
	}
	if sr.File != nil {
		a.Sidekiq = sr
	}
}

// ErrNoApp is returned by callers that find no app under a path.
var ErrNoApp = errors.New("no Rails app found")
