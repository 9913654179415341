package rules

import (
	"testing"

	"github.com/poollint/poollint/parser"
)

func TestDropRepeatsKeepsWhatDiffers(t *testing.T) {
	at := parser.Span{File: "Dockerfile", Start: parser.Pos{Line: 4, Offset: 40}, End: parser.Pos{Line: 4, Offset: 60}}
	d := Diagnostic{Rule: "config-not-modeled", Span: at, Message: "the web command runs bin/boot"}
	other := d
	other.Message = "the worker command runs bin/boot"
	related := d
	related.Related = []Related{{Span: at, Message: "from config/deploy.staging.yml"}}
	fixed := d
	fixed.Fix = &Fix{Description: "set it"}
	got := dropRepeats([]Diagnostic{d, d, other, related, related, fixed, fixed, d})
	if len(got) != 4 {
		t.Fatalf("got %d findings, want 4 (one of each): %+v", len(got), got)
	}
}
