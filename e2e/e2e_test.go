//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// scenarioBudget bounds one scenario: lint, both runs and the fix. It is a
// hang guard, not a performance target: on an idle machine a scenario takes
// about 30 s, but on a loaded one (two cores shared with parallel builds)
// three Puma dynos booting Rails took 42 s before their first request.
const scenarioBudget = 180 * time.Second

// stack is what the scenarios share: the servers and the poollint binary.
type stack struct {
	t     *testing.T
	e2e   string // this directory
	repo  string
	base  string // the test's temp directory
	pg    *postgres
	redis *redisServer
	bin   poollintBin

	limitOnce sync.Once
	limitPG   *postgres
	limitErr  error
}

// row is one line of the final table.
type row struct {
	s               scenario
	before, after   verdict
	fix             string
	oBefore, oAfter outcome
	result          string
	dur             time.Duration
	runs            [2]time.Duration
	err             string
	ran             bool // false when -run filtered it out
}

// TestStack runs every scenario on the real servers and prints the table.
func TestStack(t *testing.T) {
	start := time.Now()
	checkDeps(t)
	st := newStack(t)
	var rows []*row
	defer func() { printTable(rows, time.Since(start)) }()

	for _, s := range scenarios() {
		r := &row{s: s}
		rows = append(rows, r)
		t.Run(s.name, func(t *testing.T) {
			r.ran = true
			began := time.Now()
			defer func() { r.dur = time.Since(began) }()
			st.runScenario(t, s, r)
		})
	}
}

// newStack starts PostgreSQL and Redis for the whole test and builds
// poollint.
func newStack(t *testing.T) *stack {
	e2eDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.MkdirTemp("", "poollint-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as the postgres user and must reach its directories.
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("E2E_KEEP") != "" || t.Failed() {
			t.Logf("logs and app trees kept in %s", base)
			return
		}
		_ = os.RemoveAll(base)
	})
	st := &stack{t: t, e2e: e2eDir, repo: filepath.Dir(e2eDir), base: base}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	setup := time.Now()
	if err := st.bin.build(ctx, st.repo, base); err != nil {
		t.Fatal(err)
	}
	t.Logf("built poollint in %v (--fix available: %v)", time.Since(setup).Round(time.Millisecond), st.bin.hasFix)
	setup = time.Now()
	// The servers live until the test's cleanup, not this setup context.
	if st.pg, err = startPostgres(context.Background(), t, base, "pg", nil); err != nil {
		t.Fatal(err)
	}
	if st.redis, err = startRedis(context.Background(), t, base); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL on 127.0.0.1:%d (pid %d), Redis on 127.0.0.1:%d (pid %d), up in %v",
		st.pg.port, st.pg.proc.pid(), st.redis.port, st.redis.proc.pid(), time.Since(setup).Round(time.Millisecond))
	return st
}

// limitedCluster is a second cluster that takes 7 connections from
// non-superusers (max_connections 10, 3 reserved), with the role app.
func (st *stack) limitedCluster(ctx context.Context) (*postgres, error) {
	st.limitOnce.Do(func() {
		st.limitPG, st.limitErr = startPostgres(context.Background(), st.t, st.base, "pg-limited",
			map[string]string{"max_connections": "10", "superuser_reserved_connections": "3"})
		if st.limitErr == nil {
			_, st.limitErr = st.limitPG.psql(ctx, "postgres", "CREATE ROLE app LOGIN")
		}
	})
	return st.limitPG, st.limitErr
}

// connect gives a run a fresh database on the shared cluster.
func (st *stack) connect(ctx context.Context, r *run, seed string) error {
	return st.connectTo(ctx, r, st.pg, "postgres", seed)
}

// connectTo creates the run's database on pg and sets DATABASE_URL; for a
// PgBouncer scenario it starts a fresh PgBouncer (server state outlives
// clients in transaction mode) and sets what bin/start-pgbouncer reads.
func (st *stack) connectTo(ctx context.Context, r *run, pg *postgres, user, seed string) error {
	r.db = dbName(r.label)
	if err := pg.createDatabase(ctx, r.db, user, seed); err != nil {
		return err
	}
	r.env = append(r.env, "DATABASE_URL="+pg.url(user, r.db))
	if !r.pgbouncer {
		return nil
	}
	b, err := startPgBouncer(ctx, r.t, st.base, "pgbouncer-"+strings.ReplaceAll(r.label, " ", "-"), pg, 2)
	if err != nil {
		return err
	}
	r.env = append(r.env, "E2E_PGBOUNCER_URL="+b.url(user, r.db))
	return nil
}

// runScenario lints, runs, fixes, lints and runs one scenario, and judges
// it into r.
func (st *stack) runScenario(t *testing.T, s scenario, r *row) {
	ctx, cancel := context.WithTimeout(context.Background(), scenarioBudget)
	defer cancel()
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if r.err == "" {
			r.err = msg
			r.result = "FAIL: " + msg
		}
		t.Error(msg)
	}
	fatal := func(err error) {
		fail("%v", err)
		t.FailNow()
	}

	// Before: lint and run the app as written.
	before := filepath.Join(st.base, "apps", s.name+"-before")
	if err := prepareApp(st.e2e, s.name, before, s.pgbouncer); err != nil {
		fatal(err)
	}
	var err error
	if r.before, err = lint(before, s.rule, s.opts); err != nil {
		fatal(err)
	}
	logVerdict(t, "before", r.before)
	if r.oBefore, r.runs[0], err = st.runPhase(ctx, t, s, before, "before"); err != nil {
		fatal(fmt.Errorf("before: %w", err))
	}

	// Fix a fresh copy: poollint --fix, or the hand-written fix.
	after := filepath.Join(st.base, "apps", s.name+"-after")
	if err := prepareApp(st.e2e, s.name, after, s.pgbouncer); err != nil {
		fatal(err)
	}
	orig, _ := snapshot(after)
	if s.manualFix != "" {
		files, err := overlay(st.e2e, s.name, after)
		if err != nil {
			fatal(err)
		}
		r.fix = "by hand (" + strings.Join(files, ", ") + ")"
		t.Logf("fix: %s", s.manualFix)
	} else if r.fix, err = st.bin.fix(ctx, after, s.rule, r.before.diags); err != nil {
		fatal(fmt.Errorf("fix: %w", err))
	}
	fixed, _ := snapshot(after)
	t.Logf("fix (%s):\n%s", r.fix, unifiedChanges(orig, fixed))

	// After: lint and run the fixed app.
	if r.after, err = lint(after, s.rule, s.opts); err != nil {
		fatal(err)
	}
	logVerdict(t, "after", r.after)
	if r.oAfter, r.runs[1], err = st.runPhase(ctx, t, s, after, "after"); err != nil {
		fatal(fmt.Errorf("after: %w", err))
	}

	// Judge: the runtime must show what the scenario documents, and
	// poollint's verdict must agree with it both times.
	ob, oa := r.oBefore, r.oAfter
	switch {
	case ob.failed == s.passesBefore:
		fail("before: the app %s; the scenario expects it to %s", failedWord(ob.failed), failedWord(!s.passesBefore))
	case ob.failed && !ob.matches(s.errRE):
		fail("before: no error matches %s; seen: %q", s.errRE, ob.errorTexts())
	}
	if oa.failed {
		fail("after: the fixed app still fails: %q", oa.errorTexts())
	}
	for _, p := range []struct {
		phase string
		o     outcome
	}{{"before", ob}, {"after", oa}} {
		if want := s.want[p.phase]; want != "" && p.o.detail != want {
			fail("%s: want %q, got %q", p.phase, want, p.o.detail)
		}
	}
	if !r.before.implemented {
		t.Logf("verdict: rule not implemented (%s has no Check yet)", s.rule)
		if r.err == "" {
			r.result = "runtime as documented; verdict not checked (rule not implemented)"
		}
		return
	}
	disagreeBefore := r.before.flagged(s.min) != ob.failed
	disagreeAfter := r.after.flagged(s.min) != oa.failed
	switch {
	case disagreeBefore && s.known != "" && !disagreeAfter:
		t.Logf("known disagreement: %s", s.known)
		if r.err == "" {
			r.result = "KNOWN DISAGREEMENT: " + s.known
		}
	case disagreeBefore || disagreeAfter:
		fail("poollint disagrees with the runtime: verdict %s → %s, outcome %s → %s", r.before, r.after, ob, oa)
	case s.known != "":
		fail("the known disagreement is gone (%s): drop the note in scenarios.go", s.known)
	case r.err == "":
		r.result = "agree"
	}
}

// runPhase runs one app tree and logs what happened.
func (st *stack) runPhase(ctx context.Context, t *testing.T, s scenario, app, phase string) (outcome, time.Duration, error) {
	began := time.Now()
	label := s.name + " " + phase
	dir := filepath.Join(st.base, "logs", s.name+"-"+phase)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return outcome{}, 0, err
	}
	r := &run{t: t, app: app, label: label, dir: dir, env: baseEnv(), pgbouncer: s.pgbouncer}
	o, err := s.run(ctx, st, r)
	d := time.Since(began)
	if err != nil {
		return o, d, err
	}
	t.Logf("%s: %s in %v", phase, o, d.Round(time.Millisecond))
	for _, e := range o.errorTexts() {
		t.Logf("  %s", e)
	}
	return o, d, nil
}

func logVerdict(t *testing.T, phase string, v verdict) {
	t.Logf("verdict %s: %s", phase, v)
	for _, d := range v.diags {
		t.Logf("  %s:%d: %s: %s", d.Span.File, d.Span.Start.Line, d.Severity, d.Message)
	}
	if len(v.others) > 0 {
		t.Logf("  other rules: %s", strings.Join(v.others, ", "))
	}
}

func failedWord(failed bool) string {
	if failed {
		return "fails"
	}
	return "runs"
}

// printTable prints the result of every scenario, then the errors seen.
func printTable(rows []*row, total time.Duration) {
	var b strings.Builder
	b.WriteString("\n=== poollint e2e: verdict and runtime outcome, before and after the fix\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tRULE\tVERDICT BEFORE → AFTER\tOUTCOME BEFORE\tOUTCOME AFTER\tFIX\tTIME\tRESULT")
	for _, r := range rows {
		if !r.ran {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%s\t%s\t%s\t%.1fs (%.1f+%.1f)\t%s\n", r.s.name, r.s.rule, r.before, r.after,
			r.oBefore, r.oAfter, r.fix, r.dur.Seconds(), r.runs[0].Seconds(), r.runs[1].Seconds(), firstLine(r.result, 160))
	}
	_ = tw.Flush()
	b.WriteString("\nerrors seen (before → after):\n")
	for _, r := range rows {
		if !r.ran {
			continue
		}
		fmt.Fprintf(&b, "  %s:\n", r.s.name)
		writeErrors(&b, "before", r.oBefore)
		writeErrors(&b, "after", r.oAfter)
	}
	fmt.Fprintf(&b, "\ntotal %.1fs\n", total.Seconds())
	fmt.Print(b.String())
}

func writeErrors(b *strings.Builder, phase string, o outcome) {
	texts := o.errorTexts()
	if len(texts) == 0 {
		fmt.Fprintf(b, "    %s: none\n", phase)
		return
	}
	for _, e := range texts {
		fmt.Fprintf(b, "    %s: %s\n", phase, e)
	}
}

// checkDeps skips the test when the Debian packages are missing (run
// e2e/install-deps.sh); on CI a missing package is a failure, so a green
// run always means the stack was exercised.
func checkDeps(t *testing.T) {
	var missing []string
	for _, bin := range []string{"ruby", "puma", "sidekiq", "rake", "pgbouncer", "redis-server", "psql", "go"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if _, err := pgBinDir(); err != nil {
		missing = append(missing, "postgresql")
	}
	if len(missing) == 0 {
		lib := exec.Command("ruby", "-e", `%w[rails active_record action_controller pg sidekiq puma].each { |l| require l }`)
		if out, err := lib.CombinedOutput(); err != nil {
			missing = append(missing, "Ruby libraries ("+strings.TrimSpace(string(out))+")")
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + ": run bash e2e/install-deps.sh"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// firstLine shortens a result for the table; the test log has it whole.
func firstLine(s string, n int) string {
	s, _, cut := strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	} else if cut {
		return s + " …"
	}
	return s
}
