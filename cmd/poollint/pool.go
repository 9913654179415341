package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/report"
)

// Apps are checked on a pool of GOMAXPROCS workers and handed on in the
// order they are discovered, so the output is the same as one app after
// the other. At most a window of finished apps waits for a slower one
// before it, so memory stays flat in the number of apps.

// checkFunc checks the app at root. It may run on several goroutines at
// once: what must happen in order (stderr lines, counters) goes in after,
// which runs on the caller's goroutine, before use sees the app. An app
// with an error is not used; after still runs.
type checkFunc func(root, display string) (app report.App, after func(), err error)

// pending is one app in the window, or a message of discovery to print
// at its place.
type pending struct {
	msg   string
	app   report.App
	after func()
	err   error
	done  chan struct{}
}

// checkEach discovers every app at or under the PATHs, checks each with
// check and passes the checked ones to use, in discovery order. A PATH or
// app that cannot be read is reported on stderr and the others are still
// checked; allRead says whether that never happened. An error from use
// (the output cannot be written) stops the run and is returned.
func checkEach(cfg lintConfig, stderr io.Writer, check checkFunc, use func(report.App) error) (allRead bool, err error) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	window := make(chan *pending, 2*workers)
	sem := make(chan struct{}, workers)
	stop := make(chan struct{})
	allRead = true
	go func() {
		defer close(window)
		send := func(p *pending) bool {
			select {
			case window <- p:
				return true
			case <-stop:
				return false
			}
		}
		seen := map[string]bool{} // `poollint . myapp` lints myapp once
		for _, path := range cfg.paths {
			roots, err := rails.Discover(path)
			switch {
			case errors.Is(err, rails.ErrNotInApp):
				// A file of another service in a monorepo (pre-commit passes
				// file names): nothing of poollint's to check, not a failure.
				if !send(&pending{msg: fmt.Sprintf("poollint: %s: not inside a Rails app; skipped\n", redact.Path(path))}) {
					return
				}
				continue
			case err != nil:
				if !send(&pending{msg: fmt.Sprintf("poollint: %s: %s\n", redact.Path(path), redact.Message(withoutPath(err).Error())), err: err}) {
					return
				}
			case len(roots) == 0:
				if !send(&pending{msg: fmt.Sprintf("poollint: no Rails app found under %s (an app root has config/ plus Gemfile or config/application.rb)\n", redact.Path(path)), err: errNoApp}) {
					return
				}
			}
			for _, root := range roots { // a walk that failed part-way still lints what it found
				if abs, err := filepath.Abs(root); err == nil {
					if seen[abs] {
						continue
					}
					seen[abs] = true
				}
				p := &pending{done: make(chan struct{})}
				display := displayPath(path, root)
				if !send(p) {
					return
				}
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; close(p.done) }()
					p.app, p.after, p.err = check(root, display)
					if p.err != nil {
						p.msg = fmt.Sprintf("poollint: %s: %s\n", redact.Path(display), redact.Message(p.err.Error()))
					}
				}()
			}
		}
	}()
	defer func() {
		close(stop)
		for p := range window { // let the checks in flight finish
			if p.done != nil {
				<-p.done
			}
		}
	}()
	for p := range window {
		if p.done != nil {
			<-p.done
		}
		if p.after != nil {
			p.after()
		}
		if p.msg != "" {
			fmt.Fprint(stderr, p.msg)
		}
		if p.err != nil {
			allRead = false
			continue
		}
		if p.done == nil {
			continue // a message of discovery
		}
		if err := use(p.app); err != nil {
			return allRead, err
		}
	}
	return allRead, nil
}

var errNoApp = errors.New("no Rails app found")
