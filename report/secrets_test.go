package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

func TestMaskSecrets(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cr3t@db.example.com:5432/app?pool=5", "postgres://app:****@db.example.com:5432/app?pool=5"},
		{`DATABASE_URL="postgresql://u:p%40ss@h/db"`, `DATABASE_URL="postgresql://u:****@h/db"`},
		{"postgres://app@db/app", "postgres://app@db/app"},
		{"redis://:hunter2@redis:6379/0", "redis://:****@redis:6379/0"},
		{"no url here: a:b@c", "no url here: a:b@c"},
	}
	for _, tt := range tests {
		if got := MaskSecrets(tt.in); got != tt.want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	lines := []struct{ in, want string }{
		{"  url: postgres://app:s3cr3t@db/app", "  url: postgres://app:******@db/app"},
		{"  password: p4mjo!", "  password: ******"},
		{`  password: <%= ENV["APP_DATABASE_PASSWORD"] %>`, `  password: <%= ENV["APP_DATABASE_PASSWORD"] %>`},
		{"  pool: 5", "  pool: 5"},
	}
	for _, tt := range lines {
		f := parser.NewFile("x.yml", "", []byte("production:\n"+tt.in+"\n"))
		if got := maskedLine(f, 2); got != tt.want {
			t.Errorf("maskedLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A line continuing a secret from the lines above is masked too.
	f := parser.NewFile("x.yml", "", []byte("production:\n  password: |\n    hunter2\n  pool: 5\n"))
	if got := maskedLine(f, 3); got != "    *******" {
		t.Errorf("the block scalar's line: %q", got)
	}
}

// TestTextNeverPrintsAPassword: a finding on a line holding a URL with a
// password shows the line masked, and its message is masked too.
func TestTextNeverPrintsAPassword(t *testing.T) {
	src := "production:\n  url: postgres://app:s3cr3t@db/app?pool=2\n"
	f := parser.NewFile("config/database.yml", "", []byte(src))
	start := strings.Index(src, "pool=2")
	d := rules.Diagnostic{Rule: "puma-threads-exceed-pool", Severity: rules.Error, Span: f.Span(start, start+6),
		Message: "pool 2 from postgres://app:s3cr3t@db/app?pool=2"}
	apps := []App{{Display: "app", Files: map[string]*parser.File{f.Path: f}, Diagnostics: MaskDiagnostics([]rules.Diagnostic{d})}}
	var buf bytes.Buffer
	if err := Text(&buf, apps, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("the password was printed:\n%s", buf.String())
	}
	var j bytes.Buffer
	if err := JSON(&j, apps); err != nil || strings.Contains(j.String(), "s3cr3t") {
		t.Fatalf("JSON printed the password (%v):\n%s", err, j.String())
	}
}
