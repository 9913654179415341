package rails

import (
	"sort"
	"strconv"
	"strings"

	"github.com/poollint/poollint/deploy"
	"github.com/poollint/poollint/parser"
)

// dotenv files (bkeepers/dotenv; facts "dotenv"). The dotenv gem's Rails
// integration (the dotenv-rails gem, or dotenv >= 3.0 itself, whose
// lib/dotenv.rb requires dotenv/rails when Rails is loaded) loads, during
// the before_configuration callback of config/application.rb,
// `.env.<env>.local`, `.env.local` (not in test), `.env.<env>`, `.env`:
// the first file to set a variable wins, and a variable already in ENV is
// never overwritten (overwrite: false). So a dotenv value fills what the
// process's environment leaves unset, and only in processes that boot
// Rails: deployment roles get theirs from the deployment file (and Rails'
// .dockerignore keeps `/.env*` out of the image).
//
// The timing matters: a server that reads its own settings before Rails
// boots (puma run directly, unicorn, sidekiq) does not see dotenv's values
// there, while database.yml, read after boot, does (bootOnly).
//
// `.env.example`, `.env.sample`, `.env.template` are documentation: nothing
// loads them. Their integer values (threads, workers, pool sizes: the
// sizes the app documents) are used only for a variable nothing else
// sets, and an info says so; other values are placeholders (a development
// DATABASE_URL, an empty secret) and are never used.

// dotenvFiles are the files dotenv's Rails integration loads, first wins.
func dotenvFiles(railsEnv string) []string {
	files := []string{".env." + railsEnv + ".local"}
	if railsEnv != "test" {
		files = append(files, ".env.local")
	}
	return append(files, ".env."+railsEnv, ".env")
}

// documentedEnvFiles document the variables an app reads; nothing loads
// them.
var documentedEnvFiles = []string{".env.example", ".env.sample", ".env.template"}

// dotenvState is what the app's dotenv files give its processes.
type dotenvState struct {
	boot       map[string]deploy.Var // loaded when Rails boots, first file wins
	documented map[string]deploy.Var // .env.example & co., first file wins
	usedDoc    map[string]bool       // documented names some process took
}

// loadDotenv reads the dotenv files when the Gemfile loads dotenv in
// production, and the documented ones in any case.
func (a *App) loadDotenv(railsEnv string) {
	st := &dotenvState{boot: map[string]deploy.Var{}, documented: map[string]deploy.Var{}, usedDoc: map[string]bool{}}
	a.dotenv = st
	gem, why := a.dotenvLoadedAtBoot()
	for _, rel := range dotenvFiles(railsEnv) {
		f := a.readFile(rel)
		if f == nil {
			continue
		}
		vars := readEnvFile(f)
		if gem == "" {
			if len(vars) > 0 && (rel == ".env."+railsEnv || rel == ".env."+railsEnv+".local") && !a.deploymentReads(rel) {
				a.notModeled(parser.Span{File: rel}, rel+" was not used: "+why+", so nothing loads it when the app boots in "+railsEnv)
			}
			continue
		}
		for _, v := range vars {
			if _, ok := st.boot[v.Name]; !ok {
				st.boot[v.Name] = v
			}
		}
	}
	for _, rel := range documentedEnvFiles {
		f := a.readFile(rel)
		if f == nil {
			continue
		}
		for _, v := range readEnvFile(f) {
			if _, err := strconv.Atoi(strings.TrimSpace(v.Value)); err != nil {
				continue // a placeholder (a URL, a host, an empty secret), not a size
			}
			if _, ok := st.documented[v.Name]; !ok {
				st.documented[v.Name] = v
			}
		}
	}
}

// readEnvFile reads a dotenv file's assignments, leaving out values
// poollint cannot take literally: dotenv expands ${VAR} and $(command)
// in unquoted and double-quoted values.
func readEnvFile(f *parser.File) []deploy.Var {
	var out []deploy.Var
	for _, v := range deploy.ReadDotenv(f, f.Path) {
		if strings.ContainsAny(v.Value, "$\\") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// dotenvLoadedAtBoot names the gem that loads the dotenv files when the
// app boots in production, or says why none does. Only a gem the Gemfile
// declares is required by Bundler.require; the development and test
// groups and `require: false` keep it from loading by itself.
func (a *App) dotenvLoadedAtBoot() (gem, why string) {
	candidates := []string{"dotenv-rails", "dotenv"}
	found := false
	for _, g := range candidates {
		if !a.Versions.Has(g) {
			continue
		}
		if g == "dotenv" && !a.Versions.AtLeast("dotenv", "3.0.0") {
			continue // before 3.0 the dotenv gem alone has no Rails integration
		}
		found = true
		if a.Gemfile == nil || a.Gemfile.Dynamic != "" {
			continue
		}
		for _, d := range a.Gemfile.Declarations(g) {
			if !d.RequireFalse && !devOnly(d.Groups) && !d.Conditional {
				return g, ""
			}
		}
	}
	switch {
	case !found:
		return "", "Gemfile.lock has neither dotenv-rails nor dotenv >= 3.0"
	case a.Gemfile == nil || a.Gemfile.Dynamic != "":
		return "", "poollint cannot tell from the Gemfile whether dotenv is required in production"
	}
	return "", "the Gemfile does not require dotenv in production (development/test group, require: false or a condition)"
}

// bootsRailsFirst reports whether p's server reads its own settings after
// Rails has booted, so that dotenv's values are in ENV by then: `rails
// server` requires config/application.rb before it starts Puma, bin/jobs
// and good_job load the app first. Puma, Unicorn and Sidekiq run directly
// read their config files before the app.
func bootsRailsFirst(p *Process) bool {
	switch p.Kind {
	case SolidQueueProcess, GoodJobProcess:
		return true
	case PumaProcess:
		return p.viaRailsServer || p.Implied
	}
	return false
}

// applyDotenv fills p's environment from the dotenv files: what dotenv
// loads at boot for a process that boots Rails (never over a variable
// already set: --env, app.json, the command's own assignments), and the
// documented values for what is still unset. A container role takes only
// documented values; a systemd unit runs the app's checkout, as a
// Procfile does, so dotenv loads there too.
func (a *App) applyDotenv(p *Process) {
	st := a.dotenv
	if st == nil {
		return
	}
	if p.runsFromCheckout() && len(st.boot) > 0 {
		extra := map[string]string{}
		how := ", loaded by dotenv when Rails boots"
		if !bootsRailsFirst(p) {
			how += ", after the server read its own settings: only database.yml and initializers see it"
		}
		for name, v := range st.boot {
			if _, set := p.Env.Vars[name]; !set {
				extra[name] = v.Value
				p.noteDotenvVar(v, how)
			}
		}
		if bootsRailsFirst(p) {
			for k, v := range extra {
				p.Env.Vars[k] = v
			}
		} else if len(extra) > 0 {
			p.bootOnly = extra
		}
	}
	for name, v := range st.documented {
		if _, set := p.Env.Vars[name]; set {
			continue
		}
		if _, set := p.bootOnly[name]; set {
			continue
		}
		p.Env.Vars[name] = v.Value
		p.noteDotenvVar(v, ", a documented value nothing loads: assumed")
		st.usedDoc[name] = true
	}
}

// noteDotenvVar records where p's value of a variable is written. It is
// never Fixable: a fix belongs where the real environment is set.
func (p *Process) noteDotenvVar(v deploy.Var, how string) {
	if p.fromDotenv == nil {
		p.fromDotenv = map[string]deploy.Var{}
	}
	v.Source += how
	v.Fixable = false
	p.fromDotenv[v.Name] = v
}

// bootEnvOf is the environment Rails code of p reads after boot
// (database.yml, initializers): p's own plus what dotenv loaded then.
func (a *App) bootEnvOf(p *Process, env Env) Env {
	if len(p.bootOnly) == 0 {
		return env
	}
	vars := make(map[string]string, len(env.Vars)+len(p.bootOnly))
	for k, v := range p.bootOnly {
		vars[k] = v
	}
	for k, v := range env.Vars {
		vars[k] = v
	}
	env.Vars = vars
	return env
}

// noteDotenv says, once the configs are read, which documented values
// were used for variables the app's config files read, and which
// processes read their server settings before dotenv loads.
func (a *App) noteDotenv() {
	st := a.dotenv
	if st == nil {
		return
	}
	byFile := map[string][]string{}
	for name := range st.usedDoc {
		if a.configMentions(name) {
			v := st.documented[name]
			byFile[v.Source] = append(byFile[v.Source], name+"="+v.Value)
		}
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		names := byFile[f]
		sort.Strings(names)
		a.notModeled(parser.Span{File: f}, f+" documents values that nothing else sets; poollint assumed them: "+strings.Join(names, ", ")+" (set the real values with --env)")
	}
	for _, p := range a.Processes {
		var names []string
		for name := range p.bootOnly {
			if a.configMentions(name) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		at := p.Span
		if at.File == "" {
			at = parser.Span{File: st.boot[names[0]].Source}
		}
		a.problem(at, p.Describe()+" reads its server settings before Rails boots and dotenv loads "+strings.Join(names, ", ")+" (from "+dotenvSources(a.dotenv, names)+"): poollint used those values for database.yml and initializers only", true)
	}
}

func dotenvSources(st *dotenvState, names []string) string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if s := st.boot[n].Source; !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// configMentions reports whether a config file poollint read (other than
// the dotenv files themselves) names the variable.
func (a *App) configMentions(name string) bool {
	for rel, f := range a.Files {
		if strings.HasPrefix(rel, ".env") || f == nil {
			continue
		}
		if mentionsWord(string(f.Src), name) {
			return true
		}
	}
	return false
}

// mentionsWord reports whether name occurs in src as a whole identifier.
func mentionsWord(src, name string) bool {
	ident := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(src[i:], name)
		if j < 0 {
			return false
		}
		s, e := i+j, i+j+len(name)
		if (s == 0 || !ident(src[s-1])) && (e == len(src) || !ident(src[e])) {
			return true
		}
		i = s + 1
	}
}
