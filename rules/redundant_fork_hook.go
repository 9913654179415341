package rules

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// The hooks that run around a fork, where apps put Active Record
// connection management.
var (
	pumaForkHooks    = []string{"before_fork", "on_worker_boot", "before_worker_boot", "on_refork", "before_refork"}
	unicornForkHooks = []string{"before_fork", "after_fork"}
)

func redundantForkHook() *Rule {
	return &Rule{
		ID:       "redundant-fork-hook",
		Severity: Info,
		Fixable:  "unsafe",
		Summary:  "a fork hook disconnects or re-establishes Active Record, which Rails 5.2+ does by itself",
		Check: func(app *rails.App) []Diagnostic {
			if !app.Versions.RailsAtLeast("5.2.0") || octopusPoolsOutsideRails(app, app.RailsEnv) {
				return nil // Octopus' own pools are not discarded on fork
			}
			var out []Diagnostic
			for _, h := range serverForkHooks(app) {
				if d, ok := redundantHook(app, h); ok {
					out = append(out, d)
				}
			}
			return out
		},
	}
}

// serverForkHooks returns the fork hooks of the Puma and Unicorn configs
// the app's processes read (a config no process runs is dead and not
// reported), each file once, in file order.
func serverForkHooks(app *rails.App) []*rails.Hook {
	seen := map[string]bool{}
	var out []*rails.Hook
	add := func(file *parser.File, hooks []*rails.Hook, names []string) {
		if seen[file.Path] {
			return
		}
		seen[file.Path] = true
		for _, h := range hooks {
			for _, n := range names {
				if h.Name == n {
					out = append(out, h)
				}
			}
		}
	}
	for _, p := range app.Processes {
		switch p.Kind {
		case rails.PumaProcess:
			if pc := app.PumaConfigOf(p); pc != nil {
				add(pc.File, pc.Hooks, pumaForkHooks)
			}
		case rails.UnicornProcess:
			if uc := app.UnicornConfigOf(p); uc != nil {
				add(uc.File, uc.Hooks, unicornForkHooks)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Span.File != out[j].Span.File {
			return out[i].Span.File < out[j].Span.File
		}
		return out[i].Span.Start.Offset < out[j].Span.Start.Offset
	})
	return out
}

func redundantHook(app *rails.App, h *rails.Hook) (Diagnostic, bool) {
	e := h.Effect()
	if len(e.Redundant) == 0 {
		return Diagnostic{}, false
	}
	r := h.Ruby
	what := "disconnects Active Record"
	switch {
	case len(e.Disconnects) > 0 && len(e.Reconnects) > 0:
		what = "disconnects and re-establishes Active Record"
	case len(e.Disconnects) == 0:
		what = "re-establishes Active Record's connection"
	}
	lead := "this " + h.Name + " block only " + what
	if e.OtherCode {
		lead = "this " + h.Name + " block " + what
	}
	version := app.Versions.Rails()
	if version == "" {
		version = "the newest Rails (assumed)"
	} else {
		version = "Rails " + version
	}
	d := Diagnostic{
		Severity: Info,
		Span:     rails.FirstLine(r.File, r.Span(e.Redundant[0])),
		Message: fmt.Sprintf("%s, which %s does by itself since 5.2: a forked process discards the connections it inherited and opens its own",
			lead, version),
	}
	for _, s := range e.Redundant[1:] {
		d.Related = append(d.Related, Related{Span: rails.FirstLine(r.File, r.Span(s)), Message: "also redundant"})
	}
	d.Fix = removalFix(h, e)
	return d, true
}

// removalFix deletes the redundant statements, or the whole hook when
// nothing else is left in it. Unsafe: a hook may be there for a reason
// poollint cannot see (a gem patching establish_connection).
func removalFix(h *rails.Hook, e rails.HookEffect) *Fix {
	if h.Ruby.HasErrors {
		return nil
	}
	f := h.Ruby.File
	if !e.OtherCode {
		edit, ok := removeLines(f, h.Span)
		if !ok {
			return nil
		}
		return &Fix{Description: "remove the " + h.Name + " block", Edits: []fixer.Edit{withBlankAfter(f.Src, edit)}}
	}
	var edits []fixer.Edit
	for _, s := range e.Redundant {
		edit, ok := removeLines(f, h.Ruby.Span(s))
		if !ok {
			return nil
		}
		edits = append(edits, edit)
	}
	return &Fix{Description: "remove the redundant Active Record lines from the " + h.Name + " block", Edits: edits}
}

// withBlankAfter extends the removal of a block that stands between blank
// lines over the blank line after it, so the blocks around it stay one
// blank line apart, as the file had them.
func withBlankAfter(src []byte, e fixer.Edit) fixer.Edit {
	blank := func(s, end int) bool { return len(bytes.TrimSpace(src[s:end])) == 0 }
	before := e.Start == 0 || blank(lineStart(src, e.Start-1), e.Start)
	if !before || e.End >= len(src) {
		return e
	}
	if next := lineEnd(src, e.End); blank(e.End, next) {
		e.End = next
	}
	return e
}
