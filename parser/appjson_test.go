package parser

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sampleAppJSON mixes the forms real apps use, including Chatwoot's
// duplicate "stack" key.
const sampleAppJSON = `{
  "name": "Chatwoot",
  "stack": "heroku-20",
  "env": {
    "SECRET_KEY_BASE": {"description": "secret", "generator": "secret"},
    "DB_POOL": "3",
    "RAILS_MAX_THREADS": {"value": "5", "required": true},
    "SIDEKIQ_CONCURRENCY": {"required": true},
    "WEB_CONCURRENCY": 2,
    "FRONTEND_URL": {"value": null},
    "LOG": {"value": "on", "required": "yes"}
  },
  "formation": {
    "web": {"quantity": 2, "size": "standard-1x"},
    "worker": {"size": "basic"}
  },
  "addons": [
    "heroku-redis",
    {"plan": "heroku-postgresql:essential-0", "as": "DATABASE"}
  ],
  "stack": "heroku-22"
}
`

func TestParseAppJSON(t *testing.T) {
	f := NewFile("app.json", "/app/app.json", []byte(sampleAppJSON))
	a, err := ParseAppJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	wantEnv := map[string]AppJSONEnv{
		"SECRET_KEY_BASE":     {},
		"DB_POOL":             {Value: "3", HasValue: true},
		"RAILS_MAX_THREADS":   {Value: "5", HasValue: true, Required: true},
		"SIDEKIQ_CONCURRENCY": {Required: true},
		"WEB_CONCURRENCY":     {Value: "2", HasValue: true},
		"FRONTEND_URL":        {},
		"LOG":                 {Value: "on", HasValue: true},
	}
	if diff := cmp.Diff(wantEnv, a.Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
	wantFormation := map[string]AppJSONFormation{
		"web":    {Quantity: 2, HasQuantity: true, Size: "standard-1x"},
		"worker": {Size: "basic"},
	}
	if diff := cmp.Diff(wantFormation, a.Formation); diff != "" {
		t.Errorf("Formation (-want +got):\n%s", diff)
	}
	wantAddons := []AppJSONAddon{{Plan: "heroku-redis"}, {Plan: "heroku-postgresql:essential-0", As: "DATABASE"}}
	if diff := cmp.Diff(wantAddons, a.Addons); diff != "" {
		t.Errorf("Addons (-want +got):\n%s", diff)
	}

	text := func(s Span) string { return string(f.Src[s.Start.Offset:s.End.Offset]) }
	for path, want := range map[string]string{
		"env.DB_POOL":            `"DB_POOL"`,
		"formation.web":          `"web"`,
		"formation.web.quantity": `"quantity"`,
		"addons[0]":              `"heroku-redis"`,
		"addons[1]":              `{"plan": "heroku-postgresql:essential-0", "as": "DATABASE"}`,
		"addons":                 `"addons"`,
		"stack":                  `"stack"`,
	} {
		s, ok := a.Spans[path]
		if !ok {
			t.Errorf("no span for %s", path)
			continue
		}
		if got := text(s); got != want {
			t.Errorf("span %s = %q, want %q", path, got, want)
		}
	}
	if s := a.Spans["stack"]; s.Start.Line != 21 {
		t.Errorf("duplicate key: span on line %d, want the last (21)", s.Start.Line)
	}
	if s := a.Spans["formation.web"]; s.Start.Line != 14 || s.Start.Col != 5 {
		t.Errorf("formation.web at %v", s.Start)
	}
}

func TestParseAppJSONFormationArray(t *testing.T) {
	src := `{"formation": [{"process": "web", "quantity": 3}, {"process": "worker", "quantity": 1, "size": "Performance-M"}]}`
	f := NewFile("app.json", "", []byte(src))
	a, err := ParseAppJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]AppJSONFormation{
		"web":    {Quantity: 3, HasQuantity: true},
		"worker": {Quantity: 1, HasQuantity: true, Size: "Performance-M"},
	}
	if diff := cmp.Diff(want, a.Formation); diff != "" {
		t.Errorf("Formation (-want +got):\n%s", diff)
	}
	s := a.Spans["formation.worker"]
	if got := src[s.Start.Offset:s.End.Offset]; !strings.HasPrefix(got, `{"process": "worker"`) {
		t.Errorf("formation.worker span %q", got)
	}
}

func TestParseAppJSONMinimal(t *testing.T) {
	for _, src := range []string{`{}`, `{"name": "x", "env": null, "formation": null, "addons": null}`, "\n{ \"scripts\": {\"postdeploy\": 1} }\n"} {
		a, err := ParseAppJSON(NewFile("app.json", "", []byte(src)))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if len(a.Env) != 0 || len(a.Formation) != 0 || len(a.Addons) != 0 || a.Env == nil || a.Formation == nil {
			t.Errorf("%s: %+v", src, a)
		}
	}
}

func TestParseAppJSONErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "{\n  \"env\": {\n    \"A\": \"1\",\n  }\n}", "app.json:4:3: invalid character '}'"},
		{"truncated", "{\n  \"env\": {", "app.json:2:"},
		{"not an object", `["web"]`, "app.json:1:1: top level must be an object"},
		{"null", `null`, "app.json:1:1: top level is null"},
		{"env array", "{\n \"env\": [\"A\"]\n}", `app.json:2:2: env must be an object`},
		{"env value array", "{\"env\": {\"A\": [1]}}", `app.json:1:10: env.A must be a string or an object`},
		{"env value object", "{\"env\": {\"A\": {\"value\": {}}}}", `app.json:1:16: env.A.value must be a string`},
		{"quantity bool", "{\"formation\": {\"web\": {\"quantity\": true}}}", `app.json:1:24: formation.web.quantity must be a whole number of dynos`},
		{"quantity fraction", "{\"formation\": {\"web\": {\"quantity\": 1.5}}}", `formation.web.quantity must be a whole number of dynos`},
		{"size number", "{\"formation\": {\"web\": {\"size\": 1}}}", `formation.web.size must be a string`},
		{"formation entry", "{\"formation\": {\"web\": 2}}", `formation.web must be an object`},
		{"formation array without process", "{\"formation\": [{\"quantity\": 2}]}", `formation[0] must be an object with a "process"`},
		{"addons object", "{\"addons\": {\"plan\": \"x\"}}", `addons must be an array`},
		{"addon number", "{\"addons\": [1]}", `app.json:1:13: addons[0] must be a string or an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAppJSON(NewFile("app.json", "", []byte(tt.src)))
			if err == nil {
				t.Fatalf("no error: %+v", a)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}
