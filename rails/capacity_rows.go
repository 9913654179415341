package rails

import (
	"strconv"
	"strings"
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
		if a.SolidQueueInPuma(p) {
			return a.pumaWithSolidQueue(row)
		}
		return []*BudgetRow{row}
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
