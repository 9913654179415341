package parser

import (
	"bytes"
	"errors"
	"testing"

	"gopkg.in/yaml.v3"
)

// fuzzYAMLSeeds are the shapes real config files take (see
// reference/real-world-syntax.md, sections 2a and 2b).
var fuzzYAMLSeeds = []string{
	"",
	"# only a comment\n",
	rails8DatabaseYML,
	seed001ShardsYML,
	"default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n\ndevelopment:\n  <<: *default\n  database: app_<%= Rails.env %>\n",
	":concurrency: <%= ENV.fetch('SIDEKIQ_CONCURRENCY', 10) %>\n:queues:\n  - [critical, 2]\n  - default\n",
	"\uFEFFproduction:\r\n  pool: 5 \t# comment\r\n  reaping_frequency: nil\r\n",
	"a: &a {x: 1}\nb: &b [*a, *a]\nc:\n  <<: [*a, {y: 2}]\n  <<: *a\n",
	"<% if env == \"production\" %>\n:concurrency: 5\n<% end %>\n",
	"database: <%= ENV[\"CI\"] ? \"a\" : \"b\" %>\nkey: |\n  text\n  more\n",
	"a: '<%= x %>'\nb: \"<%= y %>\"\nc: <%= f(\n  1) %>\n",
	"<<: *<%= ENV['DB'] || \"mysql\" %>\n",
	"a: <%%= literal %>\nb: <%# c %>\n",
	"x: 1\n---\ny: [\n",
	"\x00\xff\xfe junk",
}

func FuzzMaskERB(f *testing.F) {
	for _, s := range fuzzYAMLSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("<%%<%=%><%-%><%=-%>%%><%# %%> %>"))
	addAppSeeds(f, isYAMLName)
	f.Fuzz(func(t *testing.T, src []byte) {
		tags, err := ScanERB(src)
		var ee *ERBError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("error %v is not an *ERBError", err)
		}
		prevEnd := 0
		for _, tag := range tags {
			if tag.Start < prevEnd || tag.End > len(src) || tag.End-tag.Start < 4 {
				t.Fatalf("bad tag range %+v (previous end %d, len %d)", tag, prevEnd, len(src))
			}
			if !bytes.HasPrefix(src[tag.Start:], []byte("<%")) || !bytes.HasSuffix(src[:tag.End], []byte("%>")) {
				t.Fatalf("tag %+v is not delimited by <%% %%>", tag)
			}
			if tag.CodeStart < tag.Start+2 || tag.CodeStart+len(tag.Code) > tag.End-2 ||
				string(src[tag.CodeStart:tag.CodeStart+len(tag.Code)]) != tag.Code {
				t.Fatalf("tag %+v: Code is not the source at CodeStart", tag)
			}
			prevEnd = tag.End
		}
		masked := MaskERB(src, tags)
		checkMaskInvariants(t, src, masked)
		for _, tag := range tags {
			if bytes.Contains(masked[tag.Start:tag.End], []byte("<%")) {
				t.Fatalf("tag %+v still present after masking", tag)
			}
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	for _, s := range fuzzYAMLSeeds {
		f.Add([]byte(s))
	}
	addAppSeeds(f, isYAMLName)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := NewFile("config/database.yml", "", src)
		d, err := ParseYAML(file)
		if err != nil {
			var ye *YAMLError
			if !errors.As(err, &ye) {
				t.Fatalf("error %v is not a *YAMLError", err)
			}
			if ye.Line < 1 || ye.Line > file.Lines.LineCount() {
				t.Fatalf("error line %d outside the file (%d lines): %v", ye.Line, file.Lines.LineCount(), err)
			}
			return
		}
		walkYAML(d.Root, false, func(n *yaml.Node, isKey bool) {
			s := d.Span(n)
			if s.Start.Offset < 0 || s.End.Offset > len(src) || s.Start.Offset > s.End.Offset {
				t.Fatalf("span %+v out of bounds (len %d) for %v node %q", s, len(src), n.Kind, n.Value)
			}
			if n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value != "" && d.ERBInside(n) == nil {
				// A plain scalar on one line is exactly its source text.
				text := string(d.masked[s.Start.Offset:s.End.Offset])
				if !bytes.ContainsAny([]byte(text), "\r\n") && text != n.Value {
					t.Fatalf("plain scalar %q spans %q at %v", n.Value, text, s)
				}
			}
			if n.Kind == yaml.MappingNode {
				for _, e := range d.Entries(n) {
					if v, _ := d.Lookup(n, e.Key); v != e.Value {
						t.Fatalf("Lookup(%q) disagrees with Entries", e.Key)
					}
				}
			}
			if tag := d.ERBOf(n); tag != nil && tag.Kind != ERBOutput {
				t.Fatalf("ERBOf returned a %v tag", tag.Kind)
			}
		})
	})
}
