package deploy

import (
	"path"
	"strings"

	"github.com/poollint/poollint/parser"
)

// systemd units (`*.service` files the app ships, as Mastodon's dist/
// does): each unit whose command runs the app — Puma, Unicorn, Sidekiq,
// rails server, good_job, bin/jobs, …, or a script of the app, which the
// script follower (script.go) reads to the server it starts — is a role;
// a unit that runs something else (Mastodon's node streaming server,
// nginx) is not the app and is skipped, and so is a Type=oneshot unit or
// one a NAME.timer starts (a task that exits, as a one-off dyno). One
// deployment per directory ("dist/*.service"): the units of one folder are
// installed together on a server.
//
// The command is the [Service] ExecStart= (its `-@:+!|` prefixes read as
// systemd.service(5) says, `/bin/bash -lc '…'` followed into its script).
// The environment is every Environment= (several assignments per line,
// quoted or not, later ones winning; an empty one resets the list), then
// every EnvironmentFile= whose variables override Environment= as
// systemd.exec(5) says. systemd needs an absolute EnvironmentFile= path:
// it is read from the app only when it lies under the unit's
// WorkingDirectory= (the app's checkout on the server); any other path is
// on the server, not in the app, and an info says it was not read. A unit
// is one process on the server it is installed on: 1 unit, or for a
// template unit (`name@.service`) 1 instance assumed, since the instances
// (`systemctl enable name@1 name@2`) are not written in the file.

// systemdDirs are the folders real apps keep their units in: Mastodon's
// dist/, GitLab's lib/support/systemd/, config/systemd/ (crossroads
// api.goodcity), deploy/ and the app's root.
var systemdDirs = []string{".", "dist", "config/systemd", "systemd", "deploy", "deploy/systemd",
	"config/deploy", "config/deploy/systemd", "lib/support/systemd", "ops/systemd", "support/systemd", "script/systemd"}

func readSystemd(r Reader) []*Deployment {
	var out []*Deployment
	for _, dir := range systemdDirs {
		units := r.List(dir, ".service")
		if len(units) == 0 {
			continue
		}
		name := "*.service"
		if dir != "." {
			name = dir + "/*.service"
		}
		d := &Deployment{Name: name, Platform: Systemd}
		timers := map[string]bool{}
		for _, t := range r.List(dir, ".timer") {
			timers[strings.TrimSuffix(path.Base(t), ".timer")] = true
		}
		for _, rel := range units {
			rel = strings.TrimPrefix(rel, "./")
			if timers[strings.TrimSuffix(path.Base(rel), ".service")] {
				continue // started by its .timer: a scheduled task that exits, not a process that stays
			}
			f := r.Read(rel)
			if f == nil {
				continue
			}
			d.Files = append(d.Files, rel)
			if role := systemdRole(r, d, f); role != nil {
				d.Roles = append(d.Roles, role)
			}
		}
		if len(d.Roles) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// serviceSettings is what a unit's [Service] section says that poollint reads.
type serviceSettings struct {
	kind       string      // Type=
	execStart  []unitEntry // after the last empty ExecStart=
	env        []unitEntry // Environment=, after the last empty one
	envFiles   []unitEntry // EnvironmentFile=, after the last empty one
	workingDir string
}

func readService(f *parser.File) serviceSettings {
	var s serviceSettings
	for _, e := range unitEntries(f) {
		if e.section != "Service" {
			continue
		}
		switch e.key {
		case "Type":
			s.kind = e.value
		case "ExecStart":
			s.execStart = appendOrReset(s.execStart, e)
		case "Environment":
			s.env = appendOrReset(s.env, e)
		case "EnvironmentFile":
			s.envFiles = appendOrReset(s.envFiles, e)
		case "WorkingDirectory":
			s.workingDir = strings.TrimPrefix(e.value, "-") // "-" only makes a missing directory not an error
		}
	}
	return s
}

// appendOrReset adds a setting; an empty assignment clears the list, as
// for every list setting of systemd.
func appendOrReset(list []unitEntry, e unitEntry) []unitEntry {
	if e.value == "" {
		return nil
	}
	return append(list, e)
}

func systemdRole(r Reader, d *Deployment, f *parser.File) *Role {
	unit := path.Base(f.Path)
	s := readService(f)
	if len(s.execStart) == 0 || s.kind == "oneshot" {
		return nil
	}
	at := s.execStart[len(s.execStart)-1]
	if len(s.execStart) > 1 {
		r.Problem(at.keySpan, "the "+unit+" unit has several ExecStart= lines, which systemd refuses for a Type="+orDefault(s.kind, "simple")+" service; poollint read the last", true)
	}
	if strings.Contains(at.value, "<%") || strings.Contains(at.value, "{{") {
		r.Problem(at.span(f, 0, len(at.value)), "the ExecStart= of "+unit+" is a template (ERB or Jinja markers); it was not read", true)
		return nil
	}
	cmd, ok := execCommand(f, unit, at)
	if !ok {
		return nil
	}
	if cmd.ParseError != "" {
		r.Problem(cmd.CommandSpan, "the ExecStart= of "+unit+" could not be read as a command: "+cmd.ParseError, false)
		return nil
	}
	inApp(&cmd, s.workingDir)
	if !cmd.StartsServerOrWorker() && !namesScript(r, cmd.Argv) {
		return nil // nginx, the node streaming server: not the app
	}
	role := &Role{
		Name: unit, Deployment: d, Span: cmd.CommandSpan,
		Command: &cmd, CommandSource: "ExecStart= of " + f.Path,
		Copies: Copies{N: 1, Unit: Systemd.Unit(), Span: at.keySpan, Source: f.Path + " is one unit"},
	}
	if strings.Contains(unit, "@.") {
		role.Copies.Assumed = true
		role.Copies.Source = unit + " is a template unit: its instances (systemctl enable " + strings.TrimSuffix(unit, ".service") + "NAME) are not written in the app; assuming 1 instance"
	}
	role.Env = systemdEnvironment(f, s.env)
	role.Env = append(role.Env, systemdEnvFiles(r, f, unit, s)...)
	return role
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// execCommand parses an ExecStart= value: the prefixes first (`-` ignore
// failure, `@` argv[0] follows, `:` no variable expansion, `+`, `!`, `!!`
// privileges, `|` through the login shell), then the command line. A line
// written on one line of the file is parsed in place, so each word keeps
// its offset; a continued one is parsed from its value.
func execCommand(f *parser.File, unit string, e unitEntry) (parser.ProcfileEntry, bool) {
	v := e.value
	i := 0
	argv0 := false
	for i < len(v) && strings.IndexByte("-@:+!|", v[i]) >= 0 {
		argv0 = argv0 || v[i] == '@'
		i++
	}
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	if i >= len(v) {
		return parser.ProcfileEntry{}, false
	}
	var cmd parser.ProcfileEntry
	switch {
	case argv0:
		// `@/usr/bin/bundle bundle exec puma`: the second word is argv[0],
		// not an argument; the program is the first.
		words := unitWords(v[i:])
		if len(words) < 2 {
			return parser.ProcfileEntry{}, false
		}
		text := words[0].text + " " + strings.TrimLeft(v[i+words[1].end:], " \t")
		cmd = parser.ParseCommandText(f, unit, text, e.span(f, i, len(v)))
	case e.verbatim(f, i, len(v)):
		cmd = parser.ParseCommand(f, unit, e.at[i], e.at[len(v)-1]+1)
	default:
		cmd = parser.ParseCommandText(f, unit, v[i:], e.span(f, i, len(v)))
	}
	return shellScript(f, cmd), true
}

// systemdEnvironment reads Environment= lines: each holds one or more
// NAME=value words, quoted as a whole or in part; a later one wins.
func systemdEnvironment(f *parser.File, entries []unitEntry) []Var {
	var out []Var
	for _, e := range entries {
		for _, w := range unitWords(e.value) {
			eq := strings.IndexByte(w.text, '=')
			if eq <= 0 {
				continue // systemd ignores an invalid assignment
			}
			name, value := w.text[:eq], w.text[eq+1:]
			v := Var{Name: name, Value: value, Source: "Environment= of " + f.Path, Own: true}
			v.KeySpan = e.span(f, w.from[0], w.from[0]+eq)
			if w.contiguous(0, eq) {
				v.KeySpan = e.span(f, w.from[0], w.from[eq-1]+1)
			}
			v.Span = v.KeySpan
			if value != "" && w.contiguous(eq+1, len(w.text)) {
				s, t := w.from[eq+1], w.from[len(w.text)-1]+1
				v.Span = e.span(f, s, t)
				// A % specifier is expanded by systemd: the bytes are not the value.
				v.Fixable = e.verbatim(f, s, t) && !strings.Contains(value, "%")
			}
			out = append(out, v)
		}
	}
	return out
}

// systemdEnvFiles reads the EnvironmentFile= files that are the app's.
func systemdEnvFiles(r Reader, f *parser.File, unit string, s serviceSettings) []Var {
	var out []Var
	for _, e := range s.envFiles {
		p := strings.TrimPrefix(e.value, "-")
		span := e.span(f, 0, len(e.value))
		rel, ok := appPath(p, s.workingDir)
		switch {
		case !path.IsAbs(p):
			r.Problem(span, "EnvironmentFile="+p+" in "+unit+" is not an absolute path, which systemd ignores; poollint ignores it too", true)
			continue
		case !ok:
			r.Problem(span, "EnvironmentFile="+p+" in "+unit+" is a file on the server, outside the app (WorkingDirectory="+orDefault(s.workingDir, "unset")+"); its variables were not read", true)
			continue
		}
		ef := r.Read(rel)
		if ef == nil {
			r.Problem(span, "EnvironmentFile="+p+" in "+unit+" is "+rel+" of the app, which is not in the app's files; its variables were not read", true)
			continue
		}
		out = append(out, ReadDotenv(ef, rel+", the EnvironmentFile= of "+f.Path)...)
	}
	return out
}

// appPath places an absolute path of the server in the app: a path under
// the unit's WorkingDirectory= (an absolute directory without specifiers)
// is that directory's file of the app.
func appPath(p, workingDir string) (string, bool) {
	if !path.IsAbs(p) || !path.IsAbs(workingDir) || strings.ContainsAny(workingDir+p, "%$") {
		return "", false
	}
	rel, ok := strings.CutPrefix(path.Clean(p), strings.TrimSuffix(path.Clean(workingDir), "/")+"/")
	if !ok || rel == "" || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// inApp rewrites the absolute paths among the command's arguments that lie
// under WorkingDirectory= to the app's own paths, by the rule
// EnvironmentFile= follows: GitLab's unit runs `puma --config
// /home/git/gitlab/config/puma.rb` from /home/git/gitlab, which is the
// app's config/puma.rb. Each word keeps its span.
func inApp(e *parser.ProcfileEntry, workingDir string) {
	for i, w := range e.Argv {
		lit, ok := w.Literal()
		if !ok {
			continue
		}
		if rel, ok := appPath(lit, workingDir); ok {
			e.Argv[i].Raw = rel
			e.Argv[i].Parts = []parser.WordPart{{Lit: rel}}
		}
	}
}
