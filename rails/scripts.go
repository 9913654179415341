package rails

import (
	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
)

// A command that runs a script of the app (bin/start-app, docker/run.sh,
// `foreman start -f Procfile.heroku`) is followed to the processes the
// script starts (deploy.Follow); each becomes a process of the same name,
// built from the script's command line in the environment the script sets.

// deployReader is how package deploy reads the app's files: through the
// app's own gate and YAML loading.
func (a *App) deployReader() deploy.Reader {
	if a.reader == nil {
		// Made once per app: each method value is an allocation, and
		// every command followed asks for a reader.
		a.reader = &deploy.Reader{
			Read:    a.readFile,
			YAML:    a.parseYAML,
			List:    a.listDir,
			Problem: a.problem,
			ERB:     a.deployERB,
		}
	}
	return *a.reader
}

// followScripts returns the commands e starts: those of the scripts it
// runs, or e itself when it runs none or poollint cannot follow it (then
// reported as an assumption). vars is the environment the command runs
// in, which decides a script's `if`/`case` when it is known.
func (a *App) followScripts(e *parser.ProcfileEntry, vars map[string]string, railsEnv string) []deploy.Followed {
	lookup := func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			// A value the deployment does not disclose is unknown to the
			// script: it decides no branch and no ${X:-d} default.
			return v, v != undisclosedValue
		}
		if name == "RAILS_ENV" {
			return railsEnv, true
		}
		return "", false
	}
	out, ok := deploy.Follow(a.deployReader(), e, lookup)
	if !ok || len(out) == 0 {
		return []deploy.Followed{{Entry: e}}
	}
	return out
}

// ScriptAssign returns the assignment of name in a script p's command runs
// (`export RAILS_MAX_THREADS=${RAILS_MAX_THREADS:-5}` in bin/start-app,
// `RAILS_MAX_THREADS=8` on a line of the Procfile foreman starts).
func (p *Process) ScriptAssign(name string) (parser.Assign, bool) {
	in, ok := p.Inline[name]
	if !ok || len(p.Via) == 0 {
		return parser.Assign{}, false
	}
	for _, h := range p.Via {
		if h.File == in.Span.File {
			return in, true
		}
	}
	return parser.Assign{}, false
}
