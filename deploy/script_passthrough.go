package deploy

import "github.com/poollint/poollint/parser"

// A pass-through entrypoint — Rails 7.1+'s generated bin/docker-entrypoint
// (railties' app/templates/docker-entrypoint.tt: load jemalloc through
// LD_PRELOAD, `db:prepare` before a server, then `exec "${@}"`) — runs the
// command it was given, unchanged, in the environment it was given. Its
// `exec "${@}"` line is kept in Via (spans and fixes use it) but marked
// PassThrough, and Chain leaves it out of messages: "the `web` role of
// config/deploy.yml → bin/docker-entrypoint:14" told the reader nothing
// the role does not. An entrypoint that sets a variable poollint may read,
// shifts its arguments or adds words keeps its hop.

// passesArgsOn reports whether e, a line of script frame fr, runs the
// script's own arguments unchanged (`exec "$@"`, `"${@}"`) after setup that
// changed nothing but the allocator.
func passesArgsOn(fr *frame, e parser.ProcfileEntry) bool {
	if fr.givenArgs < 0 || len(fr.args) != fr.givenArgs || len(e.Argv) != 1 || len(e.Env) > 0 {
		return false
	}
	for _, w := range e.Wrappers {
		if literalOf(w) != "exec" {
			return false
		}
	}
	if p := e.Argv[0].Parts; len(p) != 1 || (p[0].Unsupported != "$@" && p[0].Unsupported != "${@}") {
		return false
	}
	for _, a := range fr.env[fr.inherited:] {
		if !allocatorOnly[a.Name] {
			return false
		}
	}
	return true
}

// allocatorOnly are the variables a pass-through entrypoint may set: they
// choose the memory allocator, not anything poollint counts.
var allocatorOnly = map[string]bool{"LD_PRELOAD": true}
