package rails

import (
	"strconv"
	"strings"
)

// A thread count that evaluates to 0 (`ENV["SIDEKIQ_CONCURRENCY"].to_i`
// with the variable unset: nil.to_i is 0) would silently turn the pool
// checks off, as if the process needed no connection. No server runs that
// way: Sidekiq's Manager raises "Concurrency of 0 is not supported" (3.x
// to 8.x; the 7+ CLI's validate! refuses it earlier for -c and
// sidekiq.yml), and Puma's `threads` raises "The maximum number of threads
// (0) must be greater than 0". So the value that runs is set somewhere
// poollint cannot see; the count becomes unknown, and a note says what was
// assumed and how to give the real value.

const (
	sidekiqRefusesZero = "Sidekiq refuses to start with it (\"Concurrency of 0 is not supported\")"
	pumaRefusesZero    = "Puma refuses it (\"The maximum number of threads (0) must be greater than 0\")"
)

// refuseBelowOne turns a known count below 1 into an unknown one that
// says why.
func refuseBelowOne(t Threads, refusal string) Threads {
	if !t.Known || t.Max >= 1 {
		return t
	}
	n := t.Max
	t.Known, t.Max, t.BelowOne = false, 0, true
	t.Reason = t.Source + " evaluates to " + strconv.Itoa(n) + withUnset(t.Unset) + ", and " + refusal
	return t
}

func withUnset(unset []string) string {
	if len(unset) == 0 {
		return ""
	}
	return " with " + strings.Join(unset, ", ") + " unset"
}

// noteCountAssumptions reports, once per place, the counts that evaluated
// below 1 and the initializer assignments Sidekiq 7+ does not apply to the
// default capsule.
func (a *App) noteCountAssumptions() {
	seen := map[string]bool{}
	note := func(t Threads, p *Process) {
		key := t.Span.File + ":" + strconv.Itoa(t.Span.Start.Offset) + t.Reason
		if seen[key] {
			return
		}
		seen[key] = true
		hint := "give the value it runs with in .poollint.yml env: or --env"
		if len(t.Unset) > 0 {
			hint = "give it with --env " + t.Unset[0] + "=N or in .poollint.yml env:"
		}
		span := t.Span
		if span.IsZero() {
			span = p.Location()
		}
		a.problem(span, "in "+p.Describe()+", "+t.Reason+"; so the real value is set where the process runs, and poollint did not check the pool against it ("+hint+")", true)
	}
	for _, p := range a.Processes {
		switch p.Kind {
		case SidekiqProcess:
			if t := a.SidekiqConcurrency(p); t.BelowOne {
				note(t, p)
			}
		case PumaProcess:
			if t := a.PumaThreads(p); t.BelowOne {
				note(t, p)
			}
		}
	}
	if _, ignored := a.initializerConcurrencySets(); len(ignored) > 0 && len(a.ProcessesOf(SidekiqProcess)) > 0 {
		for _, s := range ignored {
			a.problem(s.Guarded.Span, "`"+s.Text+"` does not change the default capsule's concurrency on "+a.versionLabel("sidekiq", "Sidekiq")+
				" (7.0+): the CLI builds that capsule from -c, sidekiq.yml or RAILS_MAX_THREADS before initializers run, and this only seeds capsules created later; poollint ignored it (`config.concurrency = n` sets the default capsule)", true)
		}
	}
}
