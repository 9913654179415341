package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONShape(t *testing.T) {
	want := `{
  "version": 1,
  "apps": [
    {
      "root": "myapp",
      "rails": "7.1.3",
      "processes": [
        "web",
        "worker"
      ]
    },
    {
      "root": "other",
      "rails": "",
      "processes": []
    }
  ],
  "diagnostics": [
    {
      "rule": "puma-threads-exceed-pool",
      "severity": "error",
      "file": "myapp/config/database.yml",
      "line": 3,
      "column": 9,
      "end_line": 3,
      "end_column": 10,
      "message": "web runs 10 threads but its pool holds 5",
      "related": [
        {
          "file": "myapp/config/puma.rb",
          "line": 1,
          "column": 13,
          "message": "max threads 10 here"
        }
      ],
      "fix": {
        "description": "raise pool to 10",
        "safe": true,
        "edits": [
          {
            "file": "myapp/config/database.yml",
            "start": 42,
            "end": 43,
            "new_text": "10"
          }
        ]
      }
    },
    {
      "rule": "pool-not-tied-to-threads",
      "severity": "warning",
      "file": "myapp/config/database.yml",
      "line": 1,
      "column": 1,
      "end_line": 4,
      "end_column": 1,
      "message": "pool does not follow RAILS_MAX_THREADS",
      "fix": {
        "description": "tie pool to RAILS_MAX_THREADS",
        "safe": false,
        "edits": []
      }
    },
    {
      "rule": "config-unreadable",
      "severity": "info",
      "file": "myapp/Gemfile.lock",
      "line": 0,
      "column": 0,
      "end_line": 0,
      "end_column": 0,
      "message": "no Gemfile.lock: assuming the newest Rails"
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 1,
    "infos": 1,
    "apps": 2
  }
}
`
	var b strings.Builder
	if err := JSON(&b, []App{sampleApp(t), {Display: "other"}}); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	apps := []App{sampleApp(t)}
	var b strings.Builder
	if err := JSON(&b, apps); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var got jsonDocument
	dec := json.NewDecoder(strings.NewReader(b.String()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decoding our own output: %v", err)
	}
	if diff := cmp.Diff(jsonDocumentOf(apps), got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestJSONEmpty(t *testing.T) {
	var b strings.Builder
	if err := JSON(&b, nil); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	want := `{
  "version": 1,
  "apps": [],
  "diagnostics": [],
  "summary": {
    "errors": 0,
    "warnings": 0,
    "infos": 0,
    "apps": 0
  }
}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestJSONKeepsERBReadable(t *testing.T) {
	app := sampleApp(t)
	app.Diagnostics = app.Diagnostics[:1]
	app.Diagnostics[0].Message = `pool is <%= ENV["DB_POOL"] || 5 %> & threads 10`
	var b strings.Builder
	if err := JSON(&b, []App{app}); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if want := `"message": "pool is <%= ENV[\"DB_POOL\"] || 5 %> & threads 10"`; !strings.Contains(b.String(), want) {
		t.Errorf("output lacks %s:\n%s", want, b.String())
	}
}
