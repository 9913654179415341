package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"app/config/database.yml", "app/config/database.yml"},
		{"app/é/ok.yml", "app/é/ok.yml"},
		{"x\n::error file=F.rb,line=1::forged/config/database.yml", `x\n::error file=F.rb,line=1::forged/config/database.yml`},
		{"a\x1b]0;title\x07b", `a\x1b]0;title\x07b`},
		{"a\rb\tc\x7fd", `a\rb\tc\x7fd`},
		{"c1\u0085\u009bx", `c1\u0085\u009bx`},
		{"bidi\u202eevil\u2066", `bidi\u202eevil\u2066`},
		{"sep\u2028x", `sep\u2028x`},
		{"bad\xffbyte", `bad\xffbyte`},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		got := Path(tt.in)
		if got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(got) || strings.ContainsFunc(got, Unsafe) {
			t.Errorf("Path(%q) = %q still holds an unsafe rune", tt.in, got)
		}
	}
}

func TestMessage(t *testing.T) {
	got := Message("bad\x1b[31m\u2028 from postgres://u:hunter2@h/db\nline two\u202e\xff")
	want := "bad\uFFFD[31m\uFFFD from postgres://u:****@h/db\nline two\uFFFD\uFFFD"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
