package rails

// processMemo keeps answers about one process that the rules and the
// budget ask for again and again (each pool of each database config asks
// for the process's fork settings and worker-boot config). They are
// memoised only once Load has finished (App.loaded): the model is not
// changed after that, so an answer cannot go stale. Answers computed
// while Load still builds the model are not kept. A process belongs to
// one app, linted by one goroutine: no lock.
type processMemo struct {
	pumaFork       *PumaFork
	unicornFork    *UnicornFork
	bootConfig     *ARCall
	bootConfigRead bool
}
