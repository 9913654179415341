package report

import (
	"bytes"
	"testing"
)

// The streams write the same bytes as the batch functions, for every
// sample set of apps the other tests use and for none at all.
func TestStreamsMatchBatch(t *testing.T) {
	sets := map[string][]App{"none": nil, "samples": streamSamples(t)}
	for name, apps := range sets {
		for format, pair := range map[string]struct {
			stream func(*bytes.Buffer) Stream
			batch  func(*bytes.Buffer, []App) error
		}{
			"text":       {func(b *bytes.Buffer) Stream { return NewTextStream(b, Options{FixHints: true}) }, func(b *bytes.Buffer, a []App) error { return Text(b, a, Options{FixHints: true}) }},
			"json":       {func(b *bytes.Buffer) Stream { return NewJSONStream(b) }, func(b *bytes.Buffer, a []App) error { return JSON(b, a) }},
			"github":     {func(b *bytes.Buffer) Stream { return NewGitHubStream(b) }, func(b *bytes.Buffer, a []App) error { return GitHub(b, a) }},
			"checkstyle": {func(b *bytes.Buffer) Stream { return NewCheckstyleStream(b) }, func(b *bytes.Buffer, a []App) error { return Checkstyle(b, a) }},
			"sarif":      {func(b *bytes.Buffer) Stream { return NewSARIFStream(b, streamToolInfo) }, func(b *bytes.Buffer, a []App) error { return SARIF(b, a, streamToolInfo) }},
		} {
			var got, want bytes.Buffer
			s := pair.stream(&got)
			for _, a := range apps {
				if err := s.Add(a); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.End(); err != nil {
				t.Fatal(err)
			}
			if err := pair.batch(&want, apps); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s/%s: stream differs from batch:\n--- stream\n%s\n--- batch\n%s", name, format, got.String(), want.String())
			}
		}
	}
}

// streamToolInfo lists one rule of the samples, so the others are added to
// the rule table while results are written.
var streamToolInfo = ToolInfo{Version: "test", Rules: []RuleInfo{{ID: "puma-threads-exceed-pool", Summary: "s", Level: "error"}}}

func streamSamples(t *testing.T) []App {
	return append([]App{sampleApp(t)}, loadTestdataApps(t)...)
}
