package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

func checkstyleOf(t *testing.T, apps []App, l locator) string {
	t.Helper()
	var b strings.Builder
	if err := checkstyle(&b, apps, l); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// decodeCheckstyle parses the whole document strictly: every token must
// read, and nothing may follow the root element but white space.
func decodeCheckstyle(t *testing.T, out string) checkstyleDocument {
	t.Helper()
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<checkstyle version=\"4.3\">") {
		t.Errorf("header:\n%s", out)
	}
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = true
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
	}
	var doc checkstyleDocument
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return doc
}

func TestCheckstyleSample(t *testing.T) {
	got := checkstyleOf(t, []App{sampleApp(t)}, locator{cwd: "/work/repo"})
	want := `<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="myapp/config/database.yml">
    <error line="3" column="9" severity="error" message="web runs 10 threads but its pool holds 5 (see myapp/config/puma.rb:1:13: max threads 10 here)" source="poollint.puma-threads-exceed-pool"></error>
    <error line="1" column="1" severity="warning" message="pool does not follow RAILS_MAX_THREADS" source="poollint.pool-not-tied-to-threads"></error>
  </file>
  <file name="myapp/Gemfile.lock">
    <error line="0" severity="info" message="no Gemfile.lock: assuming the newest Rails" source="poollint.config-unreadable"></error>
  </file>
</checkstyle>
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checkstyle (-want +got):\n%s", diff)
	}
	decodeCheckstyle(t, got)
}

// TestCheckstyleEscaping: whatever a config file holds, the document stays
// well-formed and the message reads back as written; characters XML 1.0
// cannot hold at all (NUL, other C0 controls, bytes that are not UTF-8)
// come back as U+FFFD.
func TestCheckstyleEscaping(t *testing.T) {
	db := file("config/database.yml", "pool: 5\n")
	message := `<%= ENV["X"] || 5 %> & 'quoted' "twice"` + "\nline two\r\ttabbed"
	app := App{
		Display: `a&b<"c">`,
		Files:   map[string]*parser.File{db.Path: db},
		Diagnostics: []rules.Diagnostic{
			{Rule: "r1", Severity: rules.Error, Span: spanOf(t, db, "5", 0), Message: message},
			{Rule: "r2", Severity: rules.Warning, Span: spanOf(t, db, "pool", 0), Message: "nul\x00 bell\x07 bad\xff end"},
		},
	}
	doc := decodeCheckstyle(t, checkstyleOf(t, []App{app}, locator{cwd: "/w"}))
	if len(doc.Files) != 1 || len(doc.Files[0].Errors) != 2 {
		t.Fatalf("document = %+v", doc)
	}
	if got := doc.Files[0].Name; got != `a&b<"c">/config/database.yml` {
		t.Errorf("file name = %q", got)
	}
	if got := doc.Files[0].Errors[0].Message; got != message {
		t.Errorf("message = %q, want %q", got, message)
	}
	if got, want := doc.Files[0].Errors[1].Message, "nul\uFFFD bell\uFFFD bad\uFFFD end"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

// TestCheckstyleEveryApp writes every testdata app into one document and
// checks it is well-formed with one <error> per diagnostic, each file
// named once.
func TestCheckstyleEveryApp(t *testing.T) {
	apps := loadTestdataApps(t)
	var b bytes.Buffer
	if err := Checkstyle(&b, apps); err != nil {
		t.Fatal(err)
	}
	doc := decodeCheckstyle(t, b.String())
	want := map[string]int{}
	total := 0
	l := newLocator()
	for _, app := range apps {
		for _, d := range app.Diagnostics {
			want[l.name(app, d.Span.File)]++
			total++
		}
	}
	got := map[string]int{}
	errs := 0
	for _, f := range doc.Files {
		if _, dup := got[f.Name]; dup {
			t.Errorf("file %s listed twice", f.Name)
		}
		got[f.Name] = len(f.Errors)
		errs += len(f.Errors)
		for _, e := range f.Errors {
			if !strings.HasPrefix(e.Source, "poollint.") || e.Message == "" {
				t.Errorf("%s: error %+v", f.Name, e)
			}
			switch e.Severity {
			case "error", "warning", "info":
			default:
				t.Errorf("%s: severity %q", f.Name, e.Severity)
			}
		}
	}
	if errs != total {
		t.Errorf("%d errors for %d diagnostics", errs, total)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors per file (-want +got):\n%s", diff)
	}
}

func TestCheckstyleEmpty(t *testing.T) {
	var b strings.Builder
	if err := Checkstyle(&b, nil); err != nil {
		t.Fatal(err)
	}
	if doc := decodeCheckstyle(t, b.String()); len(doc.Files) != 0 {
		t.Errorf("files = %+v", doc.Files)
	}
}
