package rails

import (
	"strings"
	"testing"
)

// A bare ENV["X"] with no default that the environment does not give is
// undecided in a Ruby DSL condition, as in an ERB condition
// (decideCondition): both ways are enumerated and the worst case counts.
func TestBareEnvConditionIsEnumeratedInRubyAsInERB(t *testing.T) {
	puma := "if ENV[\"BIG_BOX\"]\n  threads 16, 16\nelse\n  threads 5, 5\nend\n"
	db := "production:\n  adapter: postgresql\n<% if ENV[\"BIG_BOX\"] %>\n  pool: 16\n<% else %>\n  pool: 5\n<% end %>\n"
	files := func() map[string]string {
		return map[string]string{"config/puma.rb": puma, "config/database.yml": db, "Procfile": "web: bundle exec puma -C config/puma.rb\n"}
	}

	a := budgetApp(t, files(), Options{})
	web := processNamed(t, a, "web")
	th := a.PumaThreads(web)
	if !th.Known || th.Max != 16 || !strings.Contains(th.Source, "when `ENV[\"BIG_BOX\"]` holds") {
		t.Errorf("BIG_BOX unset in the environment: the worst case, 16, with its assumption; got %+v", th)
	}
	for _, g := range a.PumaConfigOf(web).Threads {
		if !g.Applies(a.EnvOf(web)) {
			t.Errorf("an undecided bare ENV condition counts as applying: %s", g.Span)
		}
	}
	// The ERB side enumerates the same condition (and reads its worst
	// branch for a pool, the smaller one).
	if len(a.ERBChoices) == 0 || !strings.Contains(a.ERBChoices[0].When, "BIG_BOX is unset") {
		t.Errorf("the ERB side enumerates the same condition: %+v", a.ERBChoices)
	}

	given := budgetApp(t, files(), Options{Env: map[string]string{"BIG_BOX": "1"}})
	th = given.PumaThreads(processNamed(t, given, "web"))
	if !th.Known || th.Max != 16 || strings.Contains(th.Source, "when") || len(given.ERBChoices) != 0 {
		t.Errorf("BIG_BOX given: decided on both sides, no assumption; got %+v %+v", th, given.ERBChoices)
	}

	small := "unless ENV[\"SMALL_BOX\"].present?\n  threads 12, 12\nelse\n  threads 4, 4\nend\n"
	f := files()
	f["config/puma.rb"] = small
	empty := budgetApp(t, f, Options{Env: map[string]string{"SMALL_BOX": ""}})
	if th := empty.PumaThreads(processNamed(t, empty, "web")); th.Max != 12 || strings.Contains(th.Source, "when") {
		t.Errorf("SMALL_BOX empty: `.present?` is false, decided: %+v", th)
	}
	set := budgetApp(t, f, Options{Env: map[string]string{"SMALL_BOX": "yes"}})
	if th := set.PumaThreads(processNamed(t, set, "web")); th.Max != 4 || strings.Contains(th.Source, "when") {
		t.Errorf("SMALL_BOX set: decided, 4: %+v", th)
	}
}
