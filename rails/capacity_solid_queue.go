package rails

import (
	"strconv"
)

// The budget rows of a Solid Queue supervisor (bin/jobs, or the one
// `plugin :solid_queue` starts from Puma), in the mode it runs (facts
// 6.1). Every Solid Queue process registers itself and beats a heartbeat
// from a timer thread; what else each one runs, and so how many
// connections of Solid Queue's database it can hold at once:
//   - a worker: `threads` job threads, its polling thread and the
//     heartbeat: threads + 2 (Solid Queue's own estimate);
//   - a dispatcher: its polling thread, the heartbeat and the concurrency
//     maintenance timer (`concurrency_maintenance`, on by default): 3, or
//     2 without maintenance;
//   - the supervisor: the heartbeat and its maintenance timer (pruning
//     dead processes, releasing orphaned executions): 2.
// In fork mode each is a process with its own pools; in async mode they
// are threads of the supervisor's process and add up in its pools. The
// scheduler runs only with recurring tasks and is not counted (noted).

const (
	sqSupervisorConns = 2
	sqDispatcherConns = 3
)

// solidQueueRows are the rows of the supervisor p runs (bin/jobs).
func (a *App) solidQueueRows(p *Process, name string, dynos Count) []*BudgetRow {
	base := &BudgetRow{Process: p, Name: name, Kind: SolidQueueProcess, Dynos: dynos}
	mode := a.SolidQueueModeOf(p)
	if !mode.Known {
		return []*BudgetRow{unknownRow(base, "Solid Queue's supervisor mode: "+mode.Reason)}
	}
	load, ok := a.solidQueueLoad(p)
	if !ok {
		return []*BudgetRow{unknownRow(base, load.reason)}
	}
	if mode.Async {
		row := *base
		row.PerDyno = countOf(1, "async mode ("+mode.Source+"): every worker and dispatcher is threads of the supervisor")
		row.Threads = load.jobThreads
		row.Need = load.asyncNeed()
		return []*BudgetRow{&row}
	}
	return load.forkRows(base)
}

// pumaWithSolidQueue is the Puma row plus what `plugin :solid_queue` adds:
// in fork mode a supervisor forked from Puma with its own processes; in
// async mode the supervisor's threads in Puma's own process — the one
// serving requests in single mode, the master in cluster mode.
func (a *App) pumaWithSolidQueue(puma *BudgetRow) []*BudgetRow {
	p := puma.Process
	name := p.Name + " (solid_queue plugin)"
	base := &BudgetRow{Process: p, Name: name, Kind: SolidQueueProcess, Dynos: puma.Dynos}
	mode := a.SolidQueueModeOf(p)
	if !mode.Known {
		return []*BudgetRow{puma, unknownRow(base, "Solid Queue's supervisor mode: "+mode.Reason)}
	}
	load, ok := a.solidQueueLoad(p)
	if !ok {
		return []*BudgetRow{puma, unknownRow(base, load.reason)}
	}
	if !mode.Async {
		return append([]*BudgetRow{puma}, load.forkRows(base)...)
	}
	master, known := a.pumaClustered(p)
	switch {
	case !known:
		return []*BudgetRow{puma, unknownRow(base, "which Puma process runs Solid Queue in async mode: Puma's workers cannot be read")}
	case master:
		row := *base
		row.Name = p.Name + " (solid_queue plugin, async in Puma's master)"
		row.PerDyno = countOf(1, "Puma's master process runs the supervisor's threads (async mode, "+mode.Source+")")
		row.Threads = load.jobThreads
		row.Need = load.asyncNeed()
		return []*BudgetRow{puma, &row}
	}
	sq := load.asyncNeed()
	if !puma.Need.Known || !sq.Known {
		puma.Need = unknownCount("the threads of Puma or of Solid Queue in async mode cannot be read")
		return []*BudgetRow{puma}
	}
	need := addCount(puma.Need, sq.N)
	need.Assumed = false
	need.Unset = append(append([]string{}, puma.Need.Unset...), sq.Unset...)
	need.Source = strconv.Itoa(puma.Need.N) + " Puma threads + " + strconv.Itoa(sq.N) + " for Solid Queue in async mode (" + mode.Source + "), threads of this process: " + sq.Source
	puma.Need = need
	return []*BudgetRow{puma}
}

// pumaClustered reports whether Puma runs workers (a master that forks
// them) rather than one process.
func (a *App) pumaClustered(p *Process) (clustered, known bool) {
	f := a.PumaForkOf(p)
	if f.Partial != "" || !f.Workers.Known || f.Workers.Int < 0 {
		return false, false
	}
	return f.Workers.Int > 0, true
}

func unknownRow(row *BudgetRow, reason string) *BudgetRow {
	c := unknownCount(reason)
	row.PerDyno, row.Threads, row.Need = c, c, c
	return row
}

// sqLoad is what a supervisor's config file asks it to run.
type sqLoad struct {
	where       string
	workers     []sqWorkerLoad
	dispatchers []*SolidQueueDispatcher
	jobThreads  Count // Σ threads over the worker entries (one process each in async mode)
	reason      string
}

type sqWorkerLoad struct {
	threads   Count
	processes Count
}

// solidQueueLoad reads the workers and dispatchers p's supervisor runs.
func (a *App) solidQueueLoad(p *Process) (sqLoad, bool) {
	qf, path := a.QueueFileOf(p)
	env := p.RailsEnv()
	workers, section, ok, reason := qf.SolidQueueWorkers(env)
	if !ok {
		return sqLoad{reason: reason}, false
	}
	dispatchers, ok, reason := qf.SolidQueueDispatchers(env)
	if !ok {
		return sqLoad{reason: reason}, false
	}
	load := sqLoad{where: path, dispatchers: dispatchers, jobThreads: Count{Known: true}}
	switch {
	case qf == nil:
		load.where = path + ", which does not exist (Solid Queue's default worker and dispatcher)"
	case section != "":
		load.where = "the " + section + " section of " + path
	}
	vars := a.EnvOf(p)
	var unset []string
	for i, w := range workers {
		wl := sqWorkerLoad{
			threads:   a.solidQueueWorkerThreads(w, i, load.where, vars),
			processes: solidQueueProcessCount(w, i, load.where, vars),
		}
		load.workers = append(load.workers, wl)
		if !wl.threads.Known {
			load.jobThreads = wl.threads
			continue
		}
		if load.jobThreads.Known {
			load.jobThreads = addCount(load.jobThreads, wl.threads.N)
			unset = append(unset, wl.threads.Unset...)
		}
	}
	if load.jobThreads.Known {
		load.jobThreads.Source = "the threads of every worker in " + load.where
		load.jobThreads.Unset = unset
	}
	return load, true
}

// asyncNeed is what the supervisor's threads can hold at once in one
// process: every worker's threads + 2, every dispatcher's 2 or 3 and the
// supervisor's 2.
func (l sqLoad) asyncNeed() Count {
	if !l.jobThreads.Known {
		return l.jobThreads
	}
	n := sqSupervisorConns + 2*len(l.workers)
	for _, d := range l.dispatchers {
		n += d.Connections()
	}
	c := addCount(l.jobThreads, n)
	c.Assumed = false
	c.Source = strconv.Itoa(l.jobThreads.N) + " job threads + " + strconv.Itoa(2*len(l.workers)) + " for the workers' polling and heartbeat threads + " +
		strconv.Itoa(n-sqSupervisorConns-2*len(l.workers)) + " for " + strconv.Itoa(len(l.dispatchers)) + " " + plural(len(l.dispatchers), "dispatcher", "dispatchers") +
		" + " + strconv.Itoa(sqSupervisorConns) + " for the supervisor (facts 6.1)"
	return c
}

// forkRows are the processes of a supervisor in fork mode: itself, each
// dispatcher, and `processes` copies of each worker entry.
func (l sqLoad) forkRows(base *BudgetRow) []*BudgetRow {
	sup := *base
	sup.Name = base.Name + " supervisor"
	sup.PerDyno = countOf(1, "the supervisor process (fork mode)")
	sup.Threads = countOf(0, "no job threads")
	sup.Need = countOf(sqSupervisorConns, "the supervisor's heartbeat and maintenance timers (facts 6.1)")
	sup.QueueOnly = true
	rows := []*BudgetRow{&sup}
	for i, d := range l.dispatchers {
		row := *base
		row.Name = base.Name + " dispatcher"
		if len(l.dispatchers) > 1 {
			row.Name += " " + strconv.Itoa(i+1)
		}
		row.PerDyno = countOf(1, "one process per dispatcher in "+l.where)
		row.Threads = countOf(0, "no job threads")
		row.Need = countOf(d.Connections(), d.describe())
		row.QueueOnly = true
		rows = append(rows, &row)
	}
	for i, w := range l.workers {
		row := *base
		if len(l.workers) > 1 {
			row.Name = base.Name + " worker " + strconv.Itoa(i+1)
		}
		row.Worker = true
		row.Threads = w.threads
		row.PerDyno = w.processes
		row.Need = w.threads
		if w.threads.Known {
			row.Need = addCount(row.Need, 2)
			row.Need.Assumed = false
			row.Need.Source = "threads " + strconv.Itoa(w.threads.N) + " + 2 (the worker and its heartbeat; facts 6.1)"
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
