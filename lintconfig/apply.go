package lintconfig

import (
	"maps"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// Flags are the command line's settings that a config file also sets.
// The command line wins: it is the more specific, later choice.
type Flags struct {
	RailsEnv   string            // --rails-env; "" when not given
	Deployment string            // --deployment; "" when not given
	Env        map[string]string // --env K=V; each variable wins over the file's
	Select     []string          // --select; when given, replaces the file's select
	Ignore     []string          // --ignore; added to the file's ignore
}

// LoadOptions returns how to load an app: rails_env and env from the
// file under the flags' (RULES.md: inline Procfile variables, then env:
// from .poollint.yml, then --env), plus the formation, database limit and
// PgBouncers the file declares. c may be nil.
func (c *Config) LoadOptions(f Flags, display string) rails.Options {
	o := rails.Options{Display: display, RailsEnv: f.RailsEnv, Deployment: f.Deployment, Env: map[string]string{}}
	if c != nil {
		if o.RailsEnv == "" {
			o.RailsEnv = c.RailsEnv
		}
		if o.Deployment == "" {
			o.Deployment = c.Deployment
		}
		maps.Copy(o.Env, c.Env)
		o.Formation = c.Formation
		o.Database = c.Database
		o.PgBouncer = c.PgBouncer
	}
	maps.Copy(o.Env, f.Env)
	return o
}

// RuleOptions returns which rules run. c may be nil.
func (c *Config) RuleOptions(f Flags) rules.Options {
	var o rules.Options
	if c != nil {
		o.Select = c.Select
		o.Ignore = append(o.Ignore, c.Ignore...)
	}
	if len(f.Select) > 0 {
		o.Select = f.Select
	}
	o.Ignore = append(o.Ignore, f.Ignore...)
	return o
}

// ApplySeverity sets the severity the file gives a rule on each of its
// findings, whatever severity the rule chose. It changes ds in place and
// returns it. c may be nil.
func (c *Config) ApplySeverity(ds []rules.Diagnostic) []rules.Diagnostic {
	if c == nil {
		return ds
	}
	for i := range ds {
		if sev, ok := c.Severity[ds[i].Rule]; ok {
			ds[i].Severity = sev
		}
	}
	return ds
}
