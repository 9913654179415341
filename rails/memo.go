package rails

// processMemo keeps answers about one process that the rules and the
// budget ask for again and again (each pool of each database config asks
// for the process's fork settings and worker-boot config). They are
// memoised only once Load has finished (App.loaded): the model is not
// changed after that, so an answer cannot go stale. Answers computed
// while Load still builds the model are not kept. The memo is the App's,
// keyed by the process pointer, not a field of Process: a copy of a
// process with another environment (ProcessWith, a fix's probe) is
// another process and must not inherit the answers. An app is linted by
// one goroutine: no lock.
type processMemo struct {
	pumaFork       *PumaFork
	unicornFork    *UnicornFork
	bootConfig     *ARCall
	bootConfigRead bool
	pools          map[*DatabaseConfig]Pool // PoolOf, by config
	pumaThreads    *Threads
	sidekiqThreads *Threads
}

// memoized returns the answer kept in p's memo at field, computing it
// the first time; before Load has finished it computes every time.
func memoized[T any](a *App, p *Process, field func(*processMemo) **T, compute func() T) T {
	m := a.memoOf(p)
	if m == nil {
		return compute()
	}
	slot := field(m)
	if *slot == nil {
		v := compute()
		*slot = &v
	}
	return **slot
}

// memoOf returns p's memo, or nil before Load has finished.
func (a *App) memoOf(p *Process) *processMemo {
	if !a.loaded {
		return nil
	}
	m := a.memos[p]
	if m == nil {
		if a.memos == nil {
			a.memos = map[*Process]*processMemo{}
		}
		m = &processMemo{}
		a.memos[p] = m
	}
	return m
}
