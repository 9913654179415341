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
	workers := max(runtime.GOMAXPROCS(0), 1)
	// The window is deep enough that a worker rarely waits behind a slow
	// app: at 2 per worker the block profile showed workers waiting on it
	// for 3% of their time on the 10,000-app tree, at 32 not measurably;
	// 64 finished apps' findings are a few hundred KB at most.
	p := &pool{window: 32 * workers, discovering: true, allRead: true}
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
	// Discovery walks while the first apps are checked.
	go func() {
		discoverJobs(cfg, p.add)
		p.mu.Lock()
		p.discovering = false
		p.room.Broadcast()
		p.mu.Unlock()
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i, j, ok := p.take()
				if !ok {
					return
				}
				p.finish(i, runJob(j, check), hand)
			}
		})
	}
	wg.Wait()
	return p.allRead, p.err
}

// pool is the shared state of checkEach's workers and discovery, under mu.
type pool struct {
	mu          sync.Mutex
	room        *sync.Cond // signalled when a job comes, the window moves or the run stops
	window      int        // most jobs taken but not handed on
	jobs        []job      // discovered so far
	done        []*result  // finished jobs not handed on yet, by job
	discovering bool       // more jobs may come
	next        int        // the next job to take
	handed      int        // jobs handed on, in order
	allRead     bool
	err         error // use failed: the run stops
}

// add queues a discovered job.
func (p *pool) add(j job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs = append(p.jobs, j)
	p.done = append(p.done, nil)
	p.room.Signal()
}

// take returns the next job to run, waiting while the window of jobs
// taken but not handed on is full or discovery has not found the next
// one yet; ok is false when none is left.
func (p *pool) take() (int, job, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.err == nil {
		if p.next < len(p.jobs) && p.next-p.handed < p.window {
			p.next++
			return p.next - 1, p.jobs[p.next-1], true
		}
		if p.next >= len(p.jobs) && !p.discovering {
			break
		}
		p.room.Wait()
	}
	return 0, job{}, false
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
		p.jobs[p.handed] = job{}
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
// messages about PATHs that hold none at their place, and hands each on
// to add as it is found.
func discoverJobs(cfg lintConfig, add func(job)) {
	seen := map[string]bool{} // `poollint . myapp` lints myapp once
	abs := absOnce()
	for _, path := range cfg.paths {
		found := 0
		err := rails.DiscoverEach(path, func(root string) {
			found++
			if abs, err := abs(root); err == nil {
				if seen[abs] {
					return
				}
				seen[abs] = true
			}
			add(job{root: root, display: displayPath(path, root)})
		})
		switch {
		case errors.Is(err, rails.ErrNotInApp):
			// A file of another service in a monorepo (pre-commit passes
			// file names): nothing of poollint's to check, not a failure.
			add(job{msg: fmt.Sprintf("poollint: %s: not inside a Rails app; skipped\n", redact.Path(path))})
		case err != nil:
			add(job{msg: fmt.Sprintf("poollint: %s: %s\n", redact.Path(path), redact.Message(withoutPath(err).Error())), err: err})
		case found == 0:
			add(job{msg: fmt.Sprintf("poollint: no Rails app found under %s (an app root has config/ plus Gemfile or config/application.rb)\n", redact.Path(path)), err: errNoApp})
		}
	}
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
