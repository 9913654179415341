package parser

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanERB(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []ERBTag
	}{
		{
			name: "output tag in a value",
			src:  "pool: <%= ENV.fetch('X') { 5 } %>\n",
			want: []ERBTag{{Start: 6, End: 33, Kind: ERBOutput, Code: " ENV.fetch('X') { 5 } ", CodeStart: 9}},
		},
		{
			name: "code and comment tags",
			src:  "<% if x %>a<%# note %>b<% end %>",
			want: []ERBTag{
				{Start: 0, End: 10, Kind: ERBCode, Code: " if x ", CodeStart: 2},
				{Start: 11, End: 22, Kind: ERBComment, Code: " note ", CodeStart: 14},
				{Start: 23, End: 32, Kind: ERBCode, Code: " end ", CodeStart: 25},
			},
		},
		{
			name: "trim markers are not code",
			src:  "<%- if options.skip_solid? -%>\n",
			want: []ERBTag{{Start: 0, End: 30, Kind: ERBCode, Code: " if options.skip_solid? ", CodeStart: 3}},
		},
		{
			name: "trimmed output tag",
			src:  "<%-= x -%>",
			want: []ERBTag{{Start: 0, End: 10, Kind: ERBOutput, Code: " x ", CodeStart: 4}},
		},
		{
			name: "<%% is a literal, not a tag",
			src:  "a: <%%= app_name %>\nb: <%= 1 %>",
			want: []ERBTag{{Start: 23, End: 31, Kind: ERBOutput, Code: " 1 ", CodeStart: 26}},
		},
		{
			name: "%%> inside a tag does not close it",
			src:  `<%= "100%%>" %>`,
			want: []ERBTag{{Start: 0, End: 15, Kind: ERBOutput, Code: ` "100%%>" `, CodeStart: 3}},
		},
		{
			name: "multi-line tag",
			src:  "<%=\n  ENV.fetch('A',\n 1)\n%>",
			want: []ERBTag{{Start: 0, End: 27, Kind: ERBOutput, Code: "\n  ENV.fetch('A',\n 1)\n", CodeStart: 3}},
		},
		{
			name: "empty tags",
			src:  "<%=%><%-%><%=-%>",
			want: []ERBTag{
				{Start: 0, End: 5, Kind: ERBOutput, CodeStart: 3},
				{Start: 5, End: 10, Kind: ERBCode, CodeStart: 8},
				{Start: 10, End: 16, Kind: ERBOutput, CodeStart: 13},
			},
		},
		{name: "no tags", src: "pool: 5 # 100% sure\n"},
		{name: "lone percent signs", src: "a: <%%\nb: %>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScanERB([]byte(tt.src))
			if err != nil {
				t.Fatalf("ScanERB: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
			for _, tag := range got {
				if c := tt.src[tag.CodeStart : tag.CodeStart+len(tag.Code)]; c != tag.Code {
					t.Errorf("Code %q is not the source at CodeStart (%q)", tag.Code, c)
				}
			}
		})
	}
}

func TestScanERBUnterminated(t *testing.T) {
	tests := []struct {
		src      string
		wantLine int
		wantTags int
	}{
		{src: "pool: <%= ENV['X']\n", wantLine: 1},
		{src: "a: <%= 1 %>\nb: 2\nc: <% if x\n", wantLine: 3, wantTags: 1},
		{src: "<%", wantLine: 1},
		{src: "a: <%= '%%>'", wantLine: 1},
	}
	for _, tt := range tests {
		tags, err := ScanERB([]byte(tt.src))
		var ee *ERBError
		if !errors.As(err, &ee) {
			t.Fatalf("ScanERB(%q) error = %v, want *ERBError", tt.src, err)
		}
		if ee.Line != tt.wantLine {
			t.Errorf("ScanERB(%q) line = %d, want %d", tt.src, ee.Line, tt.wantLine)
		}
		if !strings.Contains(err.Error(), "unterminated ERB tag") {
			t.Errorf("error %q does not say the tag is unterminated", err)
		}
		if len(tags) != tt.wantTags {
			t.Errorf("ScanERB(%q) kept %d tags, want %d", tt.src, len(tags), tt.wantTags)
		}
	}
}

func TestMaskERB(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "value",
			src:  "pool: <%= ENV.fetch('X') { 5 } %>\n",
			want: "pool: ERB________________________\n",
		},
		{
			name: "inside quotes",
			src:  `a: '<%= x %>'` + "\n" + `b: "<%= y %>"`,
			want: `a: 'ERB_____'` + "\n" + `b: "ERB_____"`,
		},
		{
			name: "glued to text",
			src:  "database: myapp_<%= Rails.env %>_db",
			want: "database: myapp_ERB______________db",
		},
		{
			name: "ternary with quotes and colon",
			src:  `database: <%= ENV["CI"] ? "a" : "b" %>`,
			want: `database: ERB_________________________`,
		},
		{
			name: "code and comment tags become blanks",
			src:  "<% if x %>\na: 1 <%# why %>\n<% end -%>\n",
			want: "          \na: 1           \n          \n",
		},
		{
			name: "multi-line output tag keeps its line breaks",
			src:  "a: <%= f(\n 1) %> b\nc: 2",
			want: "a: ERB___\n       b\nc: 2",
		},
		{
			name: "CRLF inside a tag",
			src:  "a: <%= f(\r\n1) %>\r\n",
			want: "a: ERB___\r\n     \r\n",
		},
		{
			name: "literal <%% stays",
			src:  "a: <%%= x %>",
			want: "a: <%%= x %>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags, err := ScanERB([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			got := MaskERB([]byte(tt.src), tags)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("MaskERB (-want +got):\n%s", diff)
			}
			checkMaskInvariants(t, []byte(tt.src), got)
		})
	}
}

// checkMaskInvariants asserts what every caller of MaskERB relies on:
// same length, line breaks in the same places.
func checkMaskInvariants(t *testing.T, src, masked []byte) {
	t.Helper()
	if len(masked) != len(src) {
		t.Fatalf("masked length %d, want %d", len(masked), len(src))
	}
	for i := range src {
		isBreak := src[i] == '\n' || src[i] == '\r'
		if isBreak != (masked[i] == '\n' || masked[i] == '\r') || (isBreak && src[i] != masked[i]) {
			t.Fatalf("line break changed at offset %d: %q -> %q", i, src[i], masked[i])
		}
	}
	if bytes.Count(src, []byte("\n")) != bytes.Count(masked, []byte("\n")) {
		t.Fatalf("line count changed")
	}
}

func TestMaskERBIgnoresBadTags(t *testing.T) {
	src := []byte("abc")
	got := MaskERB(src, []ERBTag{{Start: 2, End: 9}, {Start: -1, End: 1}, {Start: 2, End: 1}})
	if string(got) != "abc" {
		t.Errorf("MaskERB with out-of-range tags = %q, want the input unchanged", got)
	}
	if &got[0] == &src[0] {
		t.Errorf("MaskERB must return a copy")
	}
}
