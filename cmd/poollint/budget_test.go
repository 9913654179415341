package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestBudgetCommand(t *testing.T) {
	app := filepath.Join("..", "..", "testdata", "apps", "budget_fires")
	var out, errOut bytes.Buffer
	if code := run([]string{"budget", app}, &out, &errOut); code != exitFindings {
		t.Fatalf("exit %d, want %d (over the limit); stderr %s", code, exitFindings, errOut.String())
	}
	if !strings.Contains(out.String(), "over the limit by 10") {
		t.Errorf("text budget lacks the headroom line:\n%s", out.String())
	}

	// Raising the limit on the command line makes the same formation fit.
	out.Reset()
	if code := run([]string{"budget", "--max-connections", "500", app}, &out, &errOut); code != exitClean {
		t.Errorf("--max-connections 500: exit %d, want 0\n%s", code, out.String())
	}

	out.Reset()
	if code := run([]string{"budget", "--format", "json", app}, &out, &errOut); code != exitFindings {
		t.Errorf("json: exit %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("budget --format json is not JSON: %v\n%s", err, out.String())
	}

	if code := run([]string{"budget", "--format", "sarif", app}, &out, &errOut); code != exitTrouble {
		t.Errorf("budget --format sarif: exit %d, want a usage error", code)
	}
}

// Render autoscaling is counted at maxInstances, and the notes say so even
// though the number is written, not assumed.
func TestBudgetNotesRenderAutoscalingMaximum(t *testing.T) {
	app := filepath.Join("..", "..", "testdata", "apps", "render_autoscale_filled_env")
	var out, errOut bytes.Buffer
	run([]string{"budget", app}, &out, &errOut)
	for _, want := range []string{
		"rails_journal  puma          3 ",
		"instances 3: Render autoscales the `rails_journal` service up to scaling.maxInstances in render.yaml; the budget uses the maximum",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("budget lacks %q:\n%s", want, out.String())
		}
	}
}
