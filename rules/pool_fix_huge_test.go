package rules_test

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// The pool fix used to search upward one value at a time: `threads 5,
// 100000000` took over 30 s and a count near the top of int64 never
// ended (the counter wrapped). These apps are written by the test; each
// must get the fix computed directly, with the exact covering value.

func hugeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"Gemfile":             "source \"https://rubygems.org\"\n",
		"Gemfile.lock":        "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.3)\n    puma (6.4.2)\n    rails (7.1.3)\n    solid_queue (1.1.0)\n\nPLATFORMS\n  ruby\n",
		"Procfile":            "web: bundle exec puma -C config/puma.rb\n",
		"config/puma.rb":      "threads 5, 5\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n",
	}
	for k, v := range files {
		base[k] = v
	}
	for rel, text := range base {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fixOf(t *testing.T, dir string, opts rails.Options, rule string) *rules.Fix {
	t.Helper()
	app, err := rails.Load(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range rules.Run(app, rules.Options{}) {
		got = append(got, d.Rule)
		if d.Rule == rule {
			if d.Fix == nil {
				t.Fatalf("%s has no fix: %s", rule, d.Message)
			}
			return d.Fix
		}
	}
	t.Fatalf("no %s finding among %v", rule, got)
	return nil
}

func TestPoolFixHugeThreadCounts(t *testing.T) {
	huge := strconv.Itoa(math.MaxInt)
	cases := []struct {
		name  string
		files map[string]string
		env   map[string]string
		rule  string
		want  string // the new default in the description
	}{
		{name: "threads 5, 100000000", files: map[string]string{"config/puma.rb": "threads 5, 100000000\n"},
			rule: "puma-threads-exceed-pool", want: "from 5 to 100000000"},
		{name: "threads at the top of int64", files: map[string]string{"config/puma.rb": "threads 5, " + huge + "\n"},
			rule: "puma-threads-exceed-pool", want: "from 5 to " + huge},
		{name: "Procfile -t 5:1000000000", files: map[string]string{"Procfile": "web: bundle exec puma -t 5:1000000000\n", "config/puma.rb": ""},
			rule: "puma-threads-exceed-pool", want: "from 5 to 1000000000"},
		{name: "a sum with a huge term", files: map[string]string{"config/puma.rb": "threads 5, 1000000000\n",
			"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\", 5).to_i + 3 %>\n"},
			rule: "puma-threads-exceed-pool", want: "from 5 to 999999997"},
		{name: "a product", files: map[string]string{"config/puma.rb": "threads 5, 1000000001\n",
			"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"DB_POOL\", 5).to_i * 2 %>\n"},
			rule: "puma-threads-exceed-pool", want: "from 5 to 500000001"},
		{name: "solid queue threads 1e9", files: map[string]string{
			"Procfile":            "jobs: bundle exec rails solid_queue:start\n",
			"config/queue.yml":    "production:\n  workers:\n    - queues: \"*\"\n      threads: 1000000000\n",
			"config/puma.rb":      "",
			"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n"},
			rule: "job-threads-exceed-pool", want: "from 5 to 1000000002"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := hugeApp(t, c.files)
			fix := fixOf(t, dir, rails.Options{Env: c.env}, c.rule)
			if !strings.Contains(fix.Description, c.want) {
				t.Errorf("fix %q, want it to raise %s", fix.Description, c.want)
			}
		})
	}
}

// --env RAILS_MAX_THREADS=1000000000 makes the threads huge through the
// environment; the pool's own variable keeps its written default, which
// the fix raises to exactly the threads.
func TestPoolFixHugeEnv(t *testing.T) {
	dir := hugeApp(t, map[string]string{"config/puma.rb": "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 5 }\nthreads threads_count, threads_count\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"DB_POOL\") { 5 } %>\n"})
	fix := fixOf(t, dir, rails.Options{Env: map[string]string{"RAILS_MAX_THREADS": "1000000000"}}, "puma-threads-exceed-pool")
	if !strings.Contains(fix.Description, "DB_POOL in the production pool from 5 to 1000000000") {
		t.Errorf("fix %q, want the pool raised to 1000000000", fix.Description)
	}
}
