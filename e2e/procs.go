//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file starts and stops the processes of the test. Every process is
// the leader of its own process group, is stopped by its PID in
// t.Cleanup (and when its context ends), and is reaped by Wait, so no
// server outlives the test even when it fails.

// procSpec says how to start one process.
type procSpec struct {
	name string
	argv []string
	dir  string
	env  []string
	log  string // file that gets its stdout and stderr
	// asPostgres runs it as the postgres user when the test runs as root:
	// PostgreSQL and PgBouncer refuse to run as root.
	asPostgres bool
	// group sends the stop signal to the whole process group: a Procfile
	// line runs under sh, which does not pass signals on.
	group   bool
	stopSig syscall.Signal
}

// proc is one started process.
type proc struct {
	spec     procSpec
	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// startProc starts a process that is stopped when ctx ends and in t's
// cleanup, whichever comes first.
func startProc(ctx context.Context, t testing.TB, s procSpec) (*proc, error) {
	if s.stopSig == 0 {
		s.stopSig = syscall.SIGTERM
	}
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Dir = s.dir
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.asPostgres {
		cred, err := postgresCredential()
		if err != nil {
			return nil, err
		}
		cmd.SysProcAttr.Credential = cred
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", s.name, err)
	}
	p := &proc{spec: s, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			p.stop()
		case <-p.done:
		}
	}()
	t.Cleanup(p.stop)
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends the stop signal, waits up to 10 s, then kills the group.
func (p *proc) stop() {
	p.stopOnce.Do(func() {
		if !p.exited() {
			if p.spec.group {
				_ = syscall.Kill(-p.pid(), p.spec.stopSig)
			} else {
				_ = p.cmd.Process.Signal(p.spec.stopSig)
			}
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
			}
		}
		// Whatever is left of the group (a child the shell started) goes
		// too; ESRCH when nothing is left.
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
	})
}

// wait waits for the process to exit by itself and returns its exit code.
func (p *proc) wait(ctx context.Context) (int, error) {
	select {
	case <-p.done:
	case <-ctx.Done():
		p.stop()
		return -1, fmt.Errorf("%s did not finish: %w", p.spec.name, ctx.Err())
	}
	var ee *exec.ExitError
	switch {
	case p.waitErr == nil:
		return 0, nil
	case errors.As(p.waitErr, &ee):
		return ee.ExitCode(), nil
	}
	return -1, p.waitErr
}

// logText is everything the process wrote so far.
func (p *proc) logText() string {
	b, _ := os.ReadFile(p.spec.log)
	return string(b)
}

// logTail is the end of the log, for error messages.
func (p *proc) logTail() string {
	lines := strings.Split(strings.TrimRight(p.logText(), "\n"), "\n")
	if len(lines) > 25 {
		lines = lines[len(lines)-25:]
	}
	return p.spec.name + " log (" + p.spec.log + "), last lines:\n  " + strings.Join(lines, "\n  ")
}

// waitUntil polls check every 50 ms until it succeeds, the process exits,
// or ctx ends.
func (p *proc) waitUntil(ctx context.Context, what string, check func() error) error {
	var last error
	for {
		if last = check(); last == nil {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited before %s (%v)\n%s", p.spec.name, what, p.waitErr, p.logTail())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: no %s: %v (%w)\n%s", p.spec.name, what, last, ctx.Err(), p.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// dialOK reports whether something accepts connections at addr.
func dialOK(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// postgresCredential is the postgres user when the test runs as root, nil
// otherwise (the servers then run as the current user).
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user (from the postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// ownForPostgres gives dir to the user the servers run as.
func ownForPostgres(dir string) error {
	cred, err := postgresCredential()
	if err != nil || cred == nil {
		return err
	}
	return os.Chown(dir, int(cred.Uid), int(cred.Gid))
}
