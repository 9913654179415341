package rules

import (
	"sort"
	"testing"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
)

// applyEdits applies edits to src (offsets into src), last first.
func applyEdits(t *testing.T, src []byte, edits []fixer.Edit) []byte {
	t.Helper()
	sorted := append([]fixer.Edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start > sorted[j].Start })
	out := append([]byte(nil), src...)
	for _, e := range sorted {
		if e.Start < 0 || e.End > len(out) || e.Start > e.End {
			t.Fatalf("edit %+v outside the file (%d bytes)", e, len(out))
		}
		out = append(out[:e.Start], append([]byte(e.NewText), out[e.End:]...)...)
	}
	return out
}

func parseDoc(t *testing.T, src string) *parser.YAMLDoc {
	t.Helper()
	doc, err := parser.ParseYAML(parser.NewFile("config/database.yml", "", []byte(src)))
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return doc
}

// envKeyOffset is where the key env starts in the top-level mapping.
func envKeyOffset(t *testing.T, doc *parser.YAMLDoc, env string) int {
	t.Helper()
	_, key := doc.Lookup(doc.Root, env)
	if key == nil {
		t.Fatalf("no %s key", env)
	}
	return doc.Span(key).Start.Offset
}

func TestSetKeyIn(t *testing.T) {
	tests := []struct {
		name, src, want string
		shared          string
	}{
		{
			name: "merge then own keys",
			src:  "default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n  database: app\n",
			want: "default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n  database: app\n  prepared_statements: false\n",
		},
		{
			name: "only a merge key",
			src:  "default: &default\n  pool: 5\nproduction:\n  <<: *default\n",
			want: "default: &default\n  pool: 5\nproduction:\n  <<: *default\n  prepared_statements: false\n",
		},
		{
			name: "four-space indent, nested last value, trailing comment",
			src:  "production:\n    adapter: postgresql\n    variables:\n        statement_timeout: 5000 # ms\ntest:\n    adapter: sqlite3\n",
			want: "production:\n    adapter: postgresql\n    variables:\n        statement_timeout: 5000 # ms\n    prepared_statements: false\ntest:\n    adapter: sqlite3\n",
		},
		{
			name: "CRLF and an existing value with a comment",
			src:  "production:\r\n  adapter: postgresql\r\n  prepared_statements: true # default\r\n",
			want: "production:\r\n  adapter: postgresql\r\n  prepared_statements: false # default\r\n",
		},
		{
			name: "CRLF, appended",
			src:  "production:\r\n  adapter: postgresql\r\n",
			want: "production:\r\n  adapter: postgresql\r\n  prepared_statements: false\r\n",
		},
		{
			name: "ERB last value, no final newline",
			src:  "production:\n  url: <%= ENV[\"DATABASE_URL\"] %>\n  pool: <%= ENV.fetch(\"X\") { 5 } %>",
			want: "production:\n  url: <%= ENV[\"DATABASE_URL\"] %>\n  pool: <%= ENV.fetch(\"X\") { 5 } %>\n  prepared_statements: false",
		},
		{
			name: "flow mapping",
			src:  "production: {adapter: postgresql, pool: 5}\n",
			want: "production: {adapter: postgresql, pool: 5, prepared_statements: false}\n",
		},
		{
			name: "empty value of an existing key",
			src:  "production:\n  prepared_statements:\n  pool: 5\n",
			want: "production:\n  prepared_statements: false\n  pool: 5\n",
		},
		{
			name:   "anchored mapping merged elsewhere",
			src:    "production: &prod\n  adapter: postgresql\nstaging:\n  <<: *prod\n",
			want:   "production: &prod\n  adapter: postgresql\n  prepared_statements: false\nstaging:\n  <<: *prod\n",
			shared: "prod",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseDoc(t, tt.src)
			ke, ok := setKeyIn(doc, envKeyOffset(t, doc, "production"), "prepared_statements", "false")
			if !ok {
				t.Fatal("no edit")
			}
			got := string(applyEdits(t, doc.File.Src, ke.Edits))
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if ke.SharedAnchor != tt.shared {
				t.Errorf("shared anchor %q, want %q", ke.SharedAnchor, tt.shared)
			}
			after := parseDoc(t, got)
			env, _ := after.Lookup(after.Root, "production")
			v, _ := after.Lookup(env, "prepared_statements")
			if v == nil || v.Value != "false" || v.Tag != "!!bool" {
				t.Errorf("after the edit prepared_statements is %+v, want the boolean false", v)
			}
		})
	}
}

func TestSetKeyInRefuses(t *testing.T) {
	tests := []struct{ name, src string }{
		{"alias of another mapping", "default: &default\n  pool: 5\nproduction: *default\n"},
		{"own key overridden by a later merge", "default: &default\n  prepared_statements: true\nproduction:\n  prepared_statements: false\n  <<: *default\n"},
		{"not a mapping", "production: postgres://x/y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseDoc(t, tt.src)
			if ke, ok := setKeyIn(doc, envKeyOffset(t, doc, "production"), "prepared_statements", "false"); ok {
				t.Errorf("got edits %+v, want none", ke.Edits)
			}
		})
	}
}

func TestAddKeyNested(t *testing.T) {
	src := "production:\n  primary:\n    adapter: postgresql\n  queue:\n    adapter: postgresql\n"
	doc := parseDoc(t, src)
	env, _ := doc.Lookup(doc.Root, "production")
	primary, _ := doc.Lookup(env, "primary")
	got := string(applyEdits(t, doc.File.Src, AddKey(doc, primary, "advisory_locks", "false")))
	want := "production:\n  primary:\n    adapter: postgresql\n    advisory_locks: false\n  queue:\n    adapter: postgresql\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
