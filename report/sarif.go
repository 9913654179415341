package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// ToolInfo describes poollint to SARIF consumers. The command fills it
// from the rule registry and the docs, so that report depends on neither.
type ToolInfo struct {
	Version string
	Rules   []RuleInfo
}

// RuleInfo is one rule as tool.driver.rules lists it.
type RuleInfo struct {
	ID, Summary, FullDescription, HelpURI string
	Level                                 string // the default level: "error", "warning" or "note"
}

const (
	sarifSchema   = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion  = "2.1.0"
	sarifToolURI  = "https://github.com/poollint/poollint"
	sarifRootBase = "%SRCROOT%" // the conventional base of checkout-relative URIs
)

// The types below are the subset of SARIF 2.1.0 poollint writes, as
// structs so the keys come out in the same order every time.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"` // never null
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"` // never null
}

type sarifRule struct {
	ID                   string              `json:"id"`
	ShortDescription     *sarifMessage       `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"` // related locations only
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"` // nil for a whole file
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion is a text region (lines and columns, 1-based, end column
// exclusive) or, in a fix, the offsets of the bytes to replace. Offsets
// are pointers because 0 is a real offset.
type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	CharOffset  *int `json:"charOffset,omitempty"`
	CharLength  *int `json:"charLength,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	Properties      *sarifFixProperties   `json:"properties,omitempty"`
}

// sarifFixProperties carries what SARIF has no field for: whether the fix
// changes more than the rule's point (--unsafe-fixes in the text output).
type sarifFixProperties struct {
	Safe bool `json:"safe"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifMessage `json:"insertedContent,omitempty"` // artifactContent{text}; nil deletes
}

// SARIF writes the apps' diagnostics as one SARIF 2.1.0 log with one run,
// indented by two spaces. Artifact URIs are relative to the working
// directory (uriBaseId %SRCROOT%), which is what GitHub code scanning
// resolves against the checkout. Columns are counted in UTF-16 code units,
// SARIF's default, converted from the byte columns of the spans.
func SARIF(w io.Writer, apps []App, info ToolInfo) error {
	return sarif(w, apps, info, newLocator())
}

func sarif(w io.Writer, apps []App, info ToolInfo, l locator) error {
	b := newSARIFBuilder(info, l)
	results := []sarifResult{}
	for _, app := range apps {
		for _, d := range app.Diagnostics {
			results = append(results, b.result(app, d))
		}
	}
	return sarifEncode(w, b.log(results))
}

// sarifEncode writes a log as every SARIF writer here does: indented by
// two spaces, with "<%=" in messages left readable.
func sarifEncode(w io.Writer, log sarifLog) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages quote ERB: keep "<%=" readable
	return enc.Encode(log)
}

// newSARIFBuilder starts the rule table with the rules the caller lists.
func newSARIFBuilder(info ToolInfo, l locator) *sarifBuilder {
	b := &sarifBuilder{l: l, index: map[string]int{}}
	b.driver = sarifDriver{Name: "poollint", Version: info.Version, InformationURI: sarifToolURI, Rules: []sarifRule{}}
	for _, r := range info.Rules {
		b.addRule(r)
	}
	return b
}

// log is the one-run log of results (nil writes an empty array), with the
// rule table as the results left it.
func (b *sarifBuilder) log(results []sarifResult) sarifLog {
	if results == nil {
		results = []sarifResult{}
	}
	run := sarifRun{Tool: sarifTool{Driver: b.driver}, ColumnKind: "utf16CodeUnits", Results: results}
	if b.l.cwd != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{
			sarifRootBase: {URI: fileURI(b.l.cwd, true)},
		}
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// sarifBuilder keeps the rule table while results point into it.
type sarifBuilder struct {
	l      locator
	driver sarifDriver
	index  map[string]int // rule ID → position in driver.Rules
}

func (b *sarifBuilder) addRule(r RuleInfo) int {
	if i, ok := b.index[r.ID]; ok {
		return i
	}
	rule := sarifRule{ID: r.ID, HelpURI: r.HelpURI}
	if r.Summary != "" {
		rule.ShortDescription = &sarifMessage{Text: r.Summary}
	}
	if r.FullDescription != "" {
		rule.FullDescription = &sarifMessage{Text: r.FullDescription}
	}
	if r.Level != "" {
		rule.DefaultConfiguration = &sarifConfiguration{Level: r.Level}
	}
	b.index[r.ID] = len(b.driver.Rules)
	b.driver.Rules = append(b.driver.Rules, rule)
	return b.index[r.ID]
}

func (b *sarifBuilder) result(app App, d rules.Diagnostic) sarifResult {
	// A rule the caller did not list still gets an entry, so ruleIndex
	// always points at a descriptor with the same ID.
	res := sarifResult{
		RuleID:    d.Rule,
		RuleIndex: b.addRule(RuleInfo{ID: d.Rule}),
		Level:     SARIFLevel(d.Severity),
		Locations: []sarifLocation{{PhysicalLocation: b.physical(app, d.Span)}},
	}
	notes := make([]string, 0, len(d.Related))
	for i, r := range d.Related {
		id := i + 1
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID:               &id,
			PhysicalLocation: b.physical(app, r.Span),
			Message:          &sarifMessage{Text: r.Message},
		})
		// An embedded link ([text](id)) is how code scanning shows a
		// related location: it ignores those the message does not name.
		notes = append(notes, "["+escapeSARIFLinkText(b.l.location(app, r.Span))+"]("+strconv.Itoa(id)+"): "+escapeSARIFText(r.Message))
	}
	res.Message.Text = escapeSARIFText(d.Message)
	if len(notes) > 0 {
		res.Message.Text += " (see " + strings.Join(notes, "; ") + ")"
	}
	if fix, ok := b.fix(app, d.Fix); ok {
		res.Fixes = []sarifFix{fix}
	}
	return res
}

// SARIFLevel is SARIF's level for a severity (info is "note").
func SARIFLevel(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	default:
		return "note"
	}
}

// artifact names an app file as a URI: relative to %SRCROOT% (the working
// directory) when it can be, else an absolute file URI.
func (b *sarifBuilder) artifact(app App, rel string) sarifArtifactLocation {
	p, relative := b.l.path(app, rel)
	if !relative {
		return sarifArtifactLocation{URI: fileURI(p, false)}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).String(), URIBaseID: sarifRootBase}
}

// fileURI is the file: URI of an absolute path; dir adds the trailing
// slash a base URI needs so relative URIs resolve inside it.
func fileURI(p string, dir bool) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") { // a Windows drive: file:///C:/...
		p = "/" + p
	}
	if dir && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// physical is the location of span; a span without a line is the whole
// file and has no region.
func (b *sarifBuilder) physical(app App, s parser.Span) sarifPhysicalLocation {
	loc := sarifPhysicalLocation{ArtifactLocation: b.artifact(app, s.File)}
	if s.Start.Line < 1 {
		return loc
	}
	f := app.Files[s.File]
	end := s.End
	if end.Line < s.Start.Line { // a span with only a start is zero-width
		end = s.Start
	}
	region := &sarifRegion{StartLine: s.Start.Line, EndLine: end.Line}
	if s.Start.Col >= 1 {
		region.StartColumn = utf16Column(f, s.Start.Line, s.Start.Col)
		region.EndColumn = max(utf16Column(f, end.Line, end.Col), 1)
		if end.Line == s.Start.Line {
			region.EndColumn = max(region.EndColumn, region.StartColumn)
		}
	}
	loc.Region = region
	return loc
}

// fix is d's fix as a SARIF fix, its edits grouped by file in order of
// first appearance. A fix without edits has nothing SARIF can carry.
func (b *sarifBuilder) fix(app App, fix *rules.Fix) (sarifFix, bool) {
	if fix == nil || len(fix.Edits) == 0 {
		return sarifFix{}, false
	}
	out := sarifFix{Description: sarifMessage{Text: fix.Description}, Properties: &sarifFixProperties{Safe: fix.Safe}}
	byFile := map[string]int{}
	for _, e := range fix.Edits {
		i, ok := byFile[e.File]
		if !ok {
			i = len(out.ArtifactChanges)
			byFile[e.File] = i
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: b.artifact(app, e.File)})
		}
		src := fileSource(app.Files[e.File])
		start, end := max(e.Start, 0), max(e.End, e.Start, 0)
		charStart := utf16Count(src, 0, start) // characters are UTF-16 units, as the columns
		charLen := utf16Count(src, start, end)
		byteLen := end - start
		r := sarifReplacement{DeletedRegion: sarifRegion{
			CharOffset: &charStart, CharLength: &charLen,
			ByteOffset: &start, ByteLength: &byteLen,
		}}
		if e.NewText != "" {
			r.InsertedContent = &sarifMessage{Text: e.NewText}
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, r)
	}
	return out, true
}

func fileSource(f *parser.File) []byte {
	if f == nil {
		return nil
	}
	return f.Src
}

// utf16Column converts a 1-based byte column on a line of f to the 1-based
// UTF-16 column SARIF counts in. Without the file (it was not kept) the
// byte column is the best there is, and the same for ASCII.
func utf16Column(f *parser.File, line, col int) int {
	if f == nil || line < 1 || line > f.Lines.LineCount() || col < 1 {
		return col
	}
	start, _ := f.Lines.LineBounds(line)
	return 1 + utf16Count(f.Src, start, start+col-1)
}

// utf16Count is how many UTF-16 code units the bytes [from, to) of src
// take. Bytes past src (a column past the end) and bytes that are not
// UTF-8 count one each, as a consumer decoding them with U+FFFD would.
func utf16Count(src []byte, from, to int) int {
	n := 0
	if to > len(src) {
		n += to - max(from, len(src))
		to = len(src)
	}
	for i := from; i < to; {
		r, size := utf8.DecodeRune(src[i:to])
		if r >= 0x10000 {
			n += 2 // a surrogate pair
		} else {
			n++
		}
		i += size
	}
	return n
}

// escapeSARIFText keeps a plain-text message from forming embedded links
// by accident: SARIF reads "[text](target)" as a link, so when the text
// holds "](" its brackets are escaped. Other brackets stay literal, as
// "ENV["X"]" reads better unescaped and cannot form a link.
func escapeSARIFText(s string) string {
	if !strings.Contains(s, "](") {
		return s
	}
	return escapeSARIFLinkText(s)
}

// escapeSARIFLinkText escapes the brackets that would end or nest link
// text.
func escapeSARIFLinkText(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}
