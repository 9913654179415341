package rules

import (
	"fmt"
	"strings"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/rails"
)

// sidekiqIgnoredKey flags the spellings Sidekiq <= 5.0.x does not read: it
// loads sidekiq.yml without symbolizing keys, so only `:concurrency:`
// (a Ruby symbol key) is honoured, and it looks the env section up by the
// string "production", so a `:production:` section is ignored with
// everything in it. 5.1.0 symbolizes all keys (facts 5.2).
func sidekiqIgnoredKey() *Rule {
	return &Rule{
		ID:       "sidekiq-ignored-key",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "Sidekiq <= 5.0 silently ignores a `concurrency:` key or a `:production:` section",
		Check: func(app *rails.App) []Diagnostic {
			if !app.Versions.Has("sidekiq") || app.Versions.AtLeast("sidekiq", "5.1.0") {
				return nil
			}
			var out []Diagnostic
			readers := map[*rails.SidekiqConfig][]*rails.Process{}
			var files []*rails.SidekiqConfig
			for _, p := range app.ProcessesOf(rails.SidekiqProcess) {
				sc := app.SidekiqConfigOf(p)
				if sc == nil || sc.Doc == nil || sc.Doc.Root == nil {
					continue
				}
				if readers[sc] == nil {
					files = append(files, sc)
				}
				readers[sc] = append(readers[sc], p)
			}
			for _, sc := range files {
				p, flagged := concurrencyReader(readers[sc])
				out = append(out, ignoredKeys(app, p, sc, !flagged)...)
			}
			return dedupe(out)
		},
	}
}

// concurrencyReader picks the process whose concurrency a file's
// `concurrency:` key would set: the first one with no -c on its command
// line. flagged is true when every process passes -c: the flag wins over
// the file in every Sidekiq version, so an ignored key changes nothing any
// of them runs (a real app, rw2_hackster_heroku_followers: `-c 3` next to
// `concurrency: 3` on Sidekiq 3.2).
func concurrencyReader(ps []*rails.Process) (p *rails.Process, flagged bool) {
	for _, q := range ps {
		if q.ConcurrencyFlag == nil {
			return q, false
		}
	}
	return ps[0], true
}

// ignoredKeys reports, in the file p reads, the string `concurrency:`
// keys of the top level and of p's env section (when concurrencyMatters:
// some process takes its concurrency from the file), and a symbol env
// section, which also holds the queues and every other setting.
func ignoredKeys(app *rails.App, p *rails.Process, sc *rails.SidekiqConfig, concurrencyMatters bool) []Diagnostic {
	ver, _ := app.Versions.Of("sidekiq")
	env := p.RailsEnv()
	var out []Diagnostic
	c := app.SidekiqConcurrency(p)
	effect := ""
	if c.Known {
		effect = fmt.Sprintf(": %s runs %d threads (%s)", p.Describe(), c.Max, c.Source)
	}
	var keys []rails.SidekiqKey
	if concurrencyMatters {
		keys = sc.AllConcurrencyKeys()
	}
	for _, k := range keys {
		if k.Symbol || (k.Section != "" && k.Section != env && k.Section != ":"+env) {
			continue
		}
		var twin *rails.SidekiqKey
		for i := range keys {
			if keys[i].Symbol && keys[i].Section == k.Section {
				twin = &keys[i]
			}
		}
		if twin != nil && twin.Setting.Raw == k.Setting.Raw {
			continue // a dead duplicate of the key Sidekiq reads: harmless
		}
		where := "at the top level"
		if k.Section != "" {
			where = "in the " + k.Section + " section"
		}
		d := Diagnostic{
			Severity: Error,
			Span:     k.Setting.KeySpan,
			Message: fmt.Sprintf("Sidekiq %s reads only symbol keys from %s, so `concurrency: %s` %s is silently ignored%s; write it as `:concurrency:` (Sidekiq >= 5.1 reads both)",
				ver, sc.File.Path, strings.TrimSpace(k.Setting.Raw), where, effect),
		}
		if twin == nil {
			ks := k.Setting.KeySpan
			d.Fix = &Fix{Safe: true, Description: "rewrite the key as `:concurrency:`",
				Edits: []fixer.Edit{{File: ks.File, Start: ks.Start.Offset, End: ks.End.Offset, NewText: ":concurrency"}}}
		} else {
			d.Related = []Related{{Span: twin.Setting.KeySpan, Message: "this `:concurrency:` is the one Sidekiq reads"}}
		}
		out = append(out, d)
	}
	// A `:production:` section: Sidekiq <= 5.0 looks up the string key.
	if plain, _ := sc.Section(env, false); plain == nil {
		if sym, name := sc.Section(env, true); sym != nil && name == ":"+env {
			_, keyNode := sc.Doc.Lookup(sc.Doc.Root, name)
			ks := sc.Doc.Span(keyNode)
			out = append(out, Diagnostic{
				Severity: Error,
				Span:     ks,
				Message: fmt.Sprintf("Sidekiq %s looks up the %s section of %s by the string %q, so the `%s:` section (a Ruby symbol key) is silently ignored with everything in it%s; write it as `%s:`",
					ver, env, sc.File.Path, env, name, effect, env),
				Fix: &Fix{Safe: true, Description: fmt.Sprintf("rewrite the section key as `%s:`", env),
					Edits: []fixer.Edit{{File: ks.File, Start: ks.Start.Offset, End: ks.End.Offset, NewText: env}}},
			})
		}
	}
	return out
}
