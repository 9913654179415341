package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

// octopusIgnoresPool checks Octopus shard pools against the threads that
// query them. Octopus builds each shard's pool from its shards.yml entry
// alone (facts 7): the pool raised in database.yml, DATABASE_URL or an
// establish_connection override reaches only the master shard, which is
// seed 001's "pulo do gato". Seed 001's own fix (pools merged into
// Octopus.config and initialize_shards called in Sidekiq.configure_server)
// silences it for Sidekiq.
func octopusIgnoresPool() *Rule {
	return &Rule{
		ID:       "octopus-ignores-pool",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Octopus shard pools come only from shards.yml, so threads beyond them time out",
		Check: func(app *rails.App) []Diagnostic {
			o := app.Octopus
			if o == nil || o.File == nil {
				return nil
			}
			if o.Generated {
				return generatedShardFindings(app, o)
			}
			return staticShardFindings(app, o)
		},
	}
}

// shardReader is one process whose threads query the shards, and how many.
type shardReader struct {
	Process *rails.Process
	Threads rails.Threads
	Label   string // "Puma runs up to", "Sidekiq runs"
	Unit    string // "threads", "job threads"
}

// shardReaders are the Puma and Sidekiq processes of env that run with
// Octopus' shard pools (Sidekiq ones are left out when seed 001's patch
// rebuilds them).
func shardReaders(app *rails.App, env string) []shardReader {
	var out []shardReader
	for _, p := range app.Processes {
		if p.RailsEnv() != env {
			continue
		}
		switch p.Kind {
		case rails.PumaProcess:
			if t := app.PumaThreads(p); t.Known {
				out = append(out, shardReader{p, t, "Puma runs up to", "threads"})
			}
		case rails.SidekiqProcess:
			if app.Octopus.Patched {
				continue
			}
			if t := app.SidekiqConcurrency(p); t.Known {
				out = append(out, shardReader{p, t, "Sidekiq runs", "job threads"})
			}
		}
	}
	return out
}

// envsOf lists the environments of the app's processes, in order, once.
func envsOf(app *rails.App) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range app.Processes {
		if e := p.RailsEnv(); !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

func staticShardFindings(app *rails.App, o *rails.OctopusConfig) []Diagnostic {
	var out []Diagnostic
	for _, env := range envsOf(app) {
		if active, known := o.ActiveIn(env); !active || !known {
			continue
		}
		readers := shardReaders(app, env)
		for _, s := range o.Shards(env) {
			var worst *shardReader
			var worstPool rails.Pool
			var demands []poolDemand
			for i := range readers {
				r := &readers[i]
				pool := s.PoolIn(app.EnvOf(r.Process))
				if !pool.Known {
					continue
				}
				demands = append(demands, poolDemand{Env: app.EnvOf(r.Process), Min: r.Threads.Max, Old: pool.Size, OldKnown: true})
				if pool.Size < r.Threads.Max && (worst == nil || r.Threads.Max > worst.Threads.Max) {
					worst, worstPool = r, pool
				}
			}
			if worst == nil {
				continue
			}
			d := Diagnostic{
				Severity: Error,
				Span:     s.KeySpan,
				Message: fmt.Sprintf("%s %d %s (%s) in %s but Octopus %s has a pool of %d (%s): Octopus builds each shard's pool from its entry in %s alone, so pools set in database.yml, DATABASE_URL or establish_connection never reach it, and queries sent to this shard will raise ActiveRecord::ConnectionTimeoutError%s",
					worst.Label, worst.Threads.Max, worst.Unit, worst.Threads.Source, worst.Process.Describe(), s.Describe(), worstPool.Size, shardPoolSource(s, worstPool), o.File.Path,
					assumptions(worst.Threads.Unset, worstPool.Unset, worst.Process.Unset)),
				Related: ignoredOverrides(app, worst.Process, worst.Threads.Max),
			}
			if !worstPool.Default {
				d.Related = append([]Related{{Span: worstPool.Span, Message: fmt.Sprintf("the pool of %s is %d here", s.Describe(), worstPool.Size)}}, d.Related...)
			}
			if s.Mapping != nil {
				t := poolTarget{Label: "the pool of " + s.Describe(), Owner: s.Describe(), Doc: o.Doc, Mapping: s.Mapping, AddKey: "pool"}
				if s.Pool != nil {
					t.Value, t.Span, t.Raw = s.Pool.Value, s.Pool.ValueSpan, s.Pool.Raw
				}
				d.Fix = raisePool(t, demands, tieOf(worst.Threads, app.EnvOf(worst.Process)))
			}
			out = append(out, d)
		}
	}
	return dedupe(out)
}

func shardPoolSource(s *rails.OctopusShard, pool rails.Pool) string {
	switch {
	case pool.Default && s.URL != nil:
		return "no ?pool= in its URL: Active Record's default"
	case pool.Default:
		return "no pool: in its entry: Active Record's default"
	case s.URL != nil:
		return "?pool= in its URL"
	}
	return fmt.Sprintf("pool at %s:%d", pool.Span.File, pool.Span.Start.Line)
}

// ignoredOverrides are the pools the app raised for p that Octopus' shards
// never see: database.yml's (or DATABASE_URL's, or an initializer's) pool
// of the master when it covers the threads, and the initializers that
// glue ?pool= onto DATABASE_URL or hand-build a pool (seeds 001, 002).
func ignoredOverrides(app *rails.App, p *rails.Process, threads int) []Related {
	var out []Related
	if app.Databases != nil {
		for _, db := range app.Databases.Configs(p.RailsEnv()) {
			if !db.Primary {
				continue
			}
			pool := app.PoolOf(db, p)
			if pool.Known && !pool.Default && (pool.Unlimited || pool.Size >= threads) && !pool.Span.IsZero() {
				out = append(out, Related{Span: pool.Span, Message: fmt.Sprintf("this pool (%d, %s) reaches only Octopus' master shard", pool.Size, pool.Source())})
			}
		}
	}
	for _, in := range app.Initializers {
		if in.SidekiqServer && p.Kind != rails.SidekiqProcess {
			continue
		}
		switch in.Kind {
		case rails.GluedPoolURL:
			out = append(out, Related{Span: in.Glue, Message: "this ?pool= on DATABASE_URL could reach only Octopus' master shard"})
		case rails.HandBuiltPool:
			out = append(out, Related{Span: in.Span, Message: "this establish_connection pool reaches only Octopus' master shard"})
		}
	}
	return out
}

// generatedShardFindings covers seed 001's shards.yml, whose ERB writes
// the shard entries from the follower URLs: the entries it writes carry
// no pool unless the template mentions one, so every shard pool is 5.
// There is no fix: the template is code.
func generatedShardFindings(app *rails.App, o *rails.OctopusConfig) []Diagnostic {
	if o.TemplateMentionsPool() {
		return nil // the template may write a pool: poollint cannot tell its size
	}
	var out []Diagnostic
	for _, env := range envsOf(app) {
		active, known := o.ActiveIn(env)
		if known && !active || !known && !o.TemplateListsEnv(env) {
			continue
		}
		var worst *shardReader
		readers := shardReaders(app, env)
		for i := range readers {
			if r := &readers[i]; r.Threads.Max > rails.DefaultPool && (worst == nil || r.Threads.Max > worst.Threads.Max) {
				worst = r
			}
		}
		if worst == nil {
			continue
		}
		// The shard entries are written under `octopus:`, so the finding
		// points there; the pools the app raised in vain are related.
		related := ignoredOverrides(app, worst.Process, worst.Threads.Max)
		span := o.RootKey
		out = append(out, Diagnostic{
			Severity: Error,
			Span:     span,
			Message: fmt.Sprintf("%s %d %s (%s) in %s but %s is generated by ERB and writes its Octopus shard entries with no pool, so every shard pool is Active Record's default %d (assuming the follower URLs carry no ?pool=): pools set in database.yml, DATABASE_URL or establish_connection reach only the master shard, and queries sent to the shards will raise ActiveRecord::ConnectionTimeoutError; write a pool: key in the template, or merge a pool into Octopus.config's entries and call initialize_shards (seed 001 does it in Sidekiq.configure_server)%s",
				worst.Label, worst.Threads.Max, worst.Unit, worst.Threads.Source, worst.Process.Describe(), o.File.Path, rails.DefaultPool,
				assumptions(worst.Threads.Unset, worst.Process.Unset)),
			Related: related,
		})
	}
	return dedupe(out)
}
