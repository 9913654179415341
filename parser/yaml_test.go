package parser

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func parseYAMLString(t *testing.T, src string) *YAMLDoc {
	t.Helper()
	d, err := ParseYAML(NewFile("config/database.yml", "/app/config/database.yml", []byte(src)))
	if err != nil {
		t.Fatalf("ParseYAML: %v", err)
	}
	return d
}

// path looks up a chain of keys from the root, failing the test when one
// is missing.
func yamlPath(t *testing.T, d *YAMLDoc, keys ...string) *yaml.Node {
	t.Helper()
	n := d.Root
	for _, k := range keys {
		v, _ := d.Lookup(n, k)
		if v == nil {
			t.Fatalf("no key %q on the path %v", k, keys)
		}
		n = v
	}
	return n
}

// spanText is the original source a span covers.
func yamlSpanText(d *YAMLDoc, s Span) string { return string(d.File.Src[s.Start.Offset:s.End.Offset]) }

func TestYAMLScalarSpans(t *testing.T) {
	type want struct {
		text            string
		line, col, off  int
		endLine, endCol int
	}
	tests := []struct {
		name string
		src  string
		path []string
		want want
	}{
		{
			name: "plain int",
			src:  "development:\n  adapter: postgresql\n  pool: 5\n",
			path: []string{"development", "pool"},
			want: want{text: "5", line: 3, col: 9, off: 43, endLine: 3, endCol: 10},
		},
		{
			name: "single-quoted with quotes",
			src:  "a:\n  host: 'db.example.com'\n",
			path: []string{"a", "host"},
			want: want{text: "'db.example.com'", line: 2, col: 9, off: 11, endLine: 2, endCol: 25},
		},
		{
			name: "double-quoted with escapes",
			src:  `password: "p\"4mjo!" # hi` + "\n",
			path: []string{"password"},
			want: want{text: `"p\"4mjo!"`, line: 1, col: 11, off: 10, endLine: 1, endCol: 21},
		},
		{
			name: "BOM file, first line",
			src:  "\uFEFFpool: 5\nname: \"x\"\n",
			path: []string{"pool"},
			want: want{text: "5", line: 1, col: 10, off: 9, endLine: 1, endCol: 11},
		},
		{
			name: "BOM file, second line",
			src:  "\uFEFFpool: 5\nname: \"x\"\n",
			path: []string{"name"},
			want: want{text: `"x"`, line: 2, col: 7, off: 17, endLine: 2, endCol: 10},
		},
		{
			name: "CRLF file",
			src:  "production:\r\n  adapter: mysql2\r\n  pool: 25\r\n",
			path: []string{"production", "pool"},
			want: want{text: "25", line: 3, col: 9, off: 40, endLine: 3, endCol: 11},
		},
		{
			name: "multi-byte runes before the value",
			src:  "naïve: ünïcode\n",
			path: []string{"naïve"},
			want: want{text: "ünïcode", line: 1, col: 9, off: 8, endLine: 1, endCol: 18},
		},
		{
			name: "tab before a comment",
			src:  "pool: 5 \t# comment\n",
			path: []string{"pool"},
			want: want{text: "5", line: 1, col: 7, off: 6, endLine: 1, endCol: 8},
		},
		{
			name: "anchored scalar excludes the anchor",
			src:  "a: &p 5\nb: *p\n",
			path: []string{"b"},
			want: want{text: "5", line: 1, col: 7, off: 6, endLine: 1, endCol: 8},
		},
		{
			// Anchor names are [0-9A-Za-z_-]+, so "&a:x: 1" anchors the
			// key ":x" (found by FuzzParseYAML).
			name: "anchor glued to a key",
			src:  "a:\n&k:x: 1\n",
			path: []string{":x"},
			want: want{text: "1", line: 2, col: 7, off: 9, endLine: 2, endCol: 8},
		},
		{
			name: "multi-line plain scalar",
			src:  "a: one\n  two\n\n  three\nb: 1\n",
			path: []string{"a"},
			want: want{text: "one\n  two\n\n  three", line: 1, col: 4, off: 3, endLine: 4, endCol: 8},
		},
		{
			name: "literal block scalar",
			src:  "a: |\n  x\n   y\n\nb: 1\n",
			path: []string{"a"},
			want: want{text: "|\n  x\n   y", line: 1, col: 4, off: 3, endLine: 3, endCol: 5},
		},
		{
			name: "flow mapping value",
			src:  "a: {pool: 5, timeout: 10}\n",
			path: []string{"a", "timeout"},
			want: want{text: "10", line: 1, col: 23, off: 22, endLine: 1, endCol: 25},
		},
		{
			name: "ERB placeholder spans the whole tag",
			src:  "pool: <%= ENV.fetch('X') { 5 } %> # threads\n",
			path: []string{"pool"},
			want: want{text: "<%= ENV.fetch('X') { 5 } %>", line: 1, col: 7, off: 6, endLine: 1, endCol: 34},
		},
		{
			name: "quoted ERB",
			src:  "pool: '<%= ENV['X'] %>'\n",
			path: []string{"pool"},
			want: want{text: "'<%= ENV['X'] %>'", line: 1, col: 7, off: 6, endLine: 1, endCol: 24},
		},
		{
			name: "multi-line ERB tag",
			src:  "pool: <%= ENV.fetch(\n  'X') { 5 } %>\ntimeout: 5000\n",
			path: []string{"pool"},
			want: want{text: "<%= ENV.fetch(\n  'X') { 5 } %>", line: 1, col: 7, off: 6, endLine: 2, endCol: 16},
		},
		{
			name: "ERB with text around",
			src:  "database: myapp_<%= Rails.env %>_db\n",
			path: []string{"database"},
			want: want{text: "myapp_<%= Rails.env %>_db", line: 1, col: 11, off: 10, endLine: 1, endCol: 36},
		},
		{
			name: "ERB ternary with quotes and a colon",
			src:  "database: <%= ENV[\"CI\"] ? \"good_job_test\" : \"good_job_development\" %>\npool: 5\n",
			path: []string{"database"},
			want: want{text: `<%= ENV["CI"] ? "good_job_test" : "good_job_development" %>`, line: 1, col: 11, off: 10, endLine: 1, endCol: 70},
		},
		{
			name: "CRLF with ERB",
			src:  "a:\r\n  pool: <%= ENV['P'] %>\r\n",
			path: []string{"a", "pool"},
			want: want{text: "<%= ENV['P'] %>", line: 2, col: 9, off: 12, endLine: 2, endCol: 24},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseYAMLString(t, tt.src)
			s := d.Span(yamlPath(t, d, tt.path...))
			got := want{
				text: yamlSpanText(d, s),
				line: s.Start.Line, col: s.Start.Col, off: s.Start.Offset,
				endLine: s.End.Line, endCol: s.End.Col,
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("span (-want +got):\n%s", diff)
			}
			if s.File != "config/database.yml" {
				t.Errorf("span file = %q", s.File)
			}
		})
	}
}

func TestYAMLCollectionAndKeySpans(t *testing.T) {
	src := "default: &default\n  adapter: postgresql\n  pool: 5\n\nlist: [a, b]\nempty: {}\n"
	d := parseYAMLString(t, src)
	def := yamlPath(t, d, "default")
	if got := yamlSpanText(d, d.Span(def)); got != "&default\n  adapter: postgresql\n  pool: 5" {
		t.Errorf("mapping span = %q", got)
	}
	if got := yamlSpanText(d, d.Span(yamlPath(t, d, "list"))); got != "[a, b]" {
		t.Errorf("flow sequence span = %q", got)
	}
	if got := yamlSpanText(d, d.Span(yamlPath(t, d, "empty"))); got != "{}" {
		t.Errorf("empty flow mapping span = %q", got)
	}
	glued := parseYAMLString(t, "a:\n&k:x: 1\n")
	if _, k := glued.Lookup(glued.Root, ":x"); yamlSpanText(glued, glued.Span(k)) != ":x" {
		t.Errorf("anchored key span = %q, want \":x\"", yamlSpanText(glued, glued.Span(k)))
	}
	_, key := d.Lookup(def, "pool")
	if s := d.Span(key); yamlSpanText(d, s) != "pool" || s.Start.Line != 3 || s.Start.Col != 3 {
		t.Errorf("key span = %v %q", s, yamlSpanText(d, s))
	}
	if got := d.Span(nil); !got.IsZero() {
		t.Errorf("Span(nil) = %v, want zero", got)
	}
}

func TestYAMLScalarValues(t *testing.T) {
	src := ":concurrency: 10\nreaping_frequency: nil\npool: 25\nnull_pool:\nyes_str: 'yes'\n"
	d := parseYAMLString(t, src)
	tests := []struct {
		key, tag, value string
	}{
		{":concurrency", "!!int", "10"},
		{"reaping_frequency", "!!str", "nil"},
		{"pool", "!!int", "25"},
		{"null_pool", "!!null", ""},
		{"yes_str", "!!str", "yes"},
	}
	for _, tt := range tests {
		v, k := d.Lookup(d.Root, tt.key)
		if v == nil || k == nil {
			t.Fatalf("Lookup(%q) missing", tt.key)
		}
		if v.Tag != tt.tag || v.Value != tt.value {
			t.Errorf("Lookup(%q) = %s %q, want %s %q", tt.key, v.Tag, v.Value, tt.tag, tt.value)
		}
	}
	if v, k := d.Lookup(d.Root, "concurrency"); v != nil || k != nil {
		t.Errorf(`"concurrency" must not match ":concurrency"`)
	}
	// An empty value is a point right after the colon.
	v, _ := d.Lookup(d.Root, "null_pool")
	if s := d.Span(v); s.Start != s.End || s.Start.Line != 4 || s.Start.Col != 11 {
		t.Errorf("null value span = %+v", s)
	}
}

func TestYAMLEmptyAndOddFiles(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantRoot bool
	}{
		{name: "empty", src: ""},
		{name: "only comments", src: "# nothing\n  # here\n"},
		{name: "only a document marker", src: "---\n"},
		{name: "only whitespace and a BOM", src: "\uFEFF\n\n"},
		{name: "only an ERB comment", src: "<%# generated %>\n"},
		{name: "multi-document uses the first", src: "a: 1\n---\nb: [\n", wantRoot: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseYAMLString(t, tt.src)
			if (d.Root != nil) != tt.wantRoot {
				t.Fatalf("Root = %v, want present=%v", d.Root, tt.wantRoot)
			}
			if d.Root != nil {
				if v, _ := d.Lookup(d.Root, "a"); v == nil || v.Value != "1" {
					t.Errorf("first document not used")
				}
				if v, _ := d.Lookup(d.Root, "b"); v != nil {
					t.Errorf("second document leaked in")
				}
			}
			if d.DynamicStructure {
				t.Errorf("DynamicStructure set: %s", d.DynamicReason)
			}
		})
	}
}

func TestYAMLErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantText []string
		wantERB  bool
	}{
		{
			name:     "mapping values on line 3",
			src:      "a:\n  b: 1\nc: d: e\n",
			wantLine: 3,
			wantText: []string{"config/database.yml:3: mapping values are not allowed in this context"},
		},
		{
			name:     "error on line 1 (yaml.v3 omits the line)",
			src:      "a: b: c\n",
			wantLine: 1,
			wantText: []string{"config/database.yml:1: mapping values are not allowed in this context"},
		},
		{
			name:     "parser error (yaml.v3 reports the line before)",
			src:      "a:\n  b: 1\n c: 2\n",
			wantLine: 3,
			wantText: []string{"config/database.yml:3: did not find expected key"},
		},
		{
			name:     "unclosed quote is reported where it opens",
			src:      "a: 1\nb: 'x\nc: 2\n",
			wantLine: 2,
		},
		{
			name:     "multi-line quoted scalar before the error",
			src:      "a: \"x\n  y\"\nb: 1\nc: d: e\n",
			wantLine: 4,
		},
		{
			name:     "multi-line flow sequence before the error",
			src:      "list: [a,\n  b]\nx: y: z\n",
			wantLine: 3,
		},
		{
			name:     "error on line 1 of a long file",
			src:      "a: b: c\n" + strings.Repeat("key: value\n", 3000),
			wantLine: 1,
		},
		{
			name:     "error deep in a long file",
			src:      strings.Repeat("key: value\n", 1500) + "a:\n  b: 1\n c: 2\n" + strings.Repeat("key: value\n", 1500),
			wantLine: 1503,
		},
		{
			name:     "invalid even after ERB (sidekiq.yml.example)",
			src:      "--\n:concurrency: 5\n",
			wantLine: 2,
			wantText: []string{":2: mapping values are not allowed"},
		},
		{
			name:     "CRLF error line",
			src:      "a: 1\r\nb: 2\r\nc: d: e\r\n",
			wantLine: 3,
		},
		{
			name:     "tab indentation",
			src:      "a:\n\tb: 1\n",
			wantLine: 2,
		},
		{
			name:     "binary junk",
			src:      "\x00\x01\x02\xff\xfe garbage",
			wantLine: 1,
			wantText: []string{"control characters are not allowed"},
		},
		{
			name:     "invalid UTF-8 on line 2",
			src:      "a: 1\nb: \xff\n",
			wantLine: 2,
		},
		{
			name:     "UTF-16 is refused",
			src:      "\xff\xfea\x00:\x00",
			wantLine: 1,
			wantText: []string{"UTF-16"},
		},
		{
			name:     "unterminated ERB tag",
			src:      "a: 1\npool: <%= ENV['X']\n",
			wantLine: 2,
			wantText: []string{"config/database.yml:2: unterminated ERB tag"},
		},
		{
			name:     "unknown alias",
			src:      "a:\n  <<: *missing\n",
			wantLine: 2,
			wantText: []string{"unknown anchor 'missing' referenced"},
		},
		{
			name:     "ERB computes the alias name",
			src:      "mysql: &mysql\n  pool: 5\nproduction:\n  <<: *<%= ENV['DB'] || \"mysql\" %>\n",
			wantLine: 4,
			wantText: []string{"generated by ERB", "names an anchor, alias or tag", "line 4"},
			wantERB:  true,
		},
		{
			name:     "ERB control flow that breaks the masked YAML",
			src:      "production:\n<% if ENV['X'] %>\n  pool: 5\n<% else %>\n pool: 6\n<% end %>\n",
			wantLine: 5,
			wantText: []string{"config/database.yml:5: the YAML structure is generated by ERB", "`<% if ENV['X'] %>` on line 2"},
			wantERB:  true,
		},
		{
			name:     "ERB output as a key",
			src:      "<%= Rails.env %>: a\n  pool: 5\n",
			wantLine: 2,
			wantText: []string{"computes a mapping key"},
			wantERB:  true,
		},
		{
			name:     "alias expansion bomb",
			src:      aliasBomb(6, 8),
			wantText: []string{"too many aliases"},
			wantLine: 5, // l4's aliases pass the bound
		},
		{
			name:     "alias inside its own anchor",
			src:      "a: &a\n  b: [*a]\n",
			wantLine: 2,
			wantText: []string{"too many aliases", "*a"},
		},
		{
			name:     "merge of itself",
			src:      "a: &a\n  <<: *a\n",
			wantLine: 2,
			wantText: []string{"too many aliases"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseYAML(NewFile("config/database.yml", "", []byte(tt.src)))
			if err == nil {
				t.Fatalf("ParseYAML succeeded (root %v), want an error", d.Root)
			}
			var ye *YAMLError
			if !errors.As(err, &ye) {
				t.Fatalf("error %v is not a *YAMLError", err)
			}
			if ye.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", ye.Line, tt.wantLine, err)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if (ye.ERBReason != "") != tt.wantERB {
				t.Errorf("ERBReason = %q, want set=%v", ye.ERBReason, tt.wantERB)
			}
		})
	}
}

// aliasBomb builds a "billion laughs" document: levels anchors, each a
// list of width aliases of the previous one.
func aliasBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := 0; j < width; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestYAMLModerateAliasesAreFine(t *testing.T) {
	d := parseYAMLString(t, aliasBomb(3, 8)) // 8*8*2 scalars: well under the bound
	if d.Root == nil {
		t.Fatal("no root")
	}
}

const rails8DatabaseYML = `default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: app_development

production:
  primary: &primary_production
    <<: *default
    database: app_production
    username: app
    password: <%= ENV["APP_DATABASE_PASSWORD"] %>
  cache:
    <<: *primary_production
    database: app_production_cache
    migrations_paths: db/cache_migrate
  queue:
    <<: *primary_production
    database: app_production_queue
    migrations_paths: db/queue_migrate
`

func TestLookupMergeKeys(t *testing.T) {
	type result struct {
		value   string // scalar value, or "<nil>"
		keyLine int    // line of the defining key node
	}
	tests := []struct {
		name string
		src  string
		path []string // mapping path; the last element is the key looked up
		want result
	}{
		{
			name: "Rails 8 template: queue inherits pool from default through primary",
			src:  rails8DatabaseYML,
			path: []string{"production", "queue", "pool"},
			want: result{value: "ERB" + strings.Repeat("_", 40), keyLine: 4},
		},
		{
			name: "Rails 8 template: explicit key after the merge wins",
			src:  rails8DatabaseYML,
			path: []string{"production", "queue", "database"},
			want: result{value: "app_production_queue", keyLine: 22},
		},
		{
			name: "Rails 8 template: inherited from the middle anchor",
			src:  rails8DatabaseYML,
			path: []string{"production", "cache", "username"},
			want: result{value: "app", keyLine: 14},
		},
		{
			name: "explicit key after the merge key wins",
			src:  "pg: &pg\n  pool: 1\nproduction:\n  <<: *pg\n  pool: 2\n",
			path: []string{"production", "pool"},
			want: result{value: "2", keyLine: 5},
		},
		{
			// Psych writes entries in order, so a merge placed last
			// overwrites the explicit key before it (Psych 4.0.4:
			// {"pool"=>1}). The YAML merge draft says the opposite.
			name: "merge key after explicit keys overrides them, as in Psych",
			src:  "pg: &pg\n  pool: 1\n  host: a\nproduction:\n  pool: 2\n  <<: *pg\n",
			path: []string{"production", "pool"},
			want: result{value: "1", keyLine: 2},
		},
		{
			name: "merge key after explicit keys: keys it lacks stay",
			src:  "pg: &pg\n  host: a\nproduction:\n  pool: 2\n  <<: *pg\n",
			path: []string{"production", "pool"},
			want: result{value: "2", keyLine: 4},
		},
		{
			name: "list merge: the earlier mapping wins",
			src:  "a: &a\n  pool: 1\nb: &b\n  pool: 2\n  host: b\nc:\n  <<: [*a, *b]\n",
			path: []string{"c", "pool"},
			want: result{value: "1", keyLine: 2},
		},
		{
			name: "list merge: keys only in the later mapping",
			src:  "a: &a\n  pool: 1\nb: &b\n  pool: 2\n  host: b\nc:\n  <<: [*a, *b]\n",
			path: []string{"c", "host"},
			want: result{value: "b", keyLine: 5},
		},
		{
			name: "two merge keys: the later one wins",
			src:  "common: &common\n  pool: 1\n  host: c\ndev: &dev\n  pool: 2\ndevelopment:\n  <<: *common\n  <<: *dev\n",
			path: []string{"development", "pool"},
			want: result{value: "2", keyLine: 5},
		},
		{
			name: "two merge keys: keys of the first stay",
			src:  "common: &common\n  pool: 1\n  host: c\ndev: &dev\n  pool: 2\ndevelopment:\n  <<: *common\n  <<: *dev\n",
			path: []string{"development", "host"},
			want: result{value: "c", keyLine: 3},
		},
		{
			name: "chained anchors",
			src: "postgresql: &postgresql\n  adapter: postgresql\n  pool: 7\n" +
				"common: &common\n  <<: *postgresql\n  host: h\n" +
				"combined: &combined\n  <<: *common\n  database: d\n" +
				"production:\n  <<: *combined\n",
			path: []string{"production", "pool"},
			want: result{value: "7", keyLine: 3},
		},
		{
			name: "inline mapping merge",
			src:  "a:\n  <<: {pool: 3}\n",
			path: []string{"a", "pool"},
			want: result{value: "3", keyLine: 2},
		},
		{
			name: "quoted << is still a merge key in Psych",
			src:  "a: &a\n  pool: 3\nb:\n  \"<<\": *a\n",
			path: []string{"b", "pool"},
			want: result{value: "3", keyLine: 2},
		},
		{
			name: "!!str << is an ordinary key",
			src:  "a: &a\n  pool: 3\nb:\n  !!str <<: *a\n",
			path: []string{"b", "pool"},
			want: result{value: "<nil>"},
		},
		{
			name: "merging null keeps << as a key",
			src:  "defaults: &defaults\ndevelopment:\n  <<: *defaults\n  pool: 1\n",
			path: []string{"development", "<<"},
			want: result{value: "", keyLine: 3},
		},
		{
			name: "merging a list with a non-mapping keeps << as a key",
			src:  "h: &h [1]\nd: &d {pool: 1}\nx:\n  <<: [*d, *h]\n",
			path: []string{"x", "pool"},
			want: result{value: "<nil>"},
		},
		{
			name: "octopus shard merges the top-level default",
			src:  "default: &default\n  adapter: mysql2\n  pool: 5\noctopus:\n  production:\n    slave1:\n      <<: *default\n      host: s1\n",
			path: []string{"octopus", "production", "slave1", "pool"},
			want: result{value: "5", keyLine: 3},
		},
		{
			name: "duplicate explicit key: the last wins",
			src:  "a:\n  pool: 1\n  pool: 2\n",
			path: []string{"a", "pool"},
			want: result{value: "2", keyLine: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseYAMLString(t, tt.src)
			m := yamlPath(t, d, tt.path[:len(tt.path)-1]...)
			v, k := d.Lookup(m, tt.path[len(tt.path)-1])
			got := result{value: "<nil>"}
			if v != nil {
				got = result{value: v.Value, keyLine: k.Line}
			} else if k != nil {
				t.Fatalf("Lookup returned a key node without a value")
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("Lookup (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLookupAliasAsWholeValue(t *testing.T) {
	src := "default: &default\n  dispatchers:\n    - polling_interval: 1\n  workers:\n    - threads: 3\n\ndevelopment: *default\ntest: *default\n"
	d := parseYAMLString(t, src)
	dev, key := d.Lookup(d.Root, "development")
	if dev == nil || dev.Kind != yaml.MappingNode {
		t.Fatalf("development = %v, want the default mapping", dev)
	}
	if key.Line != 7 {
		t.Errorf("key line = %d, want 7 (where development is written)", key.Line)
	}
	if dev.Line != 1 {
		t.Errorf("value line = %d, want 1 (where the anchored mapping is defined)", dev.Line)
	}
	workers, _ := d.Lookup(dev, "workers")
	threads, _ := d.Lookup(workers.Content[0], "threads")
	if s := d.Span(threads); s.Start.Line != 5 || yamlSpanText(d, s) != "3" {
		t.Errorf("threads span = %v %q, want line 5 in the default block", s, yamlSpanText(d, s))
	}
	// Lookup accepts the alias node itself too.
	var alias *yaml.Node
	for i := 0; i < len(d.Root.Content); i += 2 {
		if d.Root.Content[i].Value == "test" {
			alias = d.Root.Content[i+1]
		}
	}
	if v, _ := d.Lookup(alias, "workers"); v == nil {
		t.Errorf("Lookup through an alias node failed")
	}
	if Resolve(alias) != dev {
		t.Errorf("Resolve(alias) is not the anchored mapping")
	}
	if v, k := d.Lookup(workers, "threads"); v != nil || k != nil {
		t.Errorf("Lookup on a sequence must be nil, nil")
	}
	if v, k := d.Lookup(nil, "x"); v != nil || k != nil {
		t.Errorf("Lookup on nil must be nil, nil")
	}
}

func TestEntriesOrderAndResolution(t *testing.T) {
	d := parseYAMLString(t, rails8DatabaseYML)
	queue := yamlPath(t, d, "production", "queue")
	var got []string
	for _, e := range d.Entries(queue) {
		if e.Value == nil || e.KeyNode == nil {
			t.Fatalf("entry %q has a nil node", e.Key)
		}
		got = append(got, fmt.Sprintf("%s@%d", e.Key, e.KeyNode.Line))
	}
	// Ruby Hash order: merged keys first (in the anchor's order), the
	// overridden database keeps its first position but its defining key.
	want := []string{"adapter@2", "encoding@3", "pool@4", "database@22", "username@14", "password@15", "migrations_paths@23"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Entries (-want +got):\n%s", diff)
	}
	if e := d.Entries(yamlPath(t, d, "default", "adapter")); e != nil {
		t.Errorf("Entries of a scalar = %v, want nil", e)
	}
}

func TestERBOfAndInside(t *testing.T) {
	src := `production:
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  quoted: "<%= ENV['DB_POOL'] %>"
  database: myapp_<%= Rails.env %>
  host: localhost
  url: <%= ENV['A'] %><%= ENV['B'] %>
  multi: <%= ENV.fetch(
    "X") %>
`
	d := parseYAMLString(t, src)
	if d.DynamicStructure {
		t.Fatalf("values only, but DynamicStructure: %s", d.DynamicReason)
	}
	prod := yamlPath(t, d, "production")
	tests := []struct {
		key        string
		wantOf     string // Code of ERBOf, or "" for nil
		wantInside int
	}{
		{key: "pool", wantOf: ` ENV.fetch("RAILS_MAX_THREADS") { 5 } `, wantInside: 1},
		{key: "quoted", wantOf: ` ENV['DB_POOL'] `, wantInside: 1},
		{key: "database", wantInside: 1},
		{key: "host"},
		{key: "url", wantInside: 2},
		{key: "multi", wantOf: " ENV.fetch(\n    \"X\") ", wantInside: 1},
	}
	for _, tt := range tests {
		v, _ := d.Lookup(prod, tt.key)
		tag := d.ERBOf(v)
		gotOf := ""
		if tag != nil {
			gotOf = tag.Code
			if tag.Kind != ERBOutput {
				t.Errorf("%s: ERBOf kind %v", tt.key, tag.Kind)
			}
		}
		if gotOf != tt.wantOf {
			t.Errorf("%s: ERBOf code = %q, want %q", tt.key, gotOf, tt.wantOf)
		}
		if got := len(d.ERBInside(v)); got != tt.wantInside {
			t.Errorf("%s: ERBInside = %d tags, want %d", tt.key, got, tt.wantInside)
		}
	}
	if got := len(d.ERBInside(prod)); got != 6 {
		t.Errorf("ERBInside(production) = %d tags, want 6", got)
	}
	if d.ERBOf(nil) != nil || d.ERBInside(nil) != nil {
		t.Errorf("nil node must give nil")
	}
}

func TestDynamicStructure(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		wantReason string // substring; "" means not dynamic
	}{
		{
			name: "values only",
			src:  "production:\n  pool: <%= ENV['DB_POOL'] || ENV['MAX_THREADS'] || 5 %>\n  database: app_<%= Rails.env %>\n",
		},
		{
			name: "ERB in a YAML comment",
			src:  "production:\n  # pool: <%= ENV.fetch('X') { 5 } %>\n  pool: 5 # was <%= 3 %>\n",
		},
		{
			name: "value on the line after its key",
			src:  "pool:\n  <%= ENV['X'] %>\n",
		},
		{
			name: "ERB comment tag",
			src:  "<%# generated by hand %>\npool: 5\n",
		},
		{
			name:       "if block at top level",
			src:        ":concurrency: 5\n<% if env == \"production\" %>\n:queues:\n  - critical\n<% end %>\n",
			wantReason: "ERB code `<% if env == \"production\" %>` on line 2 can add, drop or repeat lines",
		},
		{
			name:       "unless inside a mapping",
			src:        "production:\n  <% unless ENV[\"MIGRATE\"].present? %>\n  pool: 5\n  <% end %>\n",
			wantReason: "line 2",
		},
		{
			name:       "variable preamble",
			src:        "<% require_relative 'load_config' %>\n:concurrency: <%= AppConfig.sidekiq.concurrency.to_i %>\n",
			wantReason: "ERB code `<% require_relative 'load_config' %>` on line 1 runs Ruby that the values below may depend on",
		},
		{
			// diaspora's sidekiq.yml: the unless, not the require, adds or
			// drops lines.
			name:       "preamble then a block",
			src:        "<% require_relative 'load_config' %>\n<% unless AppConfig.heroku? %>\n:verbose: false\n<% end %>\n:concurrency: 5\n",
			wantReason: "ERB code `<% unless AppConfig.heroku? %>` on line 2 can add, drop or repeat lines",
		},
		{
			name:       "Thor template trim tags",
			src:        "default: &default\n  adapter: sqlite3\n<%- if options.skip_solid? -%>\ndevelopment:\n  <<: *default\n<%- end -%>\n",
			wantReason: "`<%- if options.skip_solid? -%>` on line 3",
		},
		{
			name:       "ERB output as a key",
			src:        "<%= ENV['RAILS_ENV'] %>:\n  pool: 5\n",
			wantReason: "computes a mapping key",
		},
		{
			name:       "ERB output writes whole lines",
			src:        "follower:\n  <%= attribute \"adapter\", c['adapter'] %>\n  <%= attribute \"database\", c['database'] %>\n",
			wantReason: "ERB output `<%= attribute \"database\", c['database'] %>` on line 3 writes whole lines of YAML",
		},
		{
			name:       "whole file is ERB output",
			src:        "<%= ERB.new(File.read('config/database.mysql.yml')).result %>\n",
			wantReason: "generates the whole document",
		},
		{
			// A code tag choosing the file comes first, but what matters is
			// that nothing in this file is the config.
			name:       "whole file is ERB output after a preamble",
			src:        "<% config_path = Fizzy.saas? ? 'a.yml' : 'b.yml' %>\n<%= ERB.new(File.read(config_path)).result %>\n",
			wantReason: "ERB output `<%= ERB.new(File.read(config_path)).result %>` on line 2 generates the whole document",
		},
		{
			name:       "ERB output as an anchor name",
			src:        "a: &<%= name %> 5\n",
			wantReason: "names an anchor, alias or tag",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseYAMLString(t, tt.src)
			if d.DynamicStructure != (tt.wantReason != "") {
				t.Fatalf("DynamicStructure = %v (%q), want %v", d.DynamicStructure, d.DynamicReason, tt.wantReason != "")
			}
			if !strings.Contains(d.DynamicReason, tt.wantReason) {
				t.Errorf("DynamicReason = %q, want it to contain %q", d.DynamicReason, tt.wantReason)
			}
		})
	}
}

// seed001ShardsYML is the config/shards.yml that Heroku's old Octopus
// instructions had apps create (seed 001): a Ruby preamble that defines a
// method and builds the follower list from ENV, then a loop that writes
// the shard entries.
const seed001ShardsYML = `<%
require 'cgi'
require 'uri'

def attribute(name, value, force_string = false)
  if value
    value_string =
      if force_string
        '"' + value + '"'
      else
        value
      end
    "#{name}: #{value_string}"
  else
    ""
  end
end

configs = case Rails.env
when 'development', 'test'
  Array.new(2){YAML::load_file(File.open("config/database.yml"))[Rails.env]}
else
  master_url = ENV['DATABASE_URL']
  slave_keys = ENV.keys.select{|k| k =~ /HEROKU_POSTGRESQL_.*_URL/}
  slave_keys.delete_if{ |k| ENV[k] == master_url }
  slave_keys.map do |env_key|
    config = {}
    uri = URI.parse(ENV["#{env_key}"])
    config['adapter'] = uri.scheme
    config['database'] = (uri.path || "").split("/")[1]
    config['params'] = CGI.parse(uri.query || "")
    config
  end
end
%>
octopus:
  replicated: true
  fully_replicated: false
  environments:
  <% if configs.present? %>
    <%= "- #{ENV["RAILS_ENV"] || ENV["RACK_ENV"] || Rails.env}" %>
  <%= ENV["RAILS_ENV"] || ENV["RACK_ENV"] || Rails.env %>:
    <% configs.each_with_index do |c, i| %>
    <%= c.has_key?('color') ? "#{c['color']}_follower" : "follower_#{i + 1}" %>:
      <%= attribute "adapter",  c['adapter'] %>
      <%= attribute "database", c['database'] %>
      <% (c['params'] || {}).each do |key, value| %>
      <%= key %>: <%= value.first %>
      <% end %>

    <% end %>
  <% else %>
    - none
  <% end %>
`

func TestDynamicStructureSeed001Shards(t *testing.T) {
	_, err := ParseYAML(NewFile("config/shards.yml", "", []byte(seed001ShardsYML)))
	var ye *YAMLError
	if !errors.As(err, &ye) {
		t.Fatalf("error = %v, want a *YAMLError", err)
	}
	if ye.ERBReason == "" || !strings.Contains(err.Error(), "generated by ERB") {
		t.Errorf("error %q does not say ERB generates the structure", err)
	}
	// The preamble (line 1) only defines methods and variables; the block
	// that writes the shard entries is what generates the structure.
	if !strings.Contains(ye.ERBReason, "`<% if configs.present? %>` on line 40 can add, drop or repeat lines") {
		t.Errorf("reason %q should point at the block on line 40", ye.ERBReason)
	}
	if ye.Line != 48 {
		t.Errorf("line = %d, want 48 (`<%%= key %%>: ...` after the attribute lines)", ye.Line)
	}

	// Without the lines that make the masked text invalid it parses, and
	// is still flagged.
	cut := strings.Replace(seed001ShardsYML, "      <%= key %>: <%= value.first %>\n", "", 1)
	cut = strings.Replace(cut, "  <% else %>\n    - none\n", "", 1)
	d := parseYAMLString(t, cut)
	if !d.DynamicStructure || !strings.Contains(d.DynamicReason, "ERB code `<% if configs.present? %>`") {
		t.Errorf("DynamicStructure = %v, reason %q", d.DynamicStructure, d.DynamicReason)
	}
}

func TestResolveBounds(t *testing.T) {
	if Resolve(nil) != nil {
		t.Error("Resolve(nil) != nil")
	}
	a := &yaml.Node{Kind: yaml.AliasNode}
	a.Alias = a // never produced by yaml.v3, but must not hang
	if Resolve(a) != nil {
		t.Error("a self-referencing alias must resolve to nil")
	}
	s := &yaml.Node{Kind: yaml.ScalarNode, Value: "x"}
	if Resolve(&yaml.Node{Kind: yaml.AliasNode, Alias: s}) != s {
		t.Error("alias not followed")
	}
}

func TestParseYAMLNilAndBareFile(t *testing.T) {
	if _, err := ParseYAML(nil); err == nil {
		t.Error("ParseYAML(nil) must fail")
	}
	// A File built without NewFile still works.
	d, err := ParseYAML(&File{Path: "x.yml", Src: []byte("a: 1\n")})
	if err != nil {
		t.Fatal(err)
	}
	if s := d.Span(yamlPath(t, d, "a")); s.Start.Line != 1 || s.Start.Col != 4 {
		t.Errorf("span = %v", s)
	}
}

// TestYAMLErrorShowsTheERBTag checks that a message yaml.v3 writes about
// a placeholder names the tag the user wrote (real-world-syntax 2a:
// `<<: *<%= ENV['DB'] || "mysql" %>`).
func TestYAMLErrorShowsTheERBTag(t *testing.T) {
	src := "mysql: &mysql\n  adapter: mysql2\nproduction:\n  <<: *<%= ENV['DB'] || \"mysql\" %>\n"
	_, err := ParseYAML(NewFile("config/database.yml", "", []byte(src)))
	var ye *YAMLError
	if !errors.As(err, &ye) {
		t.Fatalf("error = %v, want a *YAMLError", err)
	}
	if want := `unknown anchor '<%= ENV['DB'] || "mysql" %>' referenced`; ye.Msg != want {
		t.Errorf("Msg = %q, want %q", ye.Msg, want)
	}
	if strings.Contains(err.Error(), "ERB_") {
		t.Errorf("the placeholder leaks into %q", err)
	}
}
