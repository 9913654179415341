package fixer

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Temp files are named ".NAME.poollint-tmp-PID-RANDOM" beside the file
// NAME they will replace: hidden, so the loader and editors pass them by;
// recognisable, so a later run can tell one an interrupted run left; and
// carrying the process ID, so that run can tell a live one from a stale
// one. Versions before this scheme named them ".NAME.poollint-RANDOM".
var tempName = regexp.MustCompile(`^\..+\.poollint-(?:tmp-([0-9]+)-)?[0-9]+$`)

// staleAge is the age after which any temp file is stale whoever made it:
// a live run keeps one for milliseconds, between staging and renaming.
const staleAge = 10 * time.Minute

// live holds the temp files this process created and has not yet renamed
// or removed, so that a signal's handler can remove them (RemoveTemps).
// It is process-wide because signals are: fixes of several apps may run
// at once.
var live = struct {
	sync.Mutex
	paths   map[string]bool
	stopped bool // RemoveTemps ran: the process is exiting, create no more
}{paths: map[string]bool{}}

// createTemp creates the temp file that will replace target, in its
// directory, and records it in live.
func createTemp(target string) (*os.File, error) {
	live.Lock()
	defer live.Unlock()
	if live.stopped {
		return nil, errors.New("poollint is stopping")
	}
	pattern := "." + filepath.Base(target) + ".poollint-tmp-" + strconv.Itoa(os.Getpid()) + "-*"
	f, err := os.CreateTemp(filepath.Dir(target), pattern)
	if err == nil {
		live.paths[f.Name()] = true
	}
	return f, err
}

// renameTemp renames temp over target. It holds live's lock, so a signal
// arriving now removes the temp files after the rename, never in its
// middle.
func renameTemp(temp, target string) error {
	live.Lock()
	defer live.Unlock()
	if live.stopped {
		return errors.New("poollint is stopping")
	}
	err := os.Rename(temp, target)
	if err == nil {
		delete(live.paths, temp)
	}
	return err
}

// removeTemp removes a temp file that will not be renamed.
func removeTemp(temp string) {
	live.Lock()
	defer live.Unlock()
	_ = os.Remove(temp)
	delete(live.paths, temp)
}

// RemoveTemps removes every temp file this process has staged and not yet
// renamed, and stops the fixer from creating or renaming any more: it is
// for a SIGINT or SIGTERM handler, right before the process exits. The
// files being fixed stay as they were (or fixed, for those already
// renamed). It returns how many it removed.
func RemoveTemps() int {
	live.Lock()
	defer live.Unlock()
	live.stopped = true
	n := 0
	for p := range live.paths {
		if os.Remove(p) == nil {
			n++
		}
		delete(live.paths, p)
	}
	return n
}

// StaleTemp is a temp file an interrupted run left (app-relative).
type StaleTemp struct {
	File    string
	Removed bool // false: Preview found it, or it could not be removed
}

// cleanStaleTemps looks for stale temp files in the directories of the
// files a lint read (the only places the fixer writes), once per
// directory per run. Run removes them; Preview only reports them.
func (r *runner) cleanStaleTemps(read map[string][]byte) {
	for rel := range read {
		dir := path.Dir(rel)
		if r.scannedDirs[dir] || !filepath.IsLocal(filepath.FromSlash(rel)) {
			continue
		}
		r.scannedDirs[dir] = true
		entries, err := os.ReadDir(filepath.Join(r.s.Root, filepath.FromSlash(dir)))
		if err != nil {
			continue // the lint reports unreadable directories
		}
		for _, e := range entries {
			full := filepath.Join(r.s.Root, filepath.FromSlash(dir), e.Name())
			if !e.Type().IsRegular() || !isStaleTemp(full, e.Name()) {
				continue
			}
			st := StaleTemp{File: path.Join(dir, e.Name())}
			if !r.s.dryRun {
				st.Removed = os.Remove(full) == nil
			}
			r.res.StaleTemps = append(r.res.StaleTemps, st)
		}
	}
}

// isStaleTemp reports whether the file full, named name, is a temp file no
// live run will rename: any left for longer than staleAge, or one of a
// process that is gone. One of this process is another app's fix in
// progress (or, past staleAge, an earlier process that had the same ID).
func isStaleTemp(full, name string) bool {
	m := tempName.FindStringSubmatch(name)
	if m == nil {
		return false
	}
	if info, err := os.Lstat(full); err == nil && time.Since(info.ModTime()) > staleAge {
		return true
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return false // an old-style name, recent: maybe an old version running now
	}
	return pid != os.Getpid() && !processAlive(pid)
}
