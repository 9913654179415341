package rails

import (
	"bytes"
	"path"
	"regexp"
	"strings"
)

// A script run by `rails runner` (`bin/rails runner script/backfill.rb`,
// `script/rails runner`, `rails r`) runs inside the booted app: Active
// Record is loaded though the script never says so. Where that is written
// down (the script's own usage comment, a Procfile, a crontab, whenever's
// config/schedule.rb, a rake task or a shell script) the script counts as
// app code for fork-without-disconnect.

// runnerCommand matches a `rails runner` command and captures its target:
// an optional `-e production` / `--environment=production` is skipped.
var runnerCommand = regexp.MustCompile(`(?:^|[\s;&|'"(\x60])(?:\./)?(?:bin/rails|script/rails|rails)\s+(?:runner|r)\s+(?:(?:-e\s+\S+|--environment[= ]\S+)\s+)*['"]?([^\s'";&|)\x60]+)`)

// wheneverRunner matches whenever's `runner "script/x.rb"` job, which runs
// `rails runner` with that file.
var wheneverRunner = regexp.MustCompile(`\brunner\s*\(?\s*['"]([^'"\s]+\.rb)['"]`)

// runnerTopDirs are where a runner script can live in the app.
var runnerTopDirs = []string{"script/", "bin/", "lib/", "app/", "db/", "config/"}

// runnerTargets returns the app-relative files that `rails runner`
// commands in src run. Targets that are Ruby code rather than a file
// (`rails runner 'User.cleanup!'`) are not files and are dropped.
func runnerTargets(src []byte, schedule bool) []string {
	if !bytes.Contains(src, []byte("runner")) && !bytes.Contains(src, []byte("rails r ")) {
		return nil
	}
	var out []string
	add := func(t string) {
		if rel, ok := runnerFile(t); ok {
			out = append(out, rel)
		}
	}
	for _, m := range runnerCommand.FindAllSubmatch(src, -1) {
		add(string(m[1]))
	}
	if schedule {
		for _, m := range wheneverRunner.FindAllSubmatch(src, -1) {
			add(string(m[1]))
		}
	}
	return out
}

// runnerFile turns a runner target as written ("./script/x.rb",
// "#{Rails.root}/script/x.rb", "/srv/app/current/bin/sync") into an
// app-relative path, when it names a file under one of runnerTopDirs: a
// relative target must start with one; a rooted one (an absolute path, a
// variable, an interpolation) is cut at the last segment that is one,
// script/ and bin/ first.
func runnerFile(t string) (string, bool) {
	t = strings.TrimPrefix(t, "./")
	rel := ""
	for _, dir := range runnerTopDirs {
		if strings.HasPrefix(t, dir) {
			rel = t
		}
	}
	if rel == "" && strings.ContainsAny(t[:1], "/$#") {
		for _, dir := range runnerTopDirs {
			if i := strings.LastIndex(t, "/"+dir); i >= 0 {
				rel = t[i+1:]
				break
			}
		}
	}
	if rel == "" {
		return "", false
	}
	rel = path.Clean(rel)
	if strings.Contains(rel, "..") || strings.ContainsAny(rel, "#{}$*") {
		return "", false
	}
	if path.Ext(rel) != ".rb" && !strings.HasPrefix(rel, "bin/") && !strings.HasPrefix(rel, "script/") {
		return "", false
	}
	return rel, true
}

// runnerListFiles are the files outside the fork walk that may name a
// runner script: Procfiles, crontabs and whenever's schedule.
func (a *App) runnerListFiles() []string {
	var out []string
	for _, dir := range []string{".", "config"} {
		entries, err := a.fsys.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			rel := path.Join(dir, name)
			if !e.Type().IsRegular() {
				continue
			}
			lower := strings.ToLower(name)
			if (dir == "." && strings.HasPrefix(name, "Procfile")) || strings.Contains(lower, "cron") || rel == "config/schedule.rb" {
				out = append(out, rel)
			}
		}
	}
	return out
}

// markRunnerScripts sets ARLoaded on the fork sites of files a runner
// command names: named in the lists outside the walk, in files the walk
// read (named), or in the site's own file (its usage comment).
func (a *App) markRunnerScripts(named map[string]bool) {
	for _, rel := range a.runnerListFiles() {
		var src []byte
		if f := a.Files[rel]; f != nil {
			src = f.Src // the Procfile was read by the load: not read twice
		} else {
			var err error
			if src, err = a.readThroughOverlay(rel); err != nil {
				continue // not app code; an unreadable Procfile is reported where it is read
			}
		}
		for _, t := range runnerTargets(src, rel == "config/schedule.rb") {
			named[t] = true
		}
	}
	for _, s := range a.ForkSites {
		if !s.ARLoaded && named[s.File.Path] {
			s.ARLoaded = true
		}
	}
}
