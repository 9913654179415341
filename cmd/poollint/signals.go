package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/poollint/poollint/fixer"
)

// removeTempsOnSignal makes SIGINT and SIGTERM remove the temp files of a
// --fix in progress before the process exits: killed between staging a
// file and renaming it, a run would otherwise leave
// `.database.yml.poollint-tmp-…` beside the app's config. The files being
// fixed are each either as they were or fixed (a rename is atomic, and no
// rename starts once cleanup has). The exit code is the shell's for a
// death by that signal, 128 + its number.
func removeTempsOnSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fixer.RemoveTemps()
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}
