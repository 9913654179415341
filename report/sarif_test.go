package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// sarifSchemaFile is the official SARIF 2.1.0 schema (OASIS errata 01),
// a copy of shared/reference/sarif-schema-2.1.0.json: tests read nothing
// outside the repository.
const sarifSchemaFile = "testdata/sarif-schema-2.1.0.json"

const appsDir = "../testdata/apps"

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// sarifSchema compiles the schema once, with format assertions on so that
// "uri" and "uri-reference" values are checked too.
func sarifSchemaOf(t *testing.T) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		f, err := os.Open(sarifSchemaFile)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(sarifSchemaFile, doc); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile(sarifSchemaFile)
	})
	if schemaErr != nil {
		t.Fatalf("compile the SARIF schema: %v", schemaErr)
	}
	return schema
}

// validateSARIF checks out against the official schema and decodes it.
func validateSARIF(t *testing.T, out []byte) sarifLog {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := sarifSchemaOf(t).Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v\n%s", err, out)
	}
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	return log
}

// toolInfo is what the command passes: every rule of the registry.
func toolInfo() ToolInfo {
	info := ToolInfo{Version: "1.2.3"}
	for _, r := range rules.All() {
		info.Rules = append(info.Rules, RuleInfo{
			ID:              r.ID,
			Summary:         r.Summary,
			FullDescription: r.Summary + " (full description)",
			HelpURI:         "https://github.com/poollint/poollint/blob/main/docs/rules/" + r.ID + ".md",
			Level:           SARIFLevel(r.Severity),
		})
	}
	return info
}

// loadTestdataApps lints every app under testdata/apps the way the golden
// test of package rules does, with each root shown as its path from here.
func loadTestdataApps(t *testing.T) []App {
	t.Helper()
	entries, err := os.ReadDir(appsDir)
	if err != nil {
		t.Fatal(err)
	}
	var apps []App
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".fixed") {
			continue
		}
		roots, err := rails.Discover(filepath.Join(appsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(roots)
		for _, root := range roots {
			app, err := rails.Load(root, rails.Options{Display: root})
			if err != nil {
				t.Fatalf("load %s: %v", root, err)
			}
			apps = append(apps, App{
				Display:     app.Display,
				Rails:       app.Versions.Rails(),
				Files:       app.Files,
				Diagnostics: rules.Run(app, rules.Options{}),
			})
		}
	}
	if len(apps) < 20 {
		t.Fatalf("only %d testdata apps", len(apps))
	}
	return apps
}

func sarifOf(t *testing.T, apps []App, info ToolInfo, l locator) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sarif(&b, apps, info, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSARIFEveryAppValidates is the acceptance test: the SARIF of
// every testdata app, alone and all together, validates against the
// official schema, and every result is consistent with its rule table.
func TestSARIFEveryAppValidates(t *testing.T) {
	apps := loadTestdataApps(t)
	info := toolInfo()
	var related, fixes, wholeFile int
	for _, app := range apps {
		var b bytes.Buffer
		if err := SARIF(&b, []App{app}, info); err != nil {
			t.Fatal(err)
		}
		log := validateSARIF(t, b.Bytes())
		run := log.Runs[0]
		if len(run.Results) != len(app.Diagnostics) {
			t.Errorf("%s: %d results for %d diagnostics", app.Display, len(run.Results), len(app.Diagnostics))
		}
		for _, r := range run.Results {
			if r.RuleIndex < 0 || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
				t.Errorf("%s: ruleIndex %d does not point at %s", app.Display, r.RuleIndex, r.RuleID)
			}
			for _, loc := range append(append([]sarifLocation{}, r.Locations...), r.RelatedLocations...) {
				a := loc.PhysicalLocation.ArtifactLocation
				if a.URIBaseID != "%SRCROOT%" || strings.Contains(a.URI, `\`) || !strings.HasPrefix(a.URI, "../testdata/apps/") {
					t.Errorf("%s: artifact %+v is not relative to the working directory", app.Display, a)
				}
			}
			if len(r.RelatedLocations) > 0 {
				related++
			}
			if len(r.Fixes) > 0 {
				fixes++
			}
			if r.Locations[0].PhysicalLocation.Region == nil {
				wholeFile++
			}
		}
	}
	validateSARIF(t, sarifOf(t, apps, info, newLocator()))
	t.Logf("validated %d apps: %d results with related locations, %d with fixes, %d whole-file", len(apps), related, fixes, wholeFile)
	if related == 0 {
		t.Error("no testdata result has related locations: the check of relatedLocations proves nothing")
	}
	if fixes == 0 {
		t.Error("no testdata result has a fix: the check of fixes proves nothing")
	}
}

func TestSARIFSample(t *testing.T) {
	app := sampleApp(t)
	info := ToolInfo{Version: "1.2.3", Rules: []RuleInfo{{
		ID: "puma-threads-exceed-pool", Summary: "Puma threads exceed the pool",
		FullDescription: "Each Puma thread holds a connection.", HelpURI: "https://example.com/doc", Level: "error",
	}}}
	log := validateSARIF(t, sarifOf(t, []App{app}, info, locator{cwd: "/work/repo"}))
	if log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("header: %s %s, %d runs", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file:///work/repo/" {
		t.Errorf("%%SRCROOT%% = %q", got)
	}
	d := run.Tool.Driver
	if d.Name != "poollint" || d.Version != "1.2.3" || d.InformationURI == "" {
		t.Errorf("driver = %+v", d)
	}
	// The listed rule first, then the rules the diagnostics name that the
	// caller did not list, so that every ruleIndex is valid.
	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"puma-threads-exceed-pool", "pool-not-tied-to-threads", "config-unreadable"}, ids); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	wantRule := sarifRule{
		ID: "puma-threads-exceed-pool", ShortDescription: &sarifMessage{Text: "Puma threads exceed the pool"},
		FullDescription: &sarifMessage{Text: "Each Puma thread holds a connection."}, HelpURI: "https://example.com/doc",
		DefaultConfiguration: &sarifConfiguration{Level: "error"},
	}
	if diff := cmp.Diff(wantRule, d.Rules[0]); diff != "" {
		t.Errorf("rule descriptor (-want +got):\n%s", diff)
	}

	one := 1
	db := sarifArtifactLocation{URI: "myapp/config/database.yml", URIBaseID: "%SRCROOT%"}
	start, charStart, length := 42, 42, 1
	want := []sarifResult{
		{
			RuleID: "puma-threads-exceed-pool", RuleIndex: 0, Level: "error",
			Message: sarifMessage{Text: "web runs 10 threads but its pool holds 5 (see [myapp/config/puma.rb:1:13](1): max threads 10 here)"},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: db,
				Region:           &sarifRegion{StartLine: 3, StartColumn: 9, EndLine: 3, EndColumn: 10},
			}}},
			RelatedLocations: []sarifLocation{{
				ID: &one,
				PhysicalLocation: sarifPhysicalLocation{
					ArtifactLocation: sarifArtifactLocation{URI: "myapp/config/puma.rb", URIBaseID: "%SRCROOT%"},
					Region:           &sarifRegion{StartLine: 1, StartColumn: 13, EndLine: 1, EndColumn: 15},
				},
				Message: &sarifMessage{Text: "max threads 10 here"},
			}},
			Fixes: []sarifFix{{
				Description: sarifMessage{Text: "raise pool to 10"},
				ArtifactChanges: []sarifArtifactChange{{
					ArtifactLocation: db,
					Replacements: []sarifReplacement{{
						DeletedRegion:   sarifRegion{CharOffset: &charStart, CharLength: &length, ByteOffset: &start, ByteLength: &length},
						InsertedContent: &sarifMessage{Text: "10"},
					}},
				}},
				Properties: &sarifFixProperties{Safe: true},
			}},
		},
		{
			// The fix without edits has nothing to carry and is left out.
			RuleID: "pool-not-tied-to-threads", RuleIndex: 1, Level: "warning",
			Message: sarifMessage{Text: "pool does not follow RAILS_MAX_THREADS"},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: db,
				Region:           &sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 4, EndColumn: 1},
			}}},
		},
		{
			// A whole-file finding has no region.
			RuleID: "config-unreadable", RuleIndex: 2, Level: "note",
			Message: sarifMessage{Text: "no Gemfile.lock: assuming the newest Rails"},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: "myapp/Gemfile.lock", URIBaseID: "%SRCROOT%"},
			}}},
		},
	}
	if diff := cmp.Diff(want, run.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestSARIFColumnsAreUTF16 checks columns and fix offsets are converted
// from bytes to UTF-16 code units, SARIF's default columnKind: "é" is two
// bytes and one unit, "😀" four bytes and two units.
func TestSARIFColumnsAreUTF16(t *testing.T) {
	src := "# é😀\nname: \"é😀\" # x\n"
	f := file("config/x.yml", src)
	target := spanOf(t, f, "x", 0) // the x after the emoji on line 2
	at := strings.Index(src, "\"é😀\"")
	app := App{
		Display: "app",
		Files:   map[string]*parser.File{f.Path: f},
		Diagnostics: []rules.Diagnostic{{
			Rule: "r", Severity: rules.Info, Span: target, Message: "m",
			Fix: &rules.Fix{Description: "d", Edits: []fixer.Edit{{File: f.Path, Start: at, End: at + len("\"é😀\"")}}},
		}},
	}
	log := validateSARIF(t, sarifOf(t, []App{app}, ToolInfo{}, locator{cwd: "/w"}))
	if log.Runs[0].ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind = %q", log.Runs[0].ColumnKind)
	}
	res := log.Runs[0].Results[0]
	// Line 2 is `name: "é😀" # x`: in UTF-16 the x is at column 15.
	if r := res.Locations[0].PhysicalLocation.Region; r.StartColumn != 15 || r.EndColumn != 16 {
		t.Errorf("region = %+v, want columns 15..16 (bytes %d..%d)", r, target.Start.Col, target.End.Col)
	}
	del := res.Fixes[0].ArtifactChanges[0].Replacements[0].DeletedRegion
	// Line 1 `# é😀\n` is 6 units, then `name: ` is 6: the quote is at 12.
	if *del.CharOffset != 12 || *del.CharLength != 5 || *del.ByteOffset != at || *del.ByteLength != 8 {
		t.Errorf("deleted region = char %d+%d, byte %d+%d", *del.CharOffset, *del.CharLength, *del.ByteOffset, *del.ByteLength)
	}
	if res.Fixes[0].ArtifactChanges[0].Replacements[0].InsertedContent != nil {
		t.Error("a deletion should have no insertedContent")
	}
}

// TestSARIFOddPaths: a path that is not a valid URI as-is (a space, a
// '%', a '#') is percent-encoded, and one outside the working directory on
// another root becomes a file: URI; both still validate.
func TestSARIFOddPaths(t *testing.T) {
	app := sampleApp(t)
	app.Display = "my app#1 100%"
	log := validateSARIF(t, sarifOf(t, []App{app}, ToolInfo{}, locator{cwd: "/work/repo"}))
	if got := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "my%20app%231%20100%25/config/database.yml" {
		t.Errorf("uri = %q", got)
	}
	// A colon in the first segment would read as a scheme: "./" keeps the
	// reference relative.
	app.Display = "a:b"
	log = validateSARIF(t, sarifOf(t, []App{app}, ToolInfo{}, locator{cwd: "/work/repo"}))
	if got := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "./a:b/config/database.yml" {
		t.Errorf("uri = %q", got)
	}
	// Without a working directory there is no base to be relative to.
	app.Display = "/abs/app"
	log = validateSARIF(t, sarifOf(t, []App{app}, ToolInfo{}, locator{}))
	a := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if a.URI != "file:///abs/app/config/database.yml" || a.URIBaseID != "" {
		t.Errorf("artifact = %+v", a)
	}
	if log.Runs[0].OriginalURIBaseIDs != nil {
		t.Errorf("originalUriBaseIds without a working directory: %v", log.Runs[0].OriginalURIBaseIDs)
	}
}

// TestSARIFMessageLinks: text that would read as an embedded link has
// its brackets escaped; ordinary brackets (ENV["X"]) are left alone.
func TestSARIFMessageLinks(t *testing.T) {
	cases := map[string]string{
		`pool is ENV["X"] here`:   `pool is ENV["X"] here`,
		`looks like [a link](1)`:  `looks like \[a link\](1)`,
		`threads [5] (of 10)`:     `threads [5] (of 10)`,
		`nested [[x]](https://y)`: `nested \[\[x\]\](https://y)`,
	}
	for in, want := range cases {
		if got := escapeSARIFText(in); got != want {
			t.Errorf("escapeSARIFText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSARIFEmpty(t *testing.T) {
	log := validateSARIF(t, sarifOf(t, nil, ToolInfo{}, locator{cwd: "/w"}))
	if log.Runs[0].Results == nil || len(log.Runs[0].Results) != 0 || len(log.Runs[0].Tool.Driver.Rules) != 0 {
		t.Errorf("empty run = %+v", log.Runs[0])
	}
}

// TestSARIFSchemaRejects proves the validation has teeth: logs that break
// the schema the ways a writer could (a 0 line, a level SARIF lacks, a
// relative URI where an absolute one is due, a missing version) are refused.
func TestSARIFSchemaRejects(t *testing.T) {
	good := string(sarifOf(t, []App{sampleApp(t)}, ToolInfo{}, locator{cwd: "/w"}))
	for name, bad := range map[string]string{
		"line 0":                  strings.Replace(good, `"startLine": 3`, `"startLine": 0`, 1),
		"level info":              strings.Replace(good, `"level": "note"`, `"level": "info"`, 1),
		"relative informationUri": strings.Replace(good, `"informationUri": "https://github.com/poollint/poollint"`, `"informationUri": "poollint"`, 1),
		"no version":              strings.Replace(good, `"version": "2.1.0",`, ``, 1),
		"unknown key":             strings.Replace(good, `"ruleId":`, `"rule": "x", "ruleId":`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sarifSchemaOf(t).Validate(inst) == nil {
			t.Errorf("%s: the schema accepted an invalid log", name)
		}
	}
}
