package rails

import (
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file works out the rows of the budget: for each process type its
// dynos, processes per dyno, threads and the connections one process can
// use (capacity.go sums them).

// dynosOf is the dyno count of a process type (RULES.md
// connections-exceed-limit): app.json's formation, else the declared
// formation (.poollint.yml formation:, --dynos), else 1, assumed.
func (a *App) dynosOf(name string) Count {
	noQuantity := false
	if a.AppJSON != nil {
		if f, ok := a.AppJSON.Formation[name]; ok {
			if f.HasQuantity {
				c := countOf(f.Quantity, "app.json formation."+name)
				c.Span = a.AppJSON.Spans["formation."+name]
				return c
			}
			noQuantity = true
		}
	}
	if n, ok := a.Declared.Formation[name]; ok && n >= 0 {
		return countOf(n, "the declared formation (.poollint.yml formation: or --dynos)")
	}
	if noQuantity {
		c := assumedCount(1, "app.json formation."+name+" gives no quantity: assuming 1 dyno")
		c.Span = a.AppJSON.Spans["formation."+name]
		return c
	}
	return assumedCount(1, "no formation names "+name+" (app.json formation, .poollint.yml formation: or --dynos): assuming 1 dyno")
}

// budgetRows builds the rows of one process type: one, or one per Solid
// Queue worker entry, plus the Solid Queue workers a Puma plugin runs.
func (a *App) budgetRows(p *Process) []*BudgetRow {
	dynos := a.copiesOf(p)
	row := &BudgetRow{Process: p, Name: p.Name, Kind: p.Kind, Dynos: dynos}
	switch p.Kind {
	case PumaProcess:
		row.PerDyno = a.pumaProcesses(p)
		row.Threads = threadsCount(a.PumaThreads(p))
		row.Need = row.Threads
		rows := []*BudgetRow{row}
		if a.SolidQueueInPuma(p) {
			rows = append(rows, a.solidQueueRows(p, p.Name+" (solid_queue plugin)", dynos)...)
		}
		return rows
	case UnicornProcess:
		row.PerDyno = a.unicornProcesses(p)
		row.Threads = countOf(1, "Unicorn workers are single-threaded (facts 4)")
		row.Need = row.Threads
	case SidekiqProcess:
		row.PerDyno = a.sidekiqProcesses(p)
		row.Threads = threadsCount(a.SidekiqConcurrency(p))
		row.Need = row.Threads
	case SolidQueueProcess:
		return a.solidQueueRows(p, p.Name, dynos)
	case GoodJobProcess:
		row.PerDyno = countOf(1, "one GoodJob process")
		row.Threads, row.Need = a.goodJobCounts(p)
	default:
		row.PerDyno = countOf(1, "one process")
		row.Threads = unknownCount("poollint cannot tell what " + p.Describe() + " runs or how many threads it uses")
		row.Need = row.Threads
	}
	return []*BudgetRow{row}
}

func threadsCount(t Threads) Count {
	if !t.Known {
		reason := t.Reason
		if reason == "" {
			reason = "it cannot be read"
		}
		return Count{Reason: reason, Span: t.Span}
	}
	return Count{N: t.Max, Known: true, Source: t.Source, Span: t.Span, Assumed: t.Default, Unset: t.Unset}
}

// pumaProcesses is the Puma worker count (-w, the config file,
// WEB_CONCURRENCY on Puma >= 5; fork_servers.go); single mode (0 workers)
// is one process.
func (a *App) pumaProcesses(p *Process) Count {
	f := a.PumaForkOf(p)
	w := f.Workers
	switch {
	case f.Partial != "":
		return unknownCount("Puma's workers: " + f.Partial)
	case !w.Known:
		return Count{Reason: "Puma's workers (" + w.Source + ") cannot be read", Span: w.Span}
	case w.Int < 0:
		return Count{Reason: "Puma's workers (" + w.Source + ") is negative", Span: w.Span}
	}
	isDefault := w.Span.IsZero() && strings.Contains(w.Source, "default")
	c := Count{N: w.Int, Known: true, Source: w.Source, Span: w.Span, Assumed: isDefault, Unset: w.Unset}
	if w.Int == 0 {
		c.N = 1
		c.Source = "0 workers (" + w.Source + "): Puma runs in single mode, one process"
	}
	return c
}

// unicornProcesses is worker_processes, default 1 (facts 4).
func (a *App) unicornProcesses(p *Process) Count {
	uc := a.UnicornConfigOf(p)
	if uc != nil {
		env := a.EnvOf(p)
		if g := lastApplying(uc.WorkerProcesses, env); g != nil {
			r := g.Value.Eval(env)
			if r.Kind != RInt || r.Int < 0 {
				reason := r.Reason
				if reason == "" {
					reason = "`" + oneLine(uc.Ruby.Text(g.Call.Node)) + "` is not a number"
				}
				return Count{Reason: "worker_processes in " + uc.File.Path + ": " + reason, Span: g.Span}
			}
			return Count{N: r.Int, Known: true, Source: "worker_processes in " + uc.File.Path, Span: g.Span, Unset: r.Unset}
		}
	}
	return assumedCount(1, "Unicorn's default worker_processes (facts 4)")
}

// sidekiqProcesses is 1, or SIDEKIQ_COUNT for Sidekiq Enterprise's
// sidekiqswarm, which forks that many full Sidekiq processes (default: one
// per CPU core, which poollint cannot know; facts 5.1).
func (a *App) sidekiqProcesses(p *Process) Count {
	if !runsSwarm(p) {
		return countOf(1, "one Sidekiq process")
	}
	v := a.buildpackVar(p, "SIDEKIQ_COUNT")
	if v.Name == "" {
		return unknownCount("sidekiqswarm forks one process per CPU core unless SIDEKIQ_COUNT is set")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	if !v.Known || err != nil || n < 1 {
		return Count{Reason: "SIDEKIQ_COUNT=" + v.Value + " " + v.From + " is not a number poollint can read", Span: v.Span}
	}
	return Count{N: n, Known: true, Source: "SIDEKIQ_COUNT=" + v.Value + " " + v.From + " (sidekiqswarm)", Span: v.Span}
}

// runsSwarm reports whether the Procfile line starts sidekiqswarm.
func runsSwarm(p *Process) bool {
	if p.Entry == nil {
		return false
	}
	for _, w := range p.Entry.Argv {
		switch programName(w) {
		case "sidekiqswarm":
			return true
		case "sidekiq":
			return false
		}
	}
	return false
}

// goodJobCounts is a GoodJob process's threads and the connections it can
// use: max_threads (per execution pool) + 3, the README's pool formula
// (facts 6.2).
func (a *App) goodJobCounts(p *Process) (threads, need Count) {
	external, ok := a.GoodJobExternal(p)
	if !ok || !external {
		c := unknownCount("poollint cannot tell whether " + p.Describe() + " executes jobs (`good_job start`, or execution_mode :external)")
		return c, c
	}
	threads = threadsCount(a.GoodJobThreads(p))
	if !threads.Known {
		return threads, threads
	}
	need = addCount(threads, 3)
	need.Source = "max_threads " + strconv.Itoa(threads.N) + " + 3 (GoodJob's listener, cron scheduler and executor; facts 6.2)"
	return threads, need
}

// solidQueueRows is one row per worker entry of the config file the
// supervisor reads: `processes` forked processes of `threads` threads, each
// able to use threads + 2 connections (facts 6.1). In async mode the
// supervisor runs every worker as threads of one process.
func (a *App) solidQueueRows(p *Process, name string, dynos Count) []*BudgetRow {
	base := &BudgetRow{Process: p, Name: name, Kind: SolidQueueProcess, Dynos: dynos}
	qf, path := a.QueueFileOf(p)
	workers, section, ok, reason := qf.SolidQueueWorkers(p.RailsEnv())
	if !ok {
		base.PerDyno = unknownCount(reason)
		base.Threads, base.Need = base.PerDyno, base.PerDyno
		return []*BudgetRow{base}
	}
	where := path
	switch {
	case qf == nil:
		where = path + ", which does not exist (Solid Queue's default worker)"
	case section != "":
		where = "the " + section + " section of " + path
	}
	if len(workers) == 0 {
		base.PerDyno = countOf(0, "no workers in "+where)
		base.Threads = countOf(0, "no workers in "+where)
		base.Need = base.Threads
		return []*BudgetRow{base}
	}
	env := a.EnvOf(p)
	if a.budgetSQAsync(p) {
		total, maxT := 0, 0
		var unset []string
		for i, w := range workers {
			t := a.solidQueueWorkerThreads(w, i, where, env)
			if !t.Known {
				base.PerDyno = countOf(1, "async mode: one supervisor process")
				base.Threads, base.Need = t, t
				return []*BudgetRow{base}
			}
			total, _ = SatAdd(total, t.N)
			maxT = max(maxT, t.N)
			unset = append(unset, t.Unset...)
		}
		base.PerDyno = countOf(1, "async mode (SOLID_QUEUE_SUPERVISOR_MODE or --mode): every worker is a thread of the supervisor")
		base.Threads = Count{N: total, Known: true, Source: "the threads of every worker in " + where, Unset: unset}
		base.Need = addCount(base.Threads, 2)
		base.Need.Source = "threads " + strconv.Itoa(total) + " + 2 (facts 6.1)"
		return []*BudgetRow{base}
	}
	var rows []*BudgetRow
	for i, w := range workers {
		row := *base
		if len(workers) > 1 {
			row.Name = name + " worker " + strconv.Itoa(i+1)
		}
		row.Threads = a.solidQueueWorkerThreads(w, i, where, env)
		row.PerDyno = solidQueueProcessCount(w, i, where, env)
		row.Need = row.Threads
		if row.Threads.Known {
			row.Need = addCount(row.Need, 2)
			row.Need.Assumed = false
			row.Need.Source = "threads " + strconv.Itoa(row.Threads.N) + " + 2 (the worker and its heartbeat; facts 6.1)"
		}
		rows = append(rows, &row)
	}
	return rows
}

func (a *App) solidQueueWorkerThreads(w *SolidQueueWorker, i int, where string, env Env) Count {
	label := "worker " + strconv.Itoa(i+1) + " in " + where
	if w.Threads == nil {
		c := assumedCount(SolidQueueDefaultThreads, "Solid Queue's default threads for "+label+" (facts 6.1)")
		c.Span = w.Span
		return c
	}
	return threadsCount(threadsFrom(w.Threads.Value, env, "threads of "+label))
}

func solidQueueProcessCount(w *SolidQueueWorker, i int, where string, env Env) Count {
	label := "worker " + strconv.Itoa(i+1) + " in " + where
	if w.Processes == nil {
		c := assumedCount(1, "Solid Queue's default processes for "+label+" (facts 6.1)")
		c.Span = w.Span
		return c
	}
	r := w.Processes.Value.Eval(env)
	if r.Kind != RInt || r.Int < 0 {
		reason := r.Reason
		if reason == "" {
			reason = "not a number"
		}
		return Count{Reason: "processes of " + label + ": " + reason, Span: w.Processes.ValueSpan}
	}
	return Count{N: r.Int, Known: true, Source: "processes of " + label, Span: w.Processes.ValueSpan, Unset: r.Unset}
}

// budgetSQAsync reports whether the supervisor runs in async mode
// (`bin/jobs --mode async` or SOLID_QUEUE_SUPERVISOR_MODE=async, v1.3.0+).
func (a *App) budgetSQAsync(p *Process) bool {
	if p.Kind == SolidQueueProcess && p.Entry != nil {
		if w, _, ok := parser.Flag(p.Entry.Argv, "--mode", "-m"); ok {
			lit, _ := w.Literal()
			return lit == "async"
		}
	}
	v, _ := p.Env.Lookup("SOLID_QUEUE_SUPERVISOR_MODE")
	return v == "async"
}
