package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// signalHelperDir, in the environment, makes TestSignalHelper act as a
// poollint that keeps fixing copies of an app under that directory until
// a signal ends it.
const signalHelperDir = "POOLLINT_SIGNAL_HELPER_DIR"

func TestSignalHelper(t *testing.T) {
	base := os.Getenv(signalHelperDir)
	if base == "" {
		t.Skip("run by TestSignalRemovesTemps")
	}
	removeTempsOnSignal()
	var once sync.Once
	var wg sync.WaitGroup
	for worker := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				dir := filepath.Join(base, fmt.Sprintf("%d-%d", worker, i))
				copyCaseTo(t, concurrentCase, dir)
				poollint(t, "--fix", "--no-color", dir)
				once.Do(func() { fmt.Println("ready") })
			}
		})
	}
	wg.Wait()
}

// TestSignalRemovesTemps interrupts a process that is busy fixing apps
// (this test binary, running TestSignalHelper) and checks it exits as a
// death by the signal and leaves no temp file in any app.
func TestSignalRemovesTemps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGINT} {
		base := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$")
		cmd.Env = append(os.Environ(), signalHelperDir+"="+base)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("helper said %q (%v)", line, err)
		}
		time.Sleep(time.Duration(i*7) * time.Millisecond)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 128+int(sig) {
			t.Errorf("%v: helper ended with %v, want exit code %d", sig, err, 128+int(sig))
		}
		_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".poollint-") {
				t.Errorf("%v: temp file %s left behind", sig, p)
			}
			return nil
		})
	}
}
