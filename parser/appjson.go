package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// AppJSON is the part of a Heroku app.json that decides connection
// budgets: the environment it declares, how many dynos of each process type
// run, and the database plan.
type AppJSON struct {
	// Env maps a variable to its declaration. app.json allows a bare string
	// ("DB_POOL": "3") or an object ({"value": "3", "required": true}).
	Env map[string]AppJSONEnv

	// Formation maps a process type to its dynos: {"web": {"quantity": 2,
	// "size": "standard-1x"}}. The older array form ([{"process": "web",
	// "quantity": 2}]) is read too.
	Formation map[string]AppJSONFormation

	// Addons lists the add-ons in order: "heroku-postgresql:standard-0" or
	// {"plan": "heroku-postgresql:essential-0", "as": "DATABASE"}.
	Addons []AppJSONAddon

	// Spans locates keys for diagnostics, by path: "env", "env.DB_POOL",
	// "formation.web", "formation.web.quantity", "addons", "addons[0]". A key
	// path points at the key text (quotes included); an array element path
	// at the whole element. With duplicate keys the last one is kept, as for
	// the values.
	Spans map[string]Span
}

// AppJSONEnv is one declared variable. HasValue is false when only
// "required" or "description" is given: the value is set elsewhere.
type AppJSONEnv struct {
	Value    string
	HasValue bool
	Required bool
}

// AppJSONFormation is the dynos of one process type. HasQuantity tells an
// explicit "quantity" from an absent one, whose default Heroku picks per
// process type.
type AppJSONFormation struct {
	Quantity    int
	HasQuantity bool
	Size        string
}

// AppJSONAddon is one add-on: its plan ("heroku-postgresql:standard-0", or
// just the service name) and the attachment name given with "as".
type AppJSONAddon struct {
	Plan string
	As   string
}

// ParseAppJSON reads app.json. Duplicate keys are accepted and the last
// wins (Chatwoot's app.json repeats "stack"), as on Heroku. Errors name the
// file, line and column. Keys poollint does not use are not checked.
func ParseAppJSON(f *File) (*AppJSON, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(f.Src, &top); err != nil {
		return nil, jsonError(f, err)
	}
	if top == nil {
		return nil, fmt.Errorf("%s: top level is null, want an object", f.Span(0, 0))
	}
	a := &AppJSON{
		Env:       map[string]AppJSONEnv{},
		Formation: map[string]AppJSONFormation{},
		Spans:     jsonKeySpans(f),
	}
	if err := a.readEnv(f, top["env"]); err != nil {
		return nil, err
	}
	if err := a.readFormation(f, top["formation"]); err != nil {
		return nil, err
	}
	if err := a.readAddons(f, top["addons"]); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *AppJSON) readEnv(f *File, raw json.RawMessage) error {
	if isJSONNull(raw) {
		return nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		return a.typeError(f, "env", "an object")
	}
	for name, v := range env {
		path := "env." + name
		var e AppJSONEnv
		switch jsonKind(v) {
		case '{':
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(v, &obj); err != nil {
				return a.typeError(f, path, "an object")
			}
			if val, ok := obj["value"]; ok {
				s, has, ok := jsonScalarString(val)
				if !ok {
					return a.typeError(f, path+".value", "a string")
				}
				e.Value, e.HasValue = s, has
			}
			// Only a literal true makes a variable required; anything else
			// is how Heroku treats it too: not required.
			e.Required = strings.TrimSpace(string(obj["required"])) == "true"
		default:
			s, has, ok := jsonScalarString(v)
			if !ok {
				return a.typeError(f, path, "a string or an object")
			}
			e.Value, e.HasValue = s, has
		}
		a.Env[name] = e
	}
	return nil
}

// formationJSON is one formation entry; Process is set only in the array
// form.
type formationJSON struct {
	Process  string       `json:"process"`
	Quantity *json.Number `json:"quantity"`
	Size     string       `json:"size"`
}

func (a *AppJSON) readFormation(f *File, raw json.RawMessage) error {
	switch jsonKind(raw) {
	case 0, 'n':
		return nil
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return a.typeError(f, "formation", "an object")
		}
		for process, v := range m {
			fm, err := a.formationEntry(f, "formation."+process, v)
			if err != nil {
				return err
			}
			a.Formation[process] = fm
		}
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return a.typeError(f, "formation", "an object")
		}
		for i, v := range list {
			path := fmt.Sprintf("formation[%d]", i)
			var entry formationJSON
			if json.Unmarshal(v, &entry) != nil || entry.Process == "" {
				return a.typeError(f, path, `an object with a "process"`)
			}
			fm, err := a.formationEntry(f, path, v)
			if err != nil {
				return err
			}
			a.Formation[entry.Process] = fm
			// Let a rule point at "formation.web" whichever form was used.
			a.Spans["formation."+entry.Process] = a.Spans[path]
		}
	default:
		return a.typeError(f, "formation", "an object")
	}
	return nil
}

func (a *AppJSON) formationEntry(f *File, path string, raw json.RawMessage) (AppJSONFormation, error) {
	if jsonKind(raw) != '{' {
		return AppJSONFormation{}, a.typeError(f, path, `an object like {"quantity": 1}`)
	}
	var entry formationJSON
	if err := json.Unmarshal(raw, &entry); err != nil {
		// The object is fine; name the field with the wrong type
		// ("quantity": true).
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return AppJSONFormation{}, a.typeError(f, path+"."+te.Field, formationFieldWant(te.Field))
		}
		return AppJSONFormation{}, a.typeError(f, path, "an object")
	}
	fm := AppJSONFormation{Size: entry.Size}
	if entry.Quantity != nil {
		n, err := strconv.Atoi(entry.Quantity.String())
		if err != nil || n < 0 {
			return AppJSONFormation{}, a.typeError(f, path+".quantity", formationFieldWant("quantity"))
		}
		fm.Quantity, fm.HasQuantity = n, true
	}
	return fm, nil
}

func formationFieldWant(field string) string {
	if field == "quantity" {
		return "a whole number of dynos"
	}
	return "a string"
}

// addonJSON is the object form of an add-on.
type addonJSON struct {
	Plan string `json:"plan"`
	As   string `json:"as"`
}

func (a *AppJSON) readAddons(f *File, raw json.RawMessage) error {
	if isJSONNull(raw) {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return a.typeError(f, "addons", "an array")
	}
	for i, v := range list {
		path := fmt.Sprintf("addons[%d]", i)
		var addon AppJSONAddon
		switch jsonKind(v) {
		case '"':
			if err := json.Unmarshal(v, &addon.Plan); err != nil {
				return a.typeError(f, path, "a string")
			}
		case '{':
			var obj addonJSON
			if err := json.Unmarshal(v, &obj); err != nil {
				return a.typeError(f, path, `an object like {"plan": "heroku-postgresql"}`)
			}
			addon = AppJSONAddon(obj)
		default:
			return a.typeError(f, path, "a string or an object")
		}
		a.Addons = append(a.Addons, addon)
	}
	return nil
}

// typeError reports that the value at path is not what app.json allows,
// at the key's position when it is known.
func (a *AppJSON) typeError(f *File, path, want string) error {
	at, ok := a.Spans[path]
	if !ok {
		at = f.Span(0, 0)
	}
	return fmt.Errorf("%s: %s must be %s", at, path, want)
}

// jsonError turns a decoding error into one that names the line and column.
func jsonError(f *File, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included.
		return fmt.Errorf("%s: %w", f.Span(max(int(se.Offset)-1, 0), int(se.Offset)), err)
	case errors.As(err, &te):
		return fmt.Errorf("%s: top level must be an object, not %s", f.Span(0, 0), te.Value)
	}
	return fmt.Errorf("%s: %w", f.Span(0, 0), err)
}

// jsonKeySpans walks the tokens of a document already known to be valid
// and records where each key and array element is. encoding/json keeps no
// positions, but its Decoder reports the offset after each token.
func jsonKeySpans(f *File) map[string]Span {
	spans := map[string]Span{}
	dec := json.NewDecoder(bytes.NewReader(f.Src))
	dec.UseNumber()
	// tokenStart is where the next token begins: InputOffset is the end of
	// the previous one, and the separators between are not tokens.
	tokenStart := func() int {
		off := int(dec.InputOffset())
		for off < len(f.Src) && strings.IndexByte(" \t\r\n,:", f.Src[off]) >= 0 {
			off++
		}
		return off
	}
	var walk func(path string) bool
	walk = func(path string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				start := tokenStart()
				key, err := dec.Token()
				if err != nil {
					return false
				}
				p := joinJSONPath(path, fmt.Sprint(key))
				spans[p] = f.Span(start, int(dec.InputOffset()))
				if !walk(p) {
					return false
				}
			}
			_, err = dec.Token() // '}'
			return err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				start := tokenStart()
				p := fmt.Sprintf("%s[%d]", path, i)
				if !walk(p) {
					return false
				}
				spans[p] = f.Span(start, int(dec.InputOffset()))
			}
			_, err = dec.Token() // ']'
			return err == nil
		}
		return true
	}
	walk("")
	return spans
}

func joinJSONPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonKind is the first byte of a raw value ('{', '[', '"', 'n', 't', 'f',
// or a digit or '-'), 0 when absent.
func jsonKind(raw json.RawMessage) byte {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

func isJSONNull(raw json.RawMessage) bool {
	k := jsonKind(raw)
	return k == 0 || k == 'n'
}

// jsonScalarString reads an env value. Heroku wants strings, but a bare
// number or boolean ("DB_POOL": 3) is what the author meant as "3". has is
// false for null; ok is false for an object or array.
func jsonScalarString(raw json.RawMessage) (s string, has, ok bool) {
	switch k := jsonKind(raw); {
	case k == 'n':
		return "", false, true
	case k == '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, false
		}
		return s, true, true
	case k == 't' || k == 'f' || k == '-' || k >= '0' && k <= '9':
		return string(bytes.TrimSpace(raw)), true, true
	}
	return "", false, false
}
