package rails

import (
	"testing"

	"github.com/poollint/poollint/parser"
)

// rubyValue builds the Value of the last statement of src.
func rubyValue(t *testing.T, src string) *Value {
	t.Helper()
	f := parser.NewFile("x.rb", "x.rb", []byte(src))
	r, err := parser.ParseRuby(f)
	if err != nil || r.HasErrors {
		t.Fatalf("parse %q: %v (errors %v)", src, err, r != nil && r.HasErrors)
	}
	stmts := topStatements(r)
	return ValueFromRuby(r, stmts[len(stmts)-1])
}

func TestValueFromRuby(t *testing.T) {
	tests := []struct {
		src     string
		env     map[string]string
		sidekiq bool
		want    int
		kind    ResultKind
		unset   []string
	}{
		{src: `5`, want: 5, kind: RInt},
		{src: `Integer(ENV['X'] || 5)`, want: 5, kind: RInt, unset: []string{"X"}},
		{src: `Integer(ENV['X'] || 5)`, env: map[string]string{"X": "8"}, want: 8, kind: RInt},
		{src: `ENV.fetch('X') { 5 }.to_i`, want: 5, kind: RInt, unset: []string{"X"}},
		{src: `ENV.fetch("X", 3)`, want: 3, kind: RInt, unset: []string{"X"}},
		{src: `ENV.fetch("X", 3)`, env: map[string]string{"X": "12"}, want: 12, kind: RInt},
		{src: `ENV['X'].presence || "20"`, want: 20, kind: RInt, unset: []string{"X"}},
		{src: `ENV['X'].presence || "20"`, env: map[string]string{"X": ""}, want: 20, kind: RInt},
		{src: `[Integer(ENV.fetch("A", 5)), Integer(ENV.fetch("B", 5))].max`, env: map[string]string{"B": "9"}, want: 9, kind: RInt, unset: []string{"A"}},
		{src: `ENV['C'].to_i + 100`, want: 100, kind: RInt, unset: []string{"C"}},
		{src: `ENV['C'].to_i + 100`, env: map[string]string{"C": "7"}, want: 107, kind: RInt},
		{src: "threads_count = ENV.fetch('MAX_THREADS') { 4 }\nthreads_count", want: 4, kind: RInt, unset: []string{"MAX_THREADS"}},
		{src: `ENV.fetch("DATABASE_POOL_SIZE") { ENV.fetch("RAILS_MAX_THREADS", 5).to_i }`, env: map[string]string{"RAILS_MAX_THREADS": "11"}, want: 11, kind: RInt, unset: []string{"DATABASE_POOL_SIZE"}},
		{src: `Sidekiq.server? ? ENV.fetch('SC', 10) : ENV.fetch('RMT', 5)`, sidekiq: true, want: 10, kind: RInt, unset: []string{"SC"}},
		{src: `Sidekiq.server? ? ENV.fetch('SC', 10) : ENV.fetch('RMT', 5)`, want: 5, kind: RInt, unset: []string{"RMT"}},
		{src: `ENV["DB_POOL"] || ENV['MAX_THREADS'] || 5`, env: map[string]string{"MAX_THREADS": "3"}, want: 3, kind: RInt, unset: []string{"DB_POOL"}},
		{src: `ENV['DB_POOL_SIZE']`, kind: RNil, unset: []string{"DB_POOL_SIZE"}},
		{src: "ENV.fetch(\"R\") {\n  if ENV.fetch(\"RAILS_ENV\") == \"production\"\n    10\n  else\n    3\n  end\n}", env: map[string]string{"RAILS_ENV": "production"}, want: 10, kind: RInt, unset: []string{"R"}},
		{src: "ENV.fetch(\"R\") {\n  if ENV.fetch(\"RAILS_ENV\") == \"production\"\n    10\n  else\n    3\n  end\n}", env: map[string]string{"RAILS_ENV": "development"}, want: 3, kind: RInt, unset: []string{"R"}},
		{src: `"#{ENV.fetch('W', 2)}"`, want: 2, kind: RInt, unset: []string{"W"}},
		{src: `(Concurrent.processor_count * 0.666).ceil`, kind: RUnknown},
		{src: `ENV.fetch("X")`, kind: RUnknown},
		{src: `Integer(ENV["X"])`, kind: RUnknown},
		{src: `ENV["X"].to_i`, want: 0, kind: RInt, unset: []string{"X"}},
		{src: "a = 1\na = 2\na", kind: RUnknown},
	}
	for _, tt := range tests {
		v := rubyValue(t, tt.src)
		got := v.Eval(Env{Vars: tt.env, Sidekiq: tt.sidekiq})
		if got.Kind != tt.kind || (tt.kind == RInt && got.Int != tt.want) {
			t.Errorf("%s with %v: got %+v, want kind %d value %d", tt.src, tt.env, got, tt.kind, tt.want)
		}
		if tt.kind != RUnknown && !equalStrings(got.Unset, tt.unset) {
			t.Errorf("%s: unset = %v, want %v", tt.src, got.Unset, tt.unset)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestShellWordValues(t *testing.T) {
	f := parser.NewFile("Procfile", "Procfile", []byte("worker: RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq -c ${C-4}\nweb: bundle exec puma -t 0:${MAX:-16}\n"))
	pf := parser.ParseProcfile(f)
	if len(pf.Entries) != 2 {
		t.Fatalf("entries = %d", len(pf.Entries))
	}
	rmt := ValueFromWord(pf.Entries[0].Env[0].Value)
	if r := rmt.Eval(Env{}); r.Int != 10 || !equalStrings(r.Unset, []string{"SIDEKIQ_RAILS_MAX_THREADS"}) {
		t.Errorf("RAILS_MAX_THREADS word = %+v", r)
	}
	if r := rmt.Eval(Env{Vars: map[string]string{"SIDEKIQ_RAILS_MAX_THREADS": ""}}); r.Int != 10 {
		t.Errorf(":- must treat empty as unset, got %+v", r)
	}
	c, _, ok := parser.Flag(pf.Entries[0].Argv, "-c")
	if !ok {
		t.Fatal("no -c")
	}
	if r := ValueFromWord(c).Eval(Env{Vars: map[string]string{"C": ""}}); r.Kind != RNil {
		t.Errorf("${C-4} with C empty must stay empty, got %+v", r)
	}
	tw, _, _ := parser.Flag(pf.Entries[1].Argv, "-t")
	if r := threadsMaxFromWord(tw).Eval(Env{}); r.Int != 16 {
		t.Errorf("-t 0:${MAX:-16} max = %+v", r)
	}
}
