package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// loadGemfile reads the Gemfile's declarations. Only what the Gemfile says
// about how a gem is used matters here (versions come from the lockfile),
// so a Gemfile tree-sitter cannot read cleanly is ignored, not reported:
// Bundler is the judge of its syntax.
func (a *App) loadGemfile() {
	f := a.readFile("Gemfile")
	if f == nil {
		return
	}
	r, err := parser.ParseRuby(f)
	if err != nil || r.HasErrors {
		return
	}
	a.Gemfile = parser.ParseGemfile(r)
}

// nonProductionGroups are the groups a production install leaves out by
// convention (BUNDLE_WITHOUT="development:test", Heroku's default).
var nonProductionGroups = map[string]bool{"development": true, "test": true}

// gemKeptFromProduction says why the Gemfile keeps gem from running as a
// server in production: every declaration of it is `require: false`
// (when requireCounts) or sits only in the development/test groups. It
// returns "" when the gem may run, when the Gemfile does not name it (a
// dependency of another gem), or when the Gemfile may declare gems
// poollint cannot see.
func (a *App) gemKeptFromProduction(gem string, requireCounts bool) (string, parser.Span) {
	if a.Gemfile == nil || a.Gemfile.Dynamic != "" {
		return "", parser.Span{}
	}
	decls := a.Gemfile.Declarations(gem)
	if len(decls) == 0 {
		return "", parser.Span{}
	}
	var reasons []string
	for _, d := range decls {
		switch {
		case requireCounts && d.RequireFalse:
			reasons = append(reasons, "with require: false")
		case devOnly(d.Groups):
			reasons = append(reasons, "only in the "+strings.Join(d.Groups, "/")+" group")
		default:
			return "", parser.Span{}
		}
	}
	return "the Gemfile declares " + gem + " " + strings.Join(dedupeStrings(reasons), " and "), decls[0].Span
}

// devOnly reports whether groups name only groups production leaves out.
func devOnly(groups []string) bool {
	if len(groups) == 0 {
		return false
	}
	for _, g := range groups {
		if !nonProductionGroups[g] {
			return false
		}
	}
	return true
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
