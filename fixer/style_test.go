package fixer

import "testing"

func TestMatchLineEndings(t *testing.T) {
	tests := []struct {
		src, text, want string
	}{
		{"a: 1\nb: 2\n", "pool: 5\n", "pool: 5\n"},
		{"a: 1\r\nb: 2\r\n", "pool: 5\n", "pool: 5\r\n"},
		{"a: 1\r\nb: 2\r\n", "\n  x\n  y", "\r\n  x\r\n  y"},
		{"a: 1\r\nb: 2\r\n", "kept\r\nas is\r\n", "kept\r\nas is\r\n"}, // never "\r\r\n"
		{"a: 1\r\n", "no break", "no break"},
		{"one line, no break", "x\n", "x\n"},
		{"\n", "x\n", "x\n"},
		{"a\nb\r\n", "x\n", "x\n"}, // the first line break decides
	}
	for _, tt := range tests {
		if got := MatchLineEndings([]byte(tt.src), tt.text); got != tt.want {
			t.Errorf("MatchLineEndings(%q, %q) = %q, want %q", tt.src, tt.text, got, tt.want)
		}
	}
}

func TestInFileStyleKeepsTheBOMFirst(t *testing.T) {
	src := []byte("\uFEFFpool: 5\r\n")
	e := inFileStyle(src, ins(0, "# managed by poollint\n"))
	if e.Start != 3 || e.End != 3 || e.NewText != "# managed by poollint\r\n" {
		t.Errorf("got %+v, want an insertion after the BOM, with CRLF", e)
	}
	if e := inFileStyle([]byte("pool: 5\n"), ins(0, "x\n")); e.Start != 0 {
		t.Errorf("without a BOM the insertion moved: %+v", e)
	}
	if got := keepBOM(src, []byte("pool: 10\r\n")); string(got) != "\uFEFFpool: 10\r\n" {
		t.Errorf("keepBOM = %q", got)
	}
	if got := keepBOM(src, []byte("\uFEFFpool: 10\r\n")); string(got) != "\uFEFFpool: 10\r\n" {
		t.Errorf("keepBOM doubled the mark: %q", got)
	}
}
