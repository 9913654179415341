package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poollint/poollint/rails"
)

// budget_no_limit runs 10 web dynos × 2 Puma workers × 5 + 3 worker
// dynos × 1 Sidekiq × 10 = 130 connections and names no plan: the limit
// comes from the declaration.
const noLimitTotal = 10*2*5 + 3*1*10

func checkDeclared(t *testing.T, dir string, opts rails.Options) []Diagnostic {
	t.Helper()
	app, err := rails.Load(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return connectionsExceedLimit().Check(app)
}

func TestConnectionsExceedLimitBoundaries(t *testing.T) {
	dir := filepath.Join("..", "testdata", "apps", "budget_no_limit")
	tests := []struct {
		limit int
		want  Severity
		fires bool
	}{
		{noLimitTotal - 1, Error, true},       // 130 > 129
		{noLimitTotal, Warning, true},         // 130 of 130: no headroom for a deploy
		{noLimitTotal * 5 / 4, Warning, true}, // 130 of 162: 80.2%
		{noLimitTotal*5/4 + 1, Info, false},   // 130 of 163: 79.8%
		{1000, Info, false},
	}
	for _, tt := range tests {
		ds := checkDeclared(t, dir, rails.Options{Database: rails.DatabaseLimit{MaxConnections: tt.limit}})
		if (len(ds) > 0) != tt.fires {
			t.Errorf("limit %d: %d diagnostics, want fires=%v", tt.limit, len(ds), tt.fires)
			continue
		}
		if !tt.fires {
			continue
		}
		d := ds[0]
		if d.Severity != tt.want {
			t.Errorf("limit %d: severity %v, want %v", tt.limit, d.Severity, tt.want)
		}
		if !strings.Contains(d.Message, "130") || !strings.Contains(d.Message, "web (10 dynos × 2 processes × 5 = 100)") {
			t.Errorf("limit %d: message %q", tt.limit, d.Message)
		}
		if tt.want == Warning && !strings.Contains(d.Message, "preboot") {
			t.Errorf("the warning must say why headroom matters: %q", d.Message)
		}
		// The declared limit has no span: point at the biggest
		// contributor's dynos in app.json.
		if d.Span.File != "app.json" || d.Span.Start.Line != 4 {
			t.Errorf("location %v", d.Span)
		}
	}
}

func TestConnectionsExceedLimitUnverifiedPlanIsMilder(t *testing.T) {
	dir := filepath.Join("..", "testdata", "apps", "budget_no_limit")
	ds := checkDeclared(t, dir, rails.Options{Database: rails.DatabaseLimit{Plan: "essential-2"}})
	if len(ds) != 1 || ds[0].Severity != Warning || !strings.Contains(ds[0].Message, "unverified") {
		t.Fatalf("got %+v", ds)
	}
}

func TestConnectionsExceedLimitDeclaredOnly(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Gemfile":             "gem 'rails'\n",
		"Gemfile.lock":        "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.3)\n    puma (6.4.2)\n    rails (7.1.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n",
		"Procfile":            "web: bundle exec puma -w 4 -t 5:5\nclock: bundle exec clockwork clock.rb\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: 5\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// 6 dynos × 4 workers × 5 = 120 > 100, and the clock process cannot be
	// counted: the total is a lower bound, which is enough to fire.
	ds := checkDeclared(t, dir, rails.Options{Formation: map[string]int{"web": 6, "clock": 1}, Database: rails.DatabaseLimit{MaxConnections: 100}})
	if len(ds) != 1 {
		t.Fatalf("got %d diagnostics", len(ds))
	}
	d := ds[0]
	if d.Severity != Error || d.Span.File != ".poollint.yml" {
		t.Errorf("severity %v at %v", d.Severity, d.Span)
	}
	for _, want := range []string{"at least 120", "allows 100", "not counted: clock"} {
		if !strings.Contains(d.Message, want) {
			t.Errorf("message lacks %q: %s", want, d.Message)
		}
	}
	// Without a formation every process is assumed to run on 1 dyno, and
	// the message says so.
	ds = checkDeclared(t, dir, rails.Options{Database: rails.DatabaseLimit{MaxConnections: 20}})
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "assuming 1 dyno for web") {
		t.Errorf("got %+v", ds)
	}
}
