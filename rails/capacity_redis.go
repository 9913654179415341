package rails

import (
	"strconv"
	"strings"
)

// This file is the Redis side of the budget (facts 5.4): every Sidekiq
// server process opens its pools, and every web process that enqueues
// jobs opens a client pool, against the Redis plan's limit (facts 9.2).

// RedisBudget is Sidekiq's Redis connections.
type RedisBudget struct {
	Rows     []*RedisRow
	Total    int
	Complete bool
	Limit    Limit
	// LimitUnknown says why Limit is unknown, for the table's limit line.
	LimitUnknown string
	notes        []Note
}

// RedisRow is one process type's Redis connections.
type RedisRow struct {
	Row        *BudgetRow // the database row of the same process
	Role       string     // "server" (a Sidekiq process) or "client" (a web process)
	PerProcess Count      // the most connections one process opens
	Total      Count
}

// Headroom is how many more connections Redis accepts; ok is false when
// the limit is unknown or the total is only a lower bound.
func (r *RedisBudget) Headroom() (n int, ok bool) {
	if !r.Limit.Known || !r.Complete {
		return 0, false
	}
	return r.Limit.N - r.Total, true
}

// redisBudget counts Redis connections when a process runs Sidekiq.
func (a *App) redisBudget(rows []*BudgetRow, heroku bool) *RedisBudget {
	runs := false
	for _, r := range rows {
		if r.Kind == SidekiqProcess {
			runs = true
		}
	}
	if !runs {
		return nil
	}
	rb := &RedisBudget{Complete: true}
	note := func(subject, text string) {
		for _, n := range rb.notes {
			if n.Subject == subject && n.Text == text {
				return
			}
		}
		rb.notes = append(rb.notes, Note{Subject: subject, Text: text})
	}
	for _, r := range rows {
		var rr *RedisRow
		switch r.Kind {
		case SidekiqProcess:
			rr = &RedisRow{Row: r, Role: "server", PerProcess: a.sidekiqServerRedis(r)}
		case PumaProcess, UnicornProcess:
			rr = &RedisRow{Row: r, Role: "client", PerProcess: a.sidekiqClientRedis(r)}
		default:
			continue
		}
		rr.Total = mulCount(r.Dynos, mulCount(r.PerDyno, rr.PerProcess))
		if rr.Total.Known {
			var sat bool
			rb.Total, sat = SatAdd(rb.Total, rr.Total.N)
			if sat || rr.Total.Saturated {
				rb.Complete = false
				note(r.Name, "Redis connections: "+SaturatedNote)
			}
		} else {
			rb.Complete = false
		}
		switch {
		case !rr.PerProcess.Known && rr.PerProcess.Reason != "":
			note(r.Name, "Redis connections per process unknown: "+rr.PerProcess.Reason)
		case rr.PerProcess.Known:
			note(r.Name, "Redis connections per process "+strconv.Itoa(rr.PerProcess.N)+": "+rr.PerProcess.Source)
		}
		rb.Rows = append(rb.Rows, rr)
	}
	if heroku {
		rb.Limit = a.redisPlanLimit() // app.json's add-on is the Heroku app's Redis only
	}
	switch {
	case rb.Limit.Known:
	case rb.Limit.Note != "":
		rb.LimitUnknown = "see the notes"
		note("redis", rb.Limit.Note)
	case heroku:
		rb.LimitUnknown = "app.json names no heroku-redis or heroku-key-value-store plan"
	default:
		rb.LimitUnknown = "poollint reads a Redis limit only from a Heroku app's add-on plan in app.json"
	}
	note("redis", "Sidekiq's pools open connections lazily: these are the most each process can open; Action Cable, Rails.cache and other Redis clients are not counted, nor a size set with config.redis = { size: ... }")
	return rb
}

// sidekiqServerRedis is the Redis connections of one Sidekiq process by
// version (facts 5.4).
func (a *App) sidekiqServerRedis(r *BudgetRow) Count {
	label := a.versionLabel("sidekiq", "Sidekiq")
	if !a.Versions.AtLeast("sidekiq", "3.0.0") {
		return unknownCount(label + " is older than the versions poollint knows (facts 5.4)")
	}
	if !r.Threads.Known {
		return Count{Reason: "its concurrency is unknown"}
	}
	c := r.Threads.N
	switch {
	case !a.Versions.AtLeast("sidekiq", "4.0.0"):
		return countOf(satPlus(c, 2), label+": one pool of concurrency "+strconv.Itoa(c)+" + 2")
	case !a.Versions.AtLeast("sidekiq", "7.0.0"):
		return countOf(satPlus(c, 5), label+": one pool of concurrency "+strconv.Itoa(c)+" + 5")
	case !a.Versions.AtLeast("sidekiq", "7.1.1"):
		return countOf(satPlus(c, 5), label+": the capsules' concurrency "+strconv.Itoa(c)+" + an internal pool of 5")
	}
	return countOf(satPlus(c, 10), label+": the capsules' concurrency "+strconv.Itoa(c)+" + an internal pool of 10")
}

// sidekiqClientRedis is the Redis connections one web process opens to
// push jobs (facts 5.4): its client pool, of which a process uses at most
// one connection per thread.
func (a *App) sidekiqClientRedis(r *BudgetRow) Count {
	label := a.versionLabel("sidekiq", "Sidekiq")
	var size int
	var source string
	switch {
	case !a.Versions.AtLeast("sidekiq", "3.0.0"):
		return unknownCount(label + " is older than the versions poollint knows (facts 5.4)")
	case !a.Versions.AtLeast("sidekiq", "5.0.0"):
		size, source = 5, label+"'s client pool of 5"
	case !a.Versions.AtLeast("sidekiq", "7.0.0"):
		size, source = 5, label+"'s client pool of RAILS_MAX_THREADS or 5 (5, RAILS_MAX_THREADS unset)"
		if v, ok := r.Process.Env.Lookup("RAILS_MAX_THREADS"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return unknownCount("RAILS_MAX_THREADS=" + v + " sizes the client pool and is not a number")
			}
			size, source = n, label+"'s client pool of RAILS_MAX_THREADS ("+v+")"
		}
	case !a.Versions.AtLeast("sidekiq", "7.1.1"):
		size, source = 5, label+"'s internal pool of 5"
	default:
		size, source = 10, label+"'s internal pool of 10"
	}
	if !r.Threads.Known {
		return Count{Reason: "its threads are unknown"}
	}
	n := min(size, r.Threads.N)
	if n < size {
		source += "; the pool opens connections as threads need them, and " + strconv.Itoa(r.Threads.N) + " thread(s) need at most " + strconv.Itoa(n)
	}
	return countOf(n, source)
}

// redisPlanLimit is the limit of the one Redis add-on app.json names;
// with several, which one Sidekiq uses cannot be told.
func (a *App) redisPlanLimit() Limit {
	if a.AppJSON == nil {
		return Limit{}
	}
	var found []int
	for i, ad := range a.AppJSON.Addons {
		service, _, _ := strings.Cut(ad.Plan, ":")
		if service == "heroku-redis" || service == "heroku-key-value-store" {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return Limit{}
	case 1:
		ad := a.AppJSON.Addons[found[0]]
		_, plan, _ := strings.Cut(ad.Plan, ":")
		l := redisPlanTable(plan)
		l.Source = ad.Plan + " in app.json"
		l.Span = a.addonSpan(found[0])
		return l
	}
	return Limit{Note: "app.json names several Redis add-ons: which one Sidekiq uses cannot be told"}
}
