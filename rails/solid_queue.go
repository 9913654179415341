package rails

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// SolidQueueDefaultThreads is a worker's `threads` when none is written
// (WORKER_DEFAULTS, facts 6.1).
const SolidQueueDefaultThreads = 3

// SolidQueueConfig is Solid Queue as the app runs it: the config files its
// processes read (config/queue.yml, a `bin/jobs -c` file or
// SOLID_QUEUE_CONFIG). It exists only when solid_queue is locked.
type SolidQueueConfig struct {
	Version string
	Files   map[string]*QueueFile // by app-relative path; absent files are not here
}

// QueueFile is one Solid Queue config file.
type QueueFile struct {
	File *parser.File
	Doc  *parser.YAMLDoc // nil when unreadable
}

// SolidQueueWorker is one entry of `workers:`.
type SolidQueueWorker struct {
	Threads   *Setting    // nil: the default 3
	Processes *Setting    // nil: 1
	Span      parser.Span // the entry
}

// loadSolidQueue reads the config files the Solid Queue processes use.
func (a *App) loadSolidQueue() {
	version, ok := a.Versions.Of("solid_queue")
	if !ok {
		return
	}
	sq := &SolidQueueConfig{Version: version, Files: map[string]*QueueFile{}}
	a.SolidQueue = sq
	paths := []string{a.defaultQueuePath()}
	for _, p := range a.Processes {
		if p.Kind == SolidQueueProcess || p.Kind == PumaProcess {
			paths = append(paths, a.queuePathOf(p))
		}
	}
	for _, rel := range paths {
		rel = cleanRel(rel)
		if _, done := sq.Files[rel]; done {
			continue
		}
		if f := a.readFile(rel); f != nil {
			sq.Files[rel] = &QueueFile{File: f, Doc: a.parseYAML(f)}
		}
	}
}

// defaultQueuePath is where Solid Queue looks without -c or
// SOLID_QUEUE_CONFIG: config/queue.yml since 0.9, config/solid_queue.yml
// before (facts 6.1).
func (a *App) defaultQueuePath() string {
	if a.Versions.AtLeast("solid_queue", "0.9.0") {
		return "config/queue.yml"
	}
	return "config/solid_queue.yml"
}

// queuePathOf is the config file process p reads: `bin/jobs -c PATH`,
// else SOLID_QUEUE_CONFIG, else the default.
func (a *App) queuePathOf(p *Process) string {
	if p.Entry != nil && p.Kind == SolidQueueProcess {
		if w, _, ok := parser.Flag(p.Entry.Argv, "-c", "--config_file", "--config-file"); ok {
			if lit, ok := w.Literal(); ok && lit != "" {
				return cleanRel(lit)
			}
		}
	}
	if v, ok := p.Env.Lookup("SOLID_QUEUE_CONFIG"); ok && v != "" {
		return cleanRel(v)
	}
	return a.defaultQueuePath()
}

// QueueFileOf returns the config file p's supervisor reads and its path;
// the file is nil when it does not exist (Solid Queue then runs one
// default worker).
func (a *App) QueueFileOf(p *Process) (*QueueFile, string) {
	path := a.queuePathOf(p)
	if a.SolidQueue == nil {
		return nil, path
	}
	return a.SolidQueue.Files[path], path
}

// SolidQueueWorkers reads the workers a supervisor in env gets from qf, as
// SolidQueue::Configuration does: the section keyed by env if there is
// one, else the whole file; its `workers` when it has `workers` or
// `dispatchers`, else one default worker. ok is false (with the reason)
// when they cannot be read.
func (qf *QueueFile) SolidQueueWorkers(env string) (workers []*SolidQueueWorker, section string, ok bool, reason string) {
	d, m, section, fallback, ok, reason := qf.processesSection(env)
	if !ok {
		return nil, section, false, reason
	}
	if fallback {
		return []*SolidQueueWorker{{}}, section, true, ""
	}
	list, hasWorkers := lookupSym(d, m, "workers")
	if !hasWorkers {
		return nil, section, true, ""
	}
	items, ok, reason := mappingList(d, list, "workers", qf.File.Path)
	if !ok {
		return nil, section, false, reason
	}
	for _, item := range items {
		w := &SolidQueueWorker{Span: d.Span(item)}
		w.Threads = settingSym(d, item, "threads")
		w.Processes = settingSym(d, item, "processes")
		workers = append(workers, w)
	}
	return workers, section, true, ""
}

// processesSection finds the mapping whose `workers`, `dispatchers` and
// `scheduler` the supervisor reads. fallback is true when it has neither
// workers nor dispatchers: Solid Queue then runs its defaults, one worker
// and one dispatcher (Configuration#processes_config).
func (qf *QueueFile) processesSection(env string) (d *parser.YAMLDoc, m *yaml.Node, section string, fallback, ok bool, reason string) {
	if qf == nil {
		return nil, nil, "", true, true, ""
	}
	d = qf.Doc
	if d == nil {
		return nil, nil, "", false, false, qf.File.Path + " cannot be read"
	}
	if d.DynamicStructure {
		return nil, nil, "", false, false, "ERB generates part of " + qf.File.Path
	}
	m = parser.Resolve(d.Root)
	if m == nil {
		return d, nil, "", true, true, ""
	}
	if m.Kind != yaml.MappingNode {
		return nil, nil, "", false, false, qf.File.Path + " is not a mapping"
	}
	// deep_symbolize_keys makes `production:` and `:production:` the same key.
	for _, key := range []string{env, ":" + env} {
		if v, _ := d.Lookup(m, key); v != nil {
			v = parser.Resolve(v)
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && len(d.ERBInside(v)) == 0 {
				continue // a nil section is falsy: the whole file is used
			}
			if v.Kind != yaml.MappingNode {
				return nil, nil, "", false, false, "the " + key + " section of " + qf.File.Path + " is not a mapping"
			}
			m, section = v, key
			break
		}
	}
	_, hasWorkers := lookupSym(d, m, "workers")
	_, hasDispatchers := lookupSym(d, m, "dispatchers")
	return d, m, section, !hasWorkers && !hasDispatchers, true, ""
}

// mappingList reads a list of mappings (`workers:`, `dispatchers:`).
func mappingList(d *parser.YAMLDoc, list *yaml.Node, key, path string) ([]*yaml.Node, bool, string) {
	list = parser.Resolve(list)
	if list.Kind != yaml.SequenceNode {
		return nil, false, "`" + key + "` in " + path + " is not a list"
	}
	var out []*yaml.Node
	for _, item := range list.Content {
		item = parser.Resolve(item)
		if item == nil || item.Kind != yaml.MappingNode {
			return nil, false, "an entry of `" + key + "` in " + path + " is not a mapping"
		}
		out = append(out, item)
	}
	return out, true, ""
}

// lookupSym looks a key up under both spellings deep_symbolize_keys merges.
func lookupSym(d *parser.YAMLDoc, m *yaml.Node, key string) (*yaml.Node, bool) {
	for _, k := range []string{key, ":" + key} {
		if v, _ := d.Lookup(m, k); v != nil {
			return v, true
		}
	}
	return nil, false
}

func settingSym(d *parser.YAMLDoc, m *yaml.Node, key string) *Setting {
	if s := settingOf(d, m, key); s != nil {
		return s
	}
	return settingOf(d, m, ":"+key)
}

// SolidQueueThreads is the largest `threads` of the workers p's supervisor
// runs (default 3), the number Solid Queue adds 2 to and compares with
// the queue database's pool (facts 6.1). With no worker at all Solid
// Queue counts 1.
func (a *App) SolidQueueThreads(p *Process) Threads {
	env := a.EnvOf(p)
	qf, path := a.QueueFileOf(p)
	workers, section, ok, reason := qf.SolidQueueWorkers(p.RailsEnv())
	if !ok {
		return Threads{Reason: reason}
	}
	where := path
	if section != "" {
		where = "the " + section + " section of " + path
	}
	if qf == nil {
		where = path + ", which does not exist"
	}
	if len(workers) == 0 {
		return Threads{Max: 1, Known: true, Default: true, Source: "no worker in " + where}
	}
	var best Threads
	for i, w := range workers {
		var t Threads
		if w.Threads == nil {
			t = Threads{Max: SolidQueueDefaultThreads, Known: true, Default: true,
				Source: "Solid Queue's default 3 threads for worker " + strconv.Itoa(i+1) + " in " + where}
			if qf != nil {
				t.Span = w.Span
			}
		} else {
			t = threadsFrom(w.Threads.Value, env, "threads of worker "+strconv.Itoa(i+1)+" in "+where)
			if !t.Known {
				return t
			}
		}
		if i == 0 || t.Max > best.Max {
			best = t
		}
	}
	return best
}

// SolidQueueDatabase is the database config Solid Queue's records use in
// env: the `queue` config of a multi-database file (the Rails 8 template,
// with `connects_to = { database: { writing: :queue } }`), else the primary.
func (a *App) SolidQueueDatabase(env string) *DatabaseConfig {
	if a.Databases == nil {
		return nil
	}
	configs := a.Databases.Configs(env)
	for _, c := range configs {
		if c.Name == "queue" && !c.TwoLevel {
			return c
		}
	}
	for _, c := range configs {
		if c.Primary {
			return c
		}
	}
	return nil
}

// SolidQueueInPuma reports whether Puma process p runs the Solid Queue
// supervisor through `plugin :solid_queue`. Only a plugin line whose
// conditions are known to hold counts: the Rails 8 template guards it
// with `if ENV["SOLID_QUEUE_IN_PUMA"]`, unset by default.
func (a *App) SolidQueueInPuma(p *Process) bool {
	if a.SolidQueue == nil || p.Kind != PumaProcess {
		return false
	}
	pc := a.PumaConfigOf(p)
	if pc == nil || pc.Ruby == nil {
		return false
	}
	env := a.EnvOf(p)
	for _, g := range pc.Plugins {
		if len(g.Call.Args) == 0 {
			continue
		}
		if name, ok := pc.Ruby.StringValue(g.Call.Args[0]); !ok || name != "solid_queue" {
			continue
		}
		holds := true
		for _, c := range g.Conds {
			if truth, known := Truthy(c, env); !known || !truth {
				holds = false
			}
		}
		if holds {
			return true
		}
	}
	return false
}
