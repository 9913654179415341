package rules_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poollint/poollint/lintconfig"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// TestSilenceExactly checks that a .poollint.yml ignore and inline
// disables silence exactly the findings they name (issue 5, "Done when"):
// each cfg_* case is linted bare (no config, no disables) and as the
// command line lints it, and the difference must be the named findings,
// plus the unused-disable warnings the case expects.
func TestSilenceExactly(t *testing.T) {
	tests := []struct {
		app      string
		silenced []string // file:line rule
		added    []string
	}{
		{app: "cfg_ignore", silenced: []string{"Procfile:2 sidekiq-concurrency-exceeds-pool"}},
		{app: "cfg_inline_disable",
			silenced: []string{
				"Procfile:2 sidekiq-concurrency-exceeds-pool",         // end of line
				"config/database.yml:6 pgbouncer-prepared-statements", // line before
				"config/puma.rb:2 puma-threads-exceed-pool",           // line before
			},
			added: []string{"config/puma.rb:5 unused-disable"}},
		{app: "cfg_disable_file", silenced: []string{"config/sidekiq.yml:4 config-not-modeled"}},
		// env: reaches the model (and rails_env picks the staging pool).
		{app: "cfg_env_severity", added: []string{"config/puma.rb:1 puma-threads-exceed-pool"}},
	}
	for _, tt := range tests {
		t.Run(tt.app, func(t *testing.T) {
			root := filepath.Join(appsDir, tt.app)
			bare := lintKeys(t, root, false)
			full := lintKeys(t, root, true)
			if diff := cmp.Diff(tt.silenced, minus(bare, full), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("silenced findings differ (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.added, minus(full, bare), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("added findings differ (-want +got):\n%s", diff)
			}
		})
	}
}

// lintKeys lints the app at root and returns its findings as sorted
// "file:line rule" keys; configured applies .poollint.yml and disables.
func lintKeys(t *testing.T, root string, configured bool) []string {
	t.Helper()
	var cfg *lintconfig.Config
	if configured {
		var err error
		if cfg, _, err = lintconfig.Find(root); err != nil {
			t.Fatal(err)
		}
	}
	app, err := rails.Load(root, cfg.LoadOptions(lintconfig.Flags{}, ""))
	if err != nil {
		t.Fatal(err)
	}
	opts := cfg.RuleOptions(lintconfig.Flags{})
	ds := rules.Run(app, opts)
	if configured {
		ds = cfg.ApplySeverity(rules.ApplyDisables(app, ds, opts))
	}
	var keys []string
	for _, d := range ds {
		keys = append(keys, fmt.Sprintf("%s:%d %s", d.Span.File, d.Span.Start.Line, d.Rule))
	}
	sort.Strings(keys)
	return keys
}

// minus returns the keys of a that b lacks.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, k := range b {
		in[k] = true
	}
	var out []string
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}
