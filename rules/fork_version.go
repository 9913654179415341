package rules

import (
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// This file says what a forked child does with the Active Record
// connections its parent opened, per Rails version and sharding gem
// (docs/rules/puma-missing-disconnect.md "By version" has the sources):
//
//   - Rails < 4.0: the connection handler knows nothing of processes; a
//     child keeps using the parent's pool and its open connections, so
//     parent and children talk over one socket.
//   - Rails 4.0–5.1: the handler keys its pools by Process.pid; a child
//     that looks up a pool finds the ancestor's, copies its spec and builds
//     a pool of its own (ConnectionHandler#pool_for, "We can't reuse the
//     connection, but we can copy the specification and establish a new
//     connection with it"). The parent's connection is still open in the
//     child, unused: one socket copy per child, and when a child exits its
//     finalizers close that connection on the server under the parent.
//   - Rails 5.2+: a child discards the inherited pools without telling the
//     server (ConnectionHandler.discard_unowned_pools), and the master
//     flushes its boot connections: nothing to do.
//
// A sharding gem that hands the child the ancestor's pool objects brings
// the < 4.0 behaviour back on 4.0–5.1: ar-octopus (its proxy, memoized in
// @@connection_proxy, holds ConnectionPool objects built outside the
// handler and the master's own pool object), activerecord-turntable and
// data_fabric (their pool_for patches: "Use same PoolProxy object").

// forkMode is what a child does with its parent's connections.
type forkMode int

const (
	forkHandled   forkMode = iota // Rails 5.2+, or no Rails locked: silent
	forkShares                    // the child uses the parent's connections
	forkLeaksCopy                 // the child builds its own pool; the parent's socket is copied into it
)

// forkFacts is forkMode with what decided it, for the messages.
type forkFacts struct {
	Mode  forkMode
	Rails string // the locked Rails version
	// Gem is the sharding gem that makes children reuse the ancestor's
	// pools ("ar-octopus 0.9.2"), and Reuse how it does; empty when Rails
	// alone decides.
	Gem, Reuse string
	// Octopus: ar-octopus decides; only ActiveRecord::Base.clear_all_connections!
	// (which Octopus routes to every pool its proxy holds) disconnects
	// them all: connection_pool and connection are the current shard's.
	Octopus bool
}

// poolReusingGems are the gems whose connection handling gives a child its
// ancestor's pool objects, and how. Their patch is of the Rails 4.0–4.2
// ConnectionHandler#pool_for(owner) (5.0 renamed it), so they count below
// railsBefore.
var poolReusingGems = []struct{ name, railsBefore, reuse string }{
	{"activerecord-turntable", "5.0.0", "its ConnectionHandler#pool_for patch hands a forked child the ancestor's PoolProxy (\"Use same PoolProxy object\")"},
	{"data_fabric", "5.0.0", "its ConnectionHandler#pool_for patch hands a forked child the ancestor's PoolProxy (\"Use same PoolProxy object\")"},
}

// octopusReuse is how ar-octopus does it.
const octopusReuse = "its proxy keeps the pools it built in the master, outside Rails' per-process handler"

// forkBehaviour decides forkFacts for a process running in railsEnv.
func forkBehaviour(app *rails.App, railsEnv string) forkFacts {
	ver := app.Versions.Rails()
	f := forkFacts{Rails: ver}
	switch {
	case ver == "" || parser.CompareVersions(ver, "5.2.0") >= 0:
		return f
	case app.NoActiveRecordDatabase():
		// Mongoid does the work and Active Record has no database: the
		// master holds no connection to share or copy.
		return f
	case parser.CompareVersions(ver, "4.0.0") < 0:
		f.Mode = forkShares
		return f
	}
	f.Mode = forkLeaksCopy
	if o := app.Octopus; o != nil {
		if active, known := o.ActiveIn(railsEnv); active && known {
			f.Mode, f.Gem, f.Reuse, f.Octopus = forkShares, "ar-octopus "+o.Version, octopusReuse, true
			return f
		}
	}
	for _, g := range poolReusingGems {
		if v, ok := app.Versions.Of(g.name); ok && parser.CompareVersions(ver, g.railsBefore) < 0 {
			f.Mode, f.Gem, f.Reuse = forkShares, g.name+" "+v, g.reuse
			return f
		}
	}
	return f
}

// disconnectSeverity: sharing a socket mixes up results (error); the
// copy a 4.0–5.1 child keeps is one idle connection (info).
func (f forkFacts) disconnectSeverity(shared Severity) Severity {
	if f.Mode == forkShares {
		return shared
	}
	return Info
}

// disconnectConsequence is what a server's workers do with the master's
// connection when nothing disconnects it before the fork.
func (f forkFacts) disconnectConsequence() string {
	if f.Mode == forkShares {
		return f.sharedLead() + "every worker inherits the master's database connection and uses it, so queries from different workers share one socket (mixed-up results, then PG::ConnectionBad once a worker exits)"
	}
	return "on Rails " + f.Rails + " each worker builds its own pool (pools are keyed by Process.pid), so no socket is shared; what remains is the master's boot connection: it stays open for the master's lifetime, each worker holds a copy of its socket, and an exiting worker closes it on the server (Rails 5.2 discards it on fork)"
}

// forkSiteConsequence is the same for app code that forks.
func (f forkFacts) forkSiteConsequence() string {
	if f.Mode == forkShares {
		return f.sharedLead() + "the child inherits the parent's database connection and both use one socket; disconnect in the parent before forking and call ActiveRecord::Base.establish_connection in the child"
	}
	return "on Rails " + f.Rails + " the child builds its own pool (pools are keyed by Process.pid) but holds a copy of the parent's open connection, and an exiting child closes it on the server, so the parent's next query can fail (PG::ConnectionBad); disconnect in the parent before forking (Rails 5.2 discards it on fork)"
}

// sharedLead names why the socket is shared: the Rails version, or the
// gem that reuses the ancestor's pools.
func (f forkFacts) sharedLead() string {
	if f.Gem != "" {
		return "on Rails " + f.Rails + " with " + f.Gem + " locked (" + f.Reuse + ") "
	}
	return "on Rails " + f.Rails + " "
}

// reconnectNeed says whether a worker must call establish_connection
// after the fork, how bad it is when it does not, and why. before are the
// before_fork hooks that apply.
//
// Only Rails < 4.0 keeps the inherited pool. From 4.0 a worker copies the
// ancestor's spec by itself, so the call adds nothing, unless before_fork
// calls remove_connection: that deletes the pool from the handler, the
// worker finds nothing to copy and its first query raises
// ActiveRecord::ConnectionNotEstablished. A sharding gem's reused pools
// are not rebuilt by establish_connection either: the disconnect rules
// speak for them.
func (f forkFacts) reconnectNeed(before []*rails.Hook) (Severity, string, bool) {
	if f.Mode == forkHandled {
		return 0, "", false
	}
	for _, h := range before {
		for _, c := range h.Effect().Disconnects {
			if c.Call.Method == "remove_connection" {
				return Error, "the before_fork block calls " + c.Text + ", which deletes the pool from Rails' connection handler: on Rails " + f.Rails +
					" a worker then finds no pool to copy and its first query raises ActiveRecord::ConnectionNotEstablished", true
			}
		}
	}
	if f.Mode == forkShares && f.Gem == "" {
		return Error, "Rails " + f.Rails + " does not notice the fork, so every worker keeps using the connection pool it inherited from the master", true
	}
	return 0, "", false
}

// octopusPoolsOutsideRails reports whether ar-octopus is locked and active
// in railsEnv: its shard pools are built with ConnectionPool.new outside
// the connection handler, so neither the 4.0 per-pid lookup nor 5.2's
// discard_unowned_pools (which walks the handler's pools only) reaches
// them. A fork hook that disconnects is then not redundant on 5.2+.
func octopusPoolsOutsideRails(app *rails.App, railsEnv string) bool {
	if app.Octopus == nil {
		return false
	}
	active, known := app.Octopus.ActiveIn(railsEnv)
	return active || !known
}

// octopusDisconnect is the statement that closes every pool Octopus holds.
const octopusDisconnect = "ActiveRecord::Base.clear_all_connections! if defined?(ActiveRecord::Base)"

// disconnectedBy reports whether hook disconnects what the children would
// otherwise share: any Active Record disconnect, or with Octopus only
// clear_all_connections! on the base class.
func (f forkFacts) disconnectedBy(h *rails.Hook) bool {
	if !f.Octopus {
		return h.Disconnects()
	}
	for _, c := range h.Effect().Disconnects {
		if c.Call.Method == "clear_all_connections!" && isOctopusRouted(c.Text) {
			return true
		}
	}
	return false
}

// isOctopusRouted: Octopus hijacks ActiveRecord::Base.clear_all_connections!
// (and so an abstract base class's), not the handler's own.
func isOctopusRouted(call string) bool {
	return !strings.Contains(call, "connection_handler")
}

// disconnectWords are the "does"/"does not" phrases and the statement the
// fix adds.
func (f forkFacts) disconnectWords() (does, doesNot, stmt string) {
	if f.Octopus {
		return "calls ActiveRecord::Base.clear_all_connections! (the only disconnect Octopus routes to all its pools)",
			"call ActiveRecord::Base.clear_all_connections! (the only disconnect Octopus routes to all its pools)", octopusDisconnect
	}
	return "disconnects Active Record", "disconnect Active Record", disconnectStatement
}
