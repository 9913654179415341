//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// scenario is one runtime rule proved on the real stack: an app tree the
// rule flags, the error it fails with, and how it is fixed.
type scenario struct {
	name string // directory under scenarios/
	rule string
	// min is the severity at which the rule claims a runtime failure
	// (RULES.md): the verdict "flags" the app at or above it.
	min rules.Severity
	// errRE matches the documented error the flagged app fails with.
	errRE *regexp.Regexp
	// manualFix, when set, says why the fix is the hand-written one in
	// scenarios/<name>/fixed/ (the rule has no automatic fix); otherwise
	// the app is fixed with poollint --fix.
	manualFix string
	// passesBefore marks a control: the app runs fine before the fix, so
	// the rule should not flag it.
	passesBefore bool
	// known names a disagreement that is reported, not failed on, until
	// the rule changes; the test fails once it is gone, so the note goes.
	known string
	// want checks scenario-specific facts of an outcome ("pool size 5").
	want map[string]string
	// pgbouncer: the app's Procfile lines run through bin/start-pgbouncer.
	pgbouncer bool
	opts      rails.Options
	run       func(ctx context.Context, st *stack, r *run) (outcome, error)
}

var connectionTimeout = regexp.MustCompile(`^ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within \S+ seconds \(waited N seconds\); all pooled connections were in use$`)

func scenarios() []scenario {
	return []scenario{
		{
			// real-stack-findings.md section 1: Puma runs 8 threads (the
			// default written in config/puma.rb), the pool is 5.
			name: "puma_threads", rule: "puma-threads-exceed-pool", min: rules.Error,
			errRE: connectionTimeout,
			run: func(ctx context.Context, st *stack, r *run) (outcome, error) {
				if err := st.connect(ctx, r, ""); err != nil {
					return outcome{}, err
				}
				return r.runWeb(ctx, 1, 8, "/work")
			},
		},
		{
			// Section 2: Sidekiq runs 10 threads (config/sidekiq.yml), the
			// pool follows RAILS_MAX_THREADS, unset on the worker line.
			name: "sidekiq_concurrency", rule: "sidekiq-concurrency-exceeds-pool", min: rules.Error,
			errRE: connectionTimeout,
			run: func(ctx context.Context, st *stack, r *run) (outcome, error) {
				if err := st.connect(ctx, r, ""); err != nil {
					return outcome{}, err
				}
				return r.runWorker(ctx, st.redis, "SleepWorker", 10)
			},
		},
		{
			// Section 3: Puma through PgBouncer 1.18 in transaction mode
			// (2 server connections), prepared statements on.
			name: "pgbouncer_prepared", rule: "pgbouncer-prepared-statements", min: rules.Error,
			errRE:     regexp.MustCompile(`^ActiveRecord::StatementInvalid: PG::(DuplicatePstatement|InvalidSqlStatementName): ERROR: prepared statement "a\d+" (already exists|does not exist)$`),
			pgbouncer: true,
			run: func(ctx context.Context, st *stack, r *run) (outcome, error) {
				if err := st.connect(ctx, r, filepath.Join(st.e2e, "scenarios", "pgbouncer_prepared", "seed.sql")); err != nil {
					return outcome{}, err
				}
				return r.runWeb(ctx, 1, 10, "/widgets")
			},
		},
		{
			// Section 4: the release line migrates through PgBouncer while
			// web traffic holds a server connection (ruby/app_traffic.rb).
			name: "pgbouncer_advisory", rule: "pgbouncer-advisory-locks", min: rules.Warning,
			errRE:     regexp.MustCompile(`^ActiveRecord::ConcurrentMigrationError: Failed to release advisory lock$`),
			pgbouncer: true,
			run: func(ctx context.Context, st *stack, r *run) (outcome, error) {
				if err := st.connect(ctx, r, ""); err != nil {
					return outcome{}, err
				}
				o, code, err := r.runRelease(ctx, "RUBYOPT=-r"+filepath.Join(st.e2e, "ruby", "app_traffic.rb"))
				if err != nil || code != 0 {
					return o, err
				}
				n, err := st.pg.psql(ctx, r.db, "SELECT count(*) FROM schema_migrations")
				o.detail = n + " migrations applied"
				return o, err
			},
		},
		{
			// Section 5: 3 web dynos x 3 threads against a database that
			// takes 7 connections from the app (max_connections 10, 3
			// reserved for superusers). Fixed by hand: 2 dynos.
			name: "connections_limit", rule: "connections-exceed-limit", min: rules.Error,
			errRE:     regexp.MustCompile(`^ActiveRecord::ConnectionNotEstablished: connection to server at "127\.0\.0\.1", port N failed: FATAL: (remaining connection slots are reserved|sorry, too many clients already)`),
			manualFix: "the rule has no automatic fix (RULES.md): app.json runs 2 web dynos instead of 3",
			opts:      rails.Options{Database: rails.DatabaseLimit{MaxConnections: 7}},
			run: func(ctx context.Context, st *stack, r *run) (outcome, error) {
				pg, err := st.limitedCluster(ctx)
				if err != nil {
					return outcome{}, err
				}
				if err := st.connectTo(ctx, r, pg, "app", ""); err != nil {
					return outcome{}, err
				}
				dynos, err := formation(r.app, "web")
				if err != nil {
					return outcome{}, err
				}
				o, err := r.runWeb(ctx, dynos, 3, "/work")
				o.detail = fmt.Sprintf("%d web dynos", dynos)
				return o, err
			},
		},
		{
			// Section 6, as seed 001 wrote it, in an app that loads
			// ActiveRecord::Base before config/initializers/sidekiq.rb runs.
			name: "database_url_pool", rule: "database-url-pool-override", min: rules.Error,
			errRE:     connectionTimeout,
			manualFix: "the rule has no automatic fix (RULES.md): the initializer merges the pool as the message shows",
			want:      map[string]string{"before": "pool size 5", "after": "pool size 25"},
			run:       runSleepJobs,
		},
		{
			// Control for section 6: the same initializer in an app where
			// nothing loaded ActiveRecord::Base before it. Rails 6.1 then
			// builds its configurations from the changed DATABASE_URL when
			// the initializer first touches ActiveRecord::Base, so the pool
			// is 25 and every job runs; poollint only warns (fragile) there.
			name: "database_url_pool_lazy", rule: "database-url-pool-override", min: rules.Error,
			errRE:        connectionTimeout,
			manualFix:    "the rule has no automatic fix (RULES.md): the initializer merges the pool as the message shows",
			passesBefore: true,
			want:         map[string]string{"before": "pool size 25", "after": "pool size 25"},
			run:          runSleepJobs,
		},
	}
}

// runSleepJobs runs ten 1.5 s jobs on the app's Sidekiq worker.
func runSleepJobs(ctx context.Context, st *stack, r *run) (outcome, error) {
	if err := st.connect(ctx, r, ""); err != nil {
		return outcome{}, err
	}
	return r.runWorker(ctx, st.redis, "SleepWorker", 10)
}

// formation reads the dyno count of a process type from app.json.
func formation(app, process string) (int, error) {
	b, err := os.ReadFile(filepath.Join(app, "app.json"))
	if err != nil {
		return 0, err
	}
	var aj struct {
		Formation map[string]struct {
			Quantity int `json:"quantity"`
		} `json:"formation"`
	}
	if err := json.Unmarshal(b, &aj); err != nil {
		return 0, fmt.Errorf("app.json: %w", err)
	}
	f, ok := aj.Formation[process]
	if !ok || f.Quantity < 1 {
		return 0, fmt.Errorf("app.json has no formation for %q", process)
	}
	return f.Quantity, nil
}

// dbName turns a run label into a database name.
func dbName(label string) string {
	return "e2e_" + strings.NewReplacer(" ", "_", "-", "_").Replace(label)
}
