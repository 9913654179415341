package rails

import (
	"slices"
	"strconv"

	"github.com/poollint/poollint/parser"
)

// Threads is the most threads one process can run that may check out an
// Active Record connection (RULES.md "threads T"), and where that comes
// from.
type Threads struct {
	Max     int
	Known   bool
	Value   *Value      // the expression that sets it; nil for a default
	Span    parser.Span // where it is written; zero for a default
	Source  string      // for messages: "threads in config/puma.rb", "Puma 6.4's default"
	Default bool
	Unset   []string
	Reason  string
	// BelowOne says the count evaluated below 1, which the server refuses
	// to start with: the real value must come from somewhere poollint
	// cannot see (zero_counts.go); Known is false.
	BelowOne bool
}

func threadsFrom(v *Value, env Env, source string) Threads {
	r := v.Eval(env)
	t := Threads{Value: v, Span: v.Span, Source: source, Unset: r.Unset}
	switch r.Kind {
	case RInt:
		t.Max, t.Known = r.Int, true
		if r.Saturated {
			t.Source += " (" + SaturatedNote + ")"
		}
	case RNil:
		t.Reason = "`" + oneLine(v.String()) + "` is nil"
	default:
		t.Reason = r.Reason
	}
	return t
}

// EnvOf is the environment p evaluates settings in.
func (a *App) EnvOf(p *Process) Env {
	env := p.Env
	env.Sidekiq = p.Kind == SidekiqProcess
	return env
}

// PumaConfigOf returns the Puma config file process p reads: -C, else
// config/puma/<RAILS_ENV>.rb, else config/puma.rb; nil when none exists.
func (a *App) PumaConfigOf(p *Process) *PumaConfig {
	if p.ConfigPath != "" {
		return a.Pumas[cleanRel(p.ConfigPath)]
	}
	if pc := a.Pumas["config/puma/"+p.RailsEnv()+".rb"]; pc != nil {
		return pc
	}
	return a.Pumas["config/puma.rb"]
}

// PumaThreads is T for a Puma process (RULES.md puma-threads-exceed-pool).
func (a *App) PumaThreads(p *Process) Threads {
	return memoized(a, p, func(m *processMemo) **Threads { return &m.pumaThreads },
		func() Threads { return clipped(a.pumaThreads(p)) })
}

// clipped is t with Unset clipped, so a caller's append to a kept answer
// copies instead of writing into it.
func clipped(t Threads) Threads {
	t.Unset = slices.Clip(t.Unset)
	return t
}

func (a *App) pumaThreads(p *Process) Threads {
	env := a.EnvOf(p)
	t := a.pumaBaseThreads(p, env)
	if !t.Known || !a.Versions.AtLeast("puma", "8.0.0") {
		return t
	}
	if pc := a.PumaConfigOf(p); pc != nil {
		if g := lastApplying(pc.MaxIOThreads, env); g != nil {
			if r := g.Value.Eval(env); r.Kind == RInt && r.Int > 0 {
				t.Max += r.Int
				t.Source += " plus max_io_threads " + strconv.Itoa(r.Int)
			}
		}
	}
	return t
}

func (a *App) pumaBaseThreads(p *Process, env Env) Threads {
	if p.ThreadsFlag != nil {
		return threadsFrom(p.ThreadsFlag, env, "-t "+p.commandLine(p.ThreadsFlag.Span))
	}
	if pc := a.PumaConfigOf(p); pc != nil {
		// Each call that can win under the conditions poollint cannot
		// decide, and the default when none applies: the worst case
		// counts, naming what it assumed (guarded_variants.go).
		var worst Threads
		for i, v := range Variants(pc.Threads, env) {
			var t Threads
			switch g := v.Call; {
			case pc.Delegated != "" && (g == nil || g.Span.Start.Offset < pc.DelegatedSpan.Start.Offset):
				// GovukPuma.configure_rails(self) sets threads from its own
				// defaults (RAILS_MAX_THREADS there): neither Puma's default
				// nor an earlier threads call is what runs.
				t = Threads{Reason: "the config delegates to " + pc.Delegated, Span: pc.DelegatedSpan, Source: pc.Delegated + " in " + pc.File.Path}
			case g != nil:
				t = refuseBelowOne(threadsFrom(g.Value, env, "threads in "+pc.File.Path), pumaRefusesZero)
			default:
				t = a.pumaThreadsWithoutConfig(p, env)
			}
			if v.When != "" {
				t.Source += " " + v.When
			}
			if i == 0 || worseThreads(t, worst) {
				worst = t
			}
		}
		return worst
	}
	return a.pumaThreadsWithoutConfig(p, env)
}

// worseThreads reports whether t is a worse case than than u: a known
// count beats an unknown one, then the larger count wins.
func worseThreads(t, u Threads) bool {
	if t.Known != u.Known {
		return t.Known
	}
	return t.Known && t.Max > u.Max
}

// pumaThreadsWithoutConfig is T when no threads call applies: Puma's
// environment variables (5.0+), else its default.
func (a *App) pumaThreadsWithoutConfig(p *Process, env Env) Threads {
	puma5 := a.Versions.AtLeast("puma", "5.0.0")
	if puma5 {
		for _, name := range []string{"PUMA_MAX_THREADS", "MAX_THREADS"} {
			if env.Has(name) {
				v := &Value{Op: OpEnv, Str: name, Style: EnvIndex, Text: name}
				t := threadsFrom(v, env, name+", which Puma reads")
				if in, ok := p.Inline[name]; ok {
					t.Span = in.Span
				}
				return t
			}
		}
	}
	max := 5
	if !puma5 {
		max = 16
	}
	return Threads{Max: max, Known: true, Default: true, Source: a.versionLabel("puma", "Puma") + "'s default"}
}

// versionLabel names a gem with its locked version: "Puma 4.3.12".
func (a *App) versionLabel(gem, name string) string {
	if v, ok := a.Versions.Of(gem); ok {
		return name + " " + v
	}
	return name
}

// SidekiqConfigOf returns the Sidekiq YAML config p reads: -C, else
// config/sidekiq.yml, else config/sidekiq.yml.erb; nil when none exists.
func (a *App) SidekiqConfigOf(p *Process) *SidekiqConfig {
	if p.ConfigPath != "" {
		return a.Sidekiqs[cleanRel(p.ConfigPath)]
	}
	for _, path := range []string{"config/sidekiq.yml", "config/sidekiq.yml.erb"} {
		if sc := a.Sidekiqs[path]; sc != nil {
			return sc
		}
	}
	return nil
}

// SidekiqConcurrency is C for a Sidekiq process: the default capsule's
// concurrency plus every other capsule's (RULES.md
// sidekiq-concurrency-exceeds-pool).
func (a *App) SidekiqConcurrency(p *Process) Threads {
	return memoized(a, p, func(m *processMemo) **Threads { return &m.sidekiqThreads },
		func() Threads { return clipped(a.sidekiqConcurrency(p)) })
}

func (a *App) sidekiqConcurrency(p *Process) Threads {
	env := a.EnvOf(p)
	base := refuseBelowOne(a.sidekiqDefaultCapsule(p, env), sidekiqRefusesZero)
	if !base.Known || !a.Versions.AtLeast("sidekiq", "7.0.0") {
		return base
	}
	var capsules []SidekiqCapsule
	if sc := a.SidekiqConfigOf(p); sc != nil && sc.Doc != nil && sc.Doc.Root != nil {
		section, _ := sc.Section(p.RailsEnv(), true)
		capsules = append(capsules, sc.Capsules(section)...)
	}
	if a.Sidekiq != nil {
		capsules = append(capsules, a.Sidekiq.Capsules...)
	}
	total := base
	for _, c := range capsules {
		n := base.Max
		if c.Concurrency != nil {
			r := c.Concurrency.Eval(env)
			if r.Kind != RInt {
				return Threads{Reason: "the concurrency of capsule " + strconv.Quote(c.Name) + " is unknown", Span: c.Span}
			}
			n = r.Int
			total.Unset = append(total.Unset, r.Unset...)
		}
		total.Max += n
		total.Source += " + capsule " + strconv.Quote(c.Name) + " (" + strconv.Itoa(n) + ")"
	}
	return total
}

func (a *App) sidekiqDefaultCapsule(p *Process, env Env) Threads {
	return a.sidekiqInitializerCapsule(a.sidekiqCLICapsule(p, env), env)
}

// sidekiqCLICapsule is the default capsule's concurrency as the CLI sets
// it before the app boots: -c, else sidekiq.yml, else RAILS_MAX_THREADS
// (4.2+), else the version's default.
func (a *App) sidekiqCLICapsule(p *Process, env Env) Threads {
	if p.ConcurrencyFlag != nil {
		return threadsFrom(p.ConcurrencyFlag, env, "-c "+p.commandLine(p.ConcurrencyFlag.Span))
	}
	if sc := a.SidekiqConfigOf(p); sc != nil {
		if sc.Doc == nil {
			// The file Sidekiq reads could not be parsed: whatever it
			// sets, the default is not known to apply.
			return Threads{Reason: sc.File.Path + " could not be read"}
		}
		if sc.Doc.Root != nil {
			if k := a.SidekiqEffectiveKey(sc, p); k != nil {
				where := "the top level"
				if k.Section != "" {
					where = "the " + k.Section + " section"
				}
				return threadsFrom(k.Setting.Value, env, "concurrency in "+where+" of "+sc.File.Path)
			}
		}
		if sc.Doc.DynamicStructure {
			// ERB may write the concurrency key poollint did not see.
			return Threads{Reason: "ERB generates part of " + sc.File.Path}
		}
	}
	if a.Versions.AtLeast("sidekiq", "4.2.0") {
		if env.Has("RAILS_MAX_THREADS") {
			v := &Value{Op: OpEnv, Str: "RAILS_MAX_THREADS", Style: EnvIndex, Text: "RAILS_MAX_THREADS"}
			t := threadsFrom(v, env, "RAILS_MAX_THREADS, which Sidekiq reads")
			if in, ok := p.Inline["RAILS_MAX_THREADS"]; ok {
				t.Span = in.Span
			}
			return t
		}
	}
	def := 5
	switch {
	case !a.Versions.AtLeast("sidekiq", "5.2.0"):
		def = 25
	case !a.Versions.AtLeast("sidekiq", "7.0.0"):
		def = 10
	}
	return Threads{Max: def, Known: true, Default: true, Source: a.versionLabel("sidekiq", "Sidekiq") + "'s default"}
}

// SidekiqEffectiveKey returns the concurrency key Sidekiq really reads for
// p: the env section's, else the top level's, among the spellings the
// locked version honours (facts 5.2); nil when none.
func (a *App) SidekiqEffectiveKey(sc *SidekiqConfig, p *Process) *SidekiqKey {
	symbolize := a.Versions.AtLeast("sidekiq", "5.1.0")
	pick := func(keys []SidekiqKey) *SidekiqKey {
		var found *SidekiqKey
		for i := range keys {
			if keys[i].Symbol || symbolize {
				found = &keys[i]
			}
		}
		return found
	}
	if section, name := sc.Section(p.RailsEnv(), symbolize); section != nil {
		if k := pick(sc.concurrencyKeys(section, name)); k != nil {
			return k
		}
	}
	return pick(sc.concurrencyKeys(sc.Doc.Root, ""))
}
