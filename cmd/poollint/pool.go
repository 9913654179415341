package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/report"
)

// Apps are checked on a pool of GOMAXPROCS workers and handed on in the
// order they are discovered, so the output is the same as one app after
// the other. At most a window of finished apps waits for a slower one
// before it, so memory stays flat in the number of apps.
//
// The worker that finishes the next app in order hands it on itself,
// with any finished apps after it, under the pool's lock. A first version
// started a goroutine per app and had the caller wait on a channel per
// app: every app then woke two or three goroutines, and with two cores
// each wake-up could wake a parked thread, which cost more CPU with
// GOMAXPROCS=2 than the checks gained from the second core.

// checkFunc checks the app at root. It may run on several goroutines at
// once: what must happen in order (stderr lines, counters) goes in after,
// which runs in discovery order, one app at a time, before use sees the
// app. An app with an error is not used; after still runs.
type checkFunc func(root, display string) (app report.App, after func(), err error)

// job is one app to check, or a message of discovery to print at its
// place (root is then empty).
type job struct {
	root, display string
	msg           string
	err           error
}

// result is a finished job.
type result struct {
	msg   string
	app   report.App
	after func()
	err   error
	isApp bool
}

// checkEach discovers every app at or under the PATHs, checks each with
// check and passes the checked ones to use, in discovery order. A PATH or
// app that cannot be read is reported on stderr and the others are still
// checked; allRead says whether that never happened. An error from use
// (the output cannot be written) stops the run and is returned.
func checkEach(cfg lintConfig, stderr io.Writer, check checkFunc, use func(report.App) error) (allRead bool, err error) {
	jobs := discoverJobs(cfg)
	workers := max(runtime.GOMAXPROCS(0), 1)
	window := 2 * workers
	p := &pool{jobs: jobs, done: make([]*result, len(jobs)), allRead: true}
	p.room = sync.NewCond(&p.mu)
	hand := func(r *result) {
		if r.after != nil {
			r.after()
		}
		if r.msg != "" {
			fmt.Fprint(stderr, r.msg)
		}
		if r.err != nil {
			p.allRead = false
			return
		}
		if r.isApp {
			if err := use(r.app); err != nil {
				p.err = err
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for {
				i, ok := p.take(window)
				if !ok {
					return
				}
				p.finish(i, runJob(jobs[i], check), hand)
			}
		})
	}
	wg.Wait()
	return p.allRead, p.err
}

// pool is the shared state of checkEach's workers, under mu.
type pool struct {
	mu      sync.Mutex
	room    *sync.Cond // signalled when the window moves or the run stops
	jobs    []job
	done    []*result // finished jobs not handed on yet
	next    int       // the next job to take
	handed  int       // jobs handed on, in order
	allRead bool
	err     error // use failed: the run stops
}

// take returns the next job to run, waiting while the window of jobs
// finished but not handed on is full; ok is false when none is left.
func (p *pool) take(window int) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.err == nil && p.next < len(p.jobs) && p.next-p.handed >= window {
		p.room.Wait()
	}
	if p.err != nil || p.next >= len(p.jobs) {
		return 0, false
	}
	p.next++
	return p.next - 1, true
}

// finish records job i's result and hands on, in order, every finished
// job from the first not handed on yet.
func (p *pool) finish(i int, r *result, hand func(*result)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done[i] = r
	moved := false
	for p.err == nil && p.handed < len(p.jobs) && p.done[p.handed] != nil {
		r := p.done[p.handed]
		p.done[p.handed] = nil
		p.handed++
		moved = true
		hand(r)
	}
	if moved || p.err != nil {
		p.room.Broadcast()
	}
}

func runJob(j job, check checkFunc) *result {
	if j.root == "" {
		return &result{msg: j.msg, err: j.err}
	}
	r := &result{isApp: true}
	r.app, r.after, r.err = check(j.root, j.display)
	if r.err != nil {
		r.msg = fmt.Sprintf("poollint: %s: %s\n", redact.Path(j.display), redact.Message(r.err.Error()))
	}
	return r
}

// discoverJobs finds the apps at or under every PATH, in order, with the
// messages about PATHs that hold none at their place.
func discoverJobs(cfg lintConfig) []job {
	var jobs []job
	seen := map[string]bool{} // `poollint . myapp` lints myapp once
	abs := absOnce()
	for _, path := range cfg.paths {
		roots, err := rails.Discover(path)
		switch {
		case errors.Is(err, rails.ErrNotInApp):
			// A file of another service in a monorepo (pre-commit passes
			// file names): nothing of poollint's to check, not a failure.
			jobs = append(jobs, job{msg: fmt.Sprintf("poollint: %s: not inside a Rails app; skipped\n", redact.Path(path))})
			continue
		case err != nil:
			jobs = append(jobs, job{msg: fmt.Sprintf("poollint: %s: %s\n", redact.Path(path), redact.Message(withoutPath(err).Error())), err: err})
		case len(roots) == 0:
			jobs = append(jobs, job{msg: fmt.Sprintf("poollint: no Rails app found under %s (an app root has config/ plus Gemfile or config/application.rb)\n", redact.Path(path)), err: errNoApp})
		}
		for _, root := range roots { // a walk that failed part-way still lints what it found
			if abs, err := abs(root); err == nil {
				if seen[abs] {
					continue
				}
				seen[abs] = true
			}
			jobs = append(jobs, job{root: root, display: displayPath(path, root)})
		}
	}
	return jobs
}

var errNoApp = errors.New("no Rails app found")

// absOnce returns filepath.Abs with the working directory looked up once
// per run: os.Getwd stats "." and $PWD each time it is called, two
// system calls per app of a relative PATH.
func absOnce() func(string) (string, error) {
	var wd string
	var wdErr error
	looked := false
	return func(p string) (string, error) {
		if filepath.IsAbs(p) {
			return filepath.Clean(p), nil
		}
		if !looked {
			wd, wdErr = os.Getwd()
			looked = true
		}
		if wdErr != nil {
			return "", wdErr
		}
		return filepath.Join(wd, p), nil
	}
}
