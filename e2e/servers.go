//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PostgreSQL, PgBouncer and Redis, each started under the test's temp
// directory on a free loopback port (real-stack-findings.md section 0).

// postgres is one throwaway PostgreSQL cluster.
type postgres struct {
	port int
	dir  string
	proc *proc
}

// pgBinDir finds Debian's PostgreSQL binaries (/usr/lib/postgresql/N/bin),
// the newest major version when there are several.
func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("no /usr/lib/postgresql/*/bin/postgres: install the postgresql package")
	}
	sort.Slice(found, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[j])))
		return vi < vj
	})
	return found[len(found)-1], nil
}

// startPostgres runs initdb and starts the cluster as its own child
// process (not pg_ctl, so Wait reaps it). settings are postgres -c flags.
func startPostgres(ctx context.Context, t testing.TB, base, name string, settings map[string]string) (*postgres, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := ownForPostgres(dir); err != nil {
		return nil, err
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, err
	}
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"),
		"-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
	initdb.Dir = dir
	initdb.Env = baseEnv()
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := []string{filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		argv = append(argv, "-c", k+"="+settings[k])
	}
	p, err := startProc(ctx, t, procSpec{
		name: "postgres " + name, argv: argv, dir: dir, env: baseEnv(),
		log: filepath.Join(dir, "postgres.log"), asPostgres: true,
		stopSig: syscall.SIGINT, // fast shutdown: do not wait for clients
	})
	if err != nil {
		return nil, err
	}
	pg := &postgres{port: port, dir: dir, proc: p}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = p.waitUntil(wctx, "accepting connections", func() error {
		_, err := pg.psql(wctx, "postgres", "SELECT 1")
		return err
	})
	return pg, err
}

// url is a connection URL to db on this cluster, direct.
func (pg *postgres) url(user, db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s", user, pg.port, db)
}

// psql runs SQL as the superuser and returns the unaligned output.
func (pg *postgres) psql(ctx context.Context, db, sql string) (string, error) {
	return pg.psqlArgs(ctx, db, "-c", sql)
}

func (pg *postgres) psqlArgs(ctx context.Context, db string, args ...string) (string, error) {
	argv := append([]string{"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-p", strconv.Itoa(pg.port), "-U", "postgres", "-d", db}, args...)
	cmd := exec.CommandContext(ctx, "psql", argv...)
	cmd.Env = append(baseEnv(), "PGCONNECT_TIMEOUT=3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// createDatabase makes a fresh database and loads seed (an SQL file) into
// it when seed is not "".
func (pg *postgres) createDatabase(ctx context.Context, db, owner, seed string) error {
	if _, err := pg.psql(ctx, "postgres", fmt.Sprintf(`DROP DATABASE IF EXISTS %q`, db)); err != nil {
		return err
	}
	if _, err := pg.psql(ctx, "postgres", fmt.Sprintf(`CREATE DATABASE %q OWNER %q`, db, owner)); err != nil {
		return err
	}
	if seed == "" {
		return nil
	}
	_, err := pg.psqlArgs(ctx, db, "-f", seed)
	return err
}

// pgbouncer is one PgBouncer in front of a cluster.
type pgbouncer struct {
	port int
	proc *proc
}

// startPgBouncer starts PgBouncer in transaction mode with poolSize server
// connections per database and user, as the Heroku buildpack runs it
// (facts 8.4; PgBouncer 1.18 has no max_prepared_statements). Server
// state outlives clients in transaction mode (no reset query), so each
// run gets a fresh PgBouncer (real-stack-findings.md section 0).
func startPgBouncer(ctx context.Context, t testing.TB, base, name string, pg *postgres, poolSize int) (*pgbouncer, error) {
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := ownForPostgres(dir); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	users := filepath.Join(dir, "userlist.txt")
	if err := os.WriteFile(users, []byte(`"postgres" ""`+"\n"), 0o644); err != nil {
		return nil, err
	}
	ini := fmt.Sprintf(`[databases]
* = host=127.0.0.1 port=%d user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
max_client_conn = 200
`, pg.port, port, users, poolSize)
	iniPath := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(iniPath, []byte(ini), 0o644); err != nil {
		return nil, err
	}
	p, err := startProc(ctx, t, procSpec{
		name: "pgbouncer " + name, argv: []string{"pgbouncer", iniPath}, dir: dir, env: baseEnv(),
		log: filepath.Join(dir, "pgbouncer.log"), asPostgres: true,
		stopSig: syscall.SIGTERM, // immediate shutdown
	})
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	err = p.waitUntil(wctx, "listening", func() error { return dialOK(addr) })
	return &pgbouncer{port: port, proc: p}, err
}

func (b *pgbouncer) url(user, db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s", user, b.port, db)
}

// redisServer is one Redis with persistence off.
type redisServer struct {
	port int
	proc *proc
}

func startRedis(ctx context.Context, t testing.TB, base string) (*redisServer, error) {
	dir := filepath.Join(base, "redis")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p, err := startProc(ctx, t, procSpec{
		name: "redis",
		argv: []string{"redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"},
		dir: dir, env: baseEnv(), log: filepath.Join(dir, "redis.log"),
	})
	if err != nil {
		return nil, err
	}
	r := &redisServer{port: port, proc: p}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = p.waitUntil(wctx, "answering PING", func() error {
		_, err := r.do(wctx, "PING")
		return err
	})
	return r, err
}

func (r *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// baseEnv is the environment every child starts from: only what finding
// programs and a UTF-8 locale need, so a developer's DATABASE_URL or
// PGHOST cannot leak into a run.
func baseEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "LC_ALL=C.UTF-8"}
	if home := os.Getenv("HOME"); home != "" {
		env = append(env, "HOME="+home)
	}
	return env
}
