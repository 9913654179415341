package redact

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cr3t@db.example.com:5432/app?pool=5", "postgres://app:****@db.example.com:5432/app?pool=5"},
		{`DATABASE_URL="postgresql://u:p%40ss@h/db"`, `DATABASE_URL="postgresql://u:****@h/db"`},
		{"postgres://app@db/app", "postgres://app@db/app"},
		{"redis://:hunter2@redis:6379/0", "redis://:****@redis:6379/0"},
		{"no url here: a:b@c", "no url here: a:b@c"},
		{"web: DATABASE_URL='postgres://u:it's@h/db' puma", "web: DATABASE_URL='postgres://u:****@h/db' puma"},
		{"postgres://u:p@ss@h/db", "postgres://u:****@h/db"},
		{"web: PGPASSWORD=hunter2 bundle exec puma", "web: PGPASSWORD=**** bundle exec puma"},
		{"web: export DB_PASSWORD='it'\"'\"'s' && puma", "web: export DB_PASSWORD=**** && puma"},
		{"web: PGPASSWORD=$DB_PASS puma", "web: PGPASSWORD=$DB_PASS puma"},
		{"unknown key \"password\" in env: {DB_PASSWORD: hunter2}", "unknown key \"password\" in env: {DB_PASSWORD: ****}"},
		{"line 1\n  password: |\n    hunter2\n  pool: 5", "line 1\n  password: |\n    ****\n  pool: 5"},
		{"pool comes from RAILS_MAX_THREADS", "pool comes from RAILS_MAX_THREADS"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestSource(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  url: postgres://app:s3cr3t@db/app", "  url: postgres://app:******@db/app"},
		{"  password: p4mjo!", "  password: ******"},
		{"  password: p4mjo! # rotated", "  password: ****** # rotated"},
		{`  password: <%= ENV["APP_DATABASE_PASSWORD"] %>`, `  password: <%= ENV["APP_DATABASE_PASSWORD"] %>`},
		{"  password: *default_password", "  password: *default_password"},
		{"  pool: 5", "  pool: 5"},
		{"production: {adapter: postgresql, password: X7y, pool: 5}", "production: {adapter: postgresql, password: ***, pool: 5}"},
		{`  password: 'it''s, ok'`, `  password: ***********`},
		{`  "password": "a\"b"`, `  "password": ******`},
		{`  :password => "pw", pool: 5`, `  :password => ****, pool: 5`},
		{`  "DB_PASSWORD": {"value": "pw"},`, `  "DB_PASSWORD": ***************,`},
		{"  password: >-\n    long\n    secret\n  pool: 5", "  password: >-\n    ****\n    ******\n  pool: 5"},
		{"  password: \"abc\n    def\"\n  pool: 5", "  password: ****\n    ****\n  pool: 5"},
		{"  password: plain\n    continued\n  pool: 5", "  password: *****\n    *********\n  pool: 5"},
		{"  password:\n    hunter2\n  host: db", "  password:\n    *******\n  host: db"},
		{"web: PGPASSWORD=hunter2 puma -C config/puma.rb", "web: PGPASSWORD=******* puma -C config/puma.rb"},
		{"  password: pässwörd", "  password: **********"},
	}
	for _, tt := range tests {
		got := Source(tt.in)
		if got != tt.want {
			t.Errorf("Source(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if len(got) != len(tt.in) {
			t.Errorf("Source(%q) changed the length", tt.in)
		}
	}
}

// Lines carries a value continued over lines, as a diff's context does.
func TestLinesCarryState(t *testing.T) {
	var l Lines
	var got []string
	for _, line := range strings.Split("production:\n  password: |\n    hunter2\n  pool: 5", "\n") {
		got = append(got, l.Line(line))
	}
	if strings.Contains(strings.Join(got, "\n"), "hunter2") || got[3] != "  pool: 5" {
		t.Errorf("got %q", got)
	}
}

// BenchmarkLongLine: masking is one pass over a line, however many secret
// names or unclosed brackets it holds (a 500 KB minified line).
func BenchmarkLongLine(b *testing.B) {
	line := strings.Repeat("password: {token: 'x', ", 40000)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		_ = Source(line)
	}
}

func TestDiff(t *testing.T) {
	d := "--- a/config/database.yml\n+++ b/config/database.yml\n@@ -1,5 +1,5 @@\n production:\n   url: postgres://u:hunter2@h/db\n-  pool: 5\n+  pool: 10\n   password: |\n     s3cret\n \x1b]0;x\n"
	got := Diff(d)
	for _, leak := range []string{"hunter2", "s3cret", "\x1b"} {
		if strings.Contains(got, leak) {
			t.Errorf("Diff leaks %q:\n%s", leak, got)
		}
	}
	if !strings.Contains(got, "-  pool: 5\n+  pool: 10\n") || !strings.HasPrefix(got, "--- a/config/database.yml\n+++ b/config/database.yml\n@@ -1,5 +1,5 @@\n") {
		t.Errorf("Diff changed what it should keep:\n%s", got)
	}
}
