package rails

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// GoodJobDefaultThreads is GoodJob's DEFAULT_MAX_THREADS (facts 6.2).
const GoodJobDefaultThreads = 5

// GoodJobConfig is what the app's Ruby sets in config.good_job, in the
// order Rails runs it: config/application.rb, then
// config/environments/<env>.rb, then config/initializers (alphabetically),
// so the last assignment that applies wins. It exists only when good_job
// is locked.
type GoodJobConfig struct {
	Version  string
	Settings []*GoodJobSetting
}

// GoodJobSetting is one assignment to a config.good_job option, either
// `config.good_job.max_threads = 5` or a key of `config.good_job = {...}`.
type GoodJobSetting struct {
	Name  string // "max_threads", "execution_mode" or "queues"
	Value *Value // max_threads; nil for the others
	// Text is the literal value of execution_mode ("external", from
	// :external) or queues; "" when it is not a literal.
	Text  string
	Env   string // "" for every environment; else the config/environments file's env
	Span  parser.Span
	Conds []*Value // enclosing conditions; every one must hold
}

// goodJobOptions are the options poollint reads.
var goodJobOptions = []string{"max_threads", "execution_mode", "queues"}

// loadGoodJob reads config.good_job assignments when good_job is locked.
func (a *App) loadGoodJob() {
	version, ok := a.Versions.Of("good_job")
	if !ok {
		return
	}
	g := &GoodJobConfig{Version: version}
	a.GoodJob = g
	files := []string{"config/application.rb"}
	files = append(files, a.listDir("config/environments", ".rb")...)
	files = append(files, a.listDir("config/initializers", ".rb")...)
	for _, rel := range files {
		f := a.readFile(rel)
		if f == nil || !strings.Contains(string(f.Src), "good_job") {
			continue
		}
		r := a.parseRuby(f)
		if r == nil {
			continue
		}
		env := ""
		if strings.HasPrefix(rel, "config/environments/") {
			env = strings.TrimSuffix(path.Base(rel), ".rb")
		}
		g.Settings = append(g.Settings, readGoodJobSettings(r, env)...)
	}
}

// readGoodJobSettings finds the config.good_job assignments of one file.
func readGoodJobSettings(r *parser.RubyFile, env string) []*GoodJobSetting {
	var out []*GoodJobSetting
	add := func(name string, at, value *parser.Node) {
		s := &GoodJobSetting{Name: name, Env: env, Span: r.Span(at), Conds: conditionsOf(r, at)}
		switch name {
		case "max_threads":
			s.Value = ValueFromRuby(r, value)
		default:
			s.Text, _ = r.StringValue(value)
		}
		out = append(out, s)
	}
	for _, name := range goodJobOptions {
		for _, as := range r.AttributeAssignments(r.Root, name) {
			if isGoodJobConfig(as.Name) && as.Operator == "=" {
				add(name, as.Node, as.Value)
			}
		}
	}
	for _, as := range r.AttributeAssignments(r.Root, "good_job") {
		if as.Operator != "=" || !isRailsConfig(as.Name) || as.Value == nil {
			continue
		}
		h := parser.Unwrap(as.Value)
		if h.Type() != "hash" {
			continue
		}
		for i := 0; i < int(h.NamedChildCount()); i++ {
			pair := h.NamedChild(i)
			if pair.Type() != "pair" {
				continue
			}
			key, ok := r.StringValue(pair.ChildByFieldName("key"))
			if !ok {
				continue
			}
			for _, name := range goodJobOptions {
				if key == name {
					add(name, pair, pair.ChildByFieldName("value"))
				}
			}
		}
	}
	// Source order within the file decides which assignment wins.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start.Offset < out[j].Span.Start.Offset })
	return out
}

// isRailsConfig matches the receivers of `config.good_job = ...`.
func isRailsConfig(recv string) bool {
	return recv == "config" || strings.HasSuffix(recv, ".config")
}

// isGoodJobConfig matches `config.good_job` and
// `Rails.application.config.good_job`.
func isGoodJobConfig(recv string) bool {
	return recv == "config.good_job" || strings.HasSuffix(recv, ".config.good_job")
}

// Last returns the assignment of option name that wins in env, or nil.
// A condition poollint cannot evaluate counts as holding.
func (g *GoodJobConfig) Last(name, railsEnv string, env Env) *GoodJobSetting {
	if g == nil {
		return nil
	}
	var last *GoodJobSetting
	for _, s := range g.Settings {
		if s.Name != name || (s.Env != "" && s.Env != railsEnv) {
			continue
		}
		holds := true
		for _, c := range s.Conds {
			if truth, ok := Truthy(c, env); ok && !truth {
				holds = false
			}
		}
		if holds {
			last = s
		}
	}
	return last
}

// GoodJobExternal reports whether p is a GoodJob process that executes
// jobs itself (`good_job start`, which always runs :external), or, for the
// process implied by a locked good_job, whether the execution mode of its
// environment is :external (the default outside development and test).
// known is false when the mode cannot be read.
func (a *App) GoodJobExternal(p *Process) (external, known bool) {
	if p.Kind != GoodJobProcess {
		return false, true
	}
	if p.Entry != nil {
		if len(p.Entry.Argv) > 1 {
			sub, _ := p.Entry.Argv[1].Literal()
			return sub == "start", true
		}
		return false, true // bare `good_job` prints its help
	}
	mode, ok := a.GoodJobExecutionMode(p)
	return mode == "external", ok
}

// GoodJobExecutionMode is config.good_job.execution_mode for p's
// environment, else GOOD_JOB_EXECUTION_MODE, else GoodJob's default:
// :async in development, :inline in test, :external otherwise.
func (a *App) GoodJobExecutionMode(p *Process) (string, bool) {
	env := a.EnvOf(p)
	if s := a.GoodJob.Last("execution_mode", p.RailsEnv(), env); s != nil {
		return s.Text, s.Text != ""
	}
	if v, ok := env.Lookup("GOOD_JOB_EXECUTION_MODE"); ok && v != "" {
		return strings.TrimPrefix(v, ":"), true
	}
	switch p.RailsEnv() {
	case "development":
		return "async", true
	case "test":
		return "inline", true
	}
	return "external", true
}

// GoodJobThreads is how many job threads a GoodJob process runs: its
// max_threads (`--max-threads`, else config.good_job.max_threads, else
// GOOD_JOB_MAX_THREADS, else RAILS_MAX_THREADS, else 5) for each execution
// pool of its queues string ("a:2;b:1;*" is three pools of 2, 1 and
// max_threads threads).
func (a *App) GoodJobThreads(p *Process) Threads {
	env := a.EnvOf(p)
	t := a.goodJobMaxThreads(p, env)
	if !t.Known {
		return t
	}
	queues, where, ok := a.goodJobQueues(p, env)
	if !ok {
		return Threads{Reason: "GoodJob's queues (" + where + ") are not a literal string"}
	}
	if queues == "" {
		return t
	}
	pools := strings.Split(queues, ";")
	if len(pools) == 1 && !strings.Contains(queues, ":") {
		return t
	}
	// MultiScheduler.from_configuration: `queues, threads = pool.split(':')`,
	// then `(threads || max_threads).to_i`; "default:5,low:1" is one pool
	// of 5 threads.
	total := 0
	for _, pool := range pools {
		n := t.Max
		if parts := strings.Split(pool, ":"); len(parts) > 1 {
			n = toI(Result{Kind: RStr, Str: strings.TrimSpace(parts[1])}).Int
		}
		total, _ = SatAdd(total, n)
	}
	t.Max = total
	t.Source += " per pool, " + strconv.Itoa(len(pools)) + " queue pools (" + where + " " + strconv.Quote(queues) + ")"
	return t
}

func (a *App) goodJobMaxThreads(p *Process, env Env) Threads {
	if p.Entry != nil {
		if w, _, ok := parser.Flag(p.Entry.Argv, "--max-threads", "--max_threads"); ok {
			return threadsFrom(ValueFromWord(w), env, "--max-threads "+p.commandLine(w.Span))
		}
	}
	if s := a.GoodJob.Last("max_threads", p.RailsEnv(), env); s != nil {
		// `options || rails_config || ENV...`: a nil setting falls through.
		if r := s.Value.Eval(env); r.Kind != RNil {
			return threadsFrom(s.Value, env, "config.good_job.max_threads in "+s.Span.File)
		}
	}
	for _, name := range []string{"GOOD_JOB_MAX_THREADS", "RAILS_MAX_THREADS"} {
		if _, ok := env.Lookup(name); ok {
			v := &Value{Op: OpToI, Args: []*Value{{Op: OpEnv, Str: name, Style: EnvIndex, Text: name}}, Text: name}
			t := threadsFrom(v, env, name+", which GoodJob reads")
			if in, ok := p.Inline[name]; ok {
				t.Span = in.Span
			}
			return t
		}
	}
	return Threads{Max: GoodJobDefaultThreads, Known: true, Default: true, Source: a.versionLabel("good_job", "GoodJob") + "'s default"}
}

// goodJobQueues is the queue string: `--queues`, else
// config.good_job.queues, else GOOD_JOB_QUEUES; "" means "*" (one pool).
func (a *App) goodJobQueues(p *Process, env Env) (queues, where string, ok bool) {
	if p.Entry != nil {
		if w, _, found := parser.Flag(p.Entry.Argv, "--queues", "-q"); found {
			lit, ok := w.Literal()
			return lit, "--queues", ok
		}
	}
	if s := a.GoodJob.Last("queues", p.RailsEnv(), env); s != nil {
		return s.Text, "config.good_job.queues", s.Text != ""
	}
	if v, ok := env.Lookup("GOOD_JOB_QUEUES"); ok {
		return strings.TrimSpace(v), "GOOD_JOB_QUEUES", true
	}
	return "", "", true
}
