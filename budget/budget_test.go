package budget

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/rails"
)

var update = flag.Bool("update", false, "rewrite budget/testdata")

const appsDir = "../testdata/apps"

// platformCases are rule cases of other platforms whose budget is worth
// a golden too: each speaks its platform's words (one-off Machines, jobs,
// containers; Fly's release_command; the Redis limit line).
var platformCases = []string{"fly_processes", "render_web_worker_fires", "compose_sidekiq_replicas"}

// TestGolden renders the budget of every budget_* case of testdata/apps
// (and of platformCases) as text and JSON and compares with
// budget/testdata/<case>.txt/.json.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(appsDir, "budget_*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range platformCases {
		cases = append(cases, filepath.Join(appsDir, c))
	}
	n := 0
	for _, dir := range cases {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || strings.HasSuffix(dir, ".fixed") {
			continue
		}
		n++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			app, err := rails.Load(dir, rails.Options{Display: name})
			if err != nil {
				t.Fatal(err)
			}
			var text, js bytes.Buffer
			var apps []App
			for i, b := range app.Budgets() {
				if i > 0 {
					text.WriteString("\n")
				}
				if err := Text(&text, name, b); err != nil {
					t.Fatal(err)
				}
				apps = append(apps, App{Display: name, Budget: b})
			}
			if err := JSON(&js, apps); err != nil {
				t.Fatal(err)
			}
			compare(t, filepath.Join("testdata", name+".txt"), text.String())
			compare(t, filepath.Join("testdata", name+".json"), js.String())
		})
	}
	if n < 5 {
		t.Errorf("only %d budget cases", n)
	}
}

func compare(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden (run go test ./budget -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestTableAlignment(t *testing.T) {
	tb := &table{right: []bool{false, true, false}}
	tb.add("web", "10", "")
	tb.add("worker", "2", "note")
	var buf bytes.Buffer
	tb.write(&buf)
	want := "  web     10\n  worker   2  note\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestLimitLines(t *testing.T) {
	tests := []struct {
		name     string
		total    int
		complete bool
		limit    rails.Limit
		want     string
	}{
		{"unknown limit", 40, true, rails.Limit{}, "total 40|limit ? X"},
		{"lower bound over", 130, false, rails.Limit{N: 120, Known: true, Source: "s"}, "total 130 at least: some connections could not be counted (see the notes)|limit 120 s|headroom -10 over the limit by at least 10"},
		{"lower bound under", 100, false, rails.Limit{N: 120, Known: true, Source: "s"}, "total 100 at least: some connections could not be counted (see the notes)|limit 120 s|headroom ? the total is a lower bound"},
		{"exact fit is tight", 120, true, rails.Limit{N: 120, Known: true, Source: "s"}, "total 120|limit 120 s|headroom 0 100% used: a deploy briefly doubles the web connections"},
		{"unverified", 10, true, rails.Limit{N: 20, Known: true, Source: "s", Unverified: true}, "total 10|limit 20 s (unverified, see the notes)|headroom 10 50% used"},
	}
	for _, tt := range tests {
		var parts []string
		for _, l := range limitLines(tt.total, tt.complete, tt.limit, "X") {
			parts = append(parts, strings.TrimSpace(strings.Join(l[:], " ")))
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseDynos(t *testing.T) {
	got, err := ParseDynos(nil, "web=10, worker=2")
	if err != nil || got["web"] != 10 || got["worker"] != 2 || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	got, err = ParseDynos(got, "web=3,clock=0")
	if err != nil || got["web"] != 3 || got["clock"] != 0 || got["worker"] != 2 {
		t.Fatalf("a repeated flag adds and overrides: %v, %v", got, err)
	}
	for _, bad := range []string{"web", "=3", "web=-1", "web=x", "web=1.5"} {
		if _, err := ParseDynos(nil, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// A count past int says it is too large, not that it is not a number.
	if _, err := ParseDynos(nil, "web=99999999999999999999"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("huge count: %v", err)
	}
}

func TestOver(t *testing.T) {
	for name, want := range map[string]bool{"budget_fires": true, "budget_warns_80": false, "budget_no_limit": false, "budget_pgbouncer": false} {
		app, err := rails.Load(filepath.Join(appsDir, name), rails.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := Over(app.Budget()); got != want {
			t.Errorf("%s: Over = %v, want %v", name, got, want)
		}
	}
}

// Text from the app (a process name, a note quoting a URL) is masked and
// neutralised in the budget table as in the report.
func TestTextIsSafe(t *testing.T) {
	b := rails.Budget{Notes: []rails.Note{{Subject: "web\x1b[2J", Text: "DATABASE_URL=postgres://u:hunter2@h/db\n::error::x"}}}
	var buf bytes.Buffer
	if err := Text(&buf, "app\n::error::forged", b); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if strings.Contains(got, "hunter2") || strings.Contains(got, "\x1b") || strings.Contains(got, "\n::") {
		t.Errorf("unsafe budget text:\n%q", got)
	}
}
