package budget

import (
	"encoding/json"
	"io"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
)

// App is one app's budget, with the root as the user typed it.
type App struct {
	Display string
	Budget  rails.Budget
}

// JSON writes the budgets of apps as one document (schema in doc.go).
func JSON(w io.Writer, apps []App) error {
	doc := jsonDoc{Version: 1, Apps: []jsonApp{}}
	for _, a := range apps {
		doc.Apps = append(doc.Apps, toJSON(a.Display, a.Budget))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

type jsonDoc struct {
	Version int       `json:"version"`
	Apps    []jsonApp `json:"apps"`
}

type jsonApp struct {
	Root       string         `json:"root"`
	Deployment string         `json:"deployment"`
	Unit       string         `json:"unit"`
	Databases  []jsonServer   `json:"databases"`
	Redis      *jsonRedis     `json:"redis"`
	Excluded   []jsonExcluded `json:"excluded"`
	Notes      []jsonNote     `json:"notes"`
}

type jsonNumber struct {
	Value   *int     `json:"value"`
	Assumed bool     `json:"assumed"`
	Source  string   `json:"source"`
	Unset   []string `json:"unset"`
	Reason  string   `json:"reason"`
}

type jsonPool struct {
	Config    string   `json:"config"`
	Size      *int     `json:"size"`
	Unlimited bool     `json:"unlimited"`
	Default   bool     `json:"default"`
	Source    string   `json:"source"`
	Unset     []string `json:"unset"`
}

type jsonBouncer struct {
	URLVar      string     `json:"url_var"`
	DefaultPool jsonNumber `json:"default_pool_size"`
	ReservePool jsonNumber `json:"reserve_pool_size"`
	PerDyno     jsonNumber `json:"server_connections_per_dyno"`
}

type jsonRow struct {
	Process     string       `json:"process"`
	Kind        string       `json:"kind"`
	Dynos       jsonNumber   `json:"dynos"`
	PerDyno     jsonNumber   `json:"processes_per_dyno"`
	Threads     jsonNumber   `json:"threads"`
	Need        jsonNumber   `json:"connections_needed"`
	Pools       []jsonPool   `json:"pools"`
	PerProcess  *int         `json:"connections_per_process"`
	PgBouncer   *jsonBouncer `json:"pgbouncer"`
	Connections *int         `json:"connections"`
	Formula     string       `json:"formula"`
}

type jsonLimit struct {
	MaxConnections int    `json:"max_connections"`
	Source         string `json:"source"`
	Plan           string `json:"plan"`
	Unverified     bool   `json:"unverified"`
	Declared       bool   `json:"declared"`
}

type jsonServer struct {
	Name     string     `json:"name"`
	URLVar   string     `json:"url_var"`
	Configs  []string   `json:"configs"`
	Primary  bool       `json:"primary"`
	Replica  bool       `json:"replica"`
	Rows     []jsonRow  `json:"rows"`
	Total    int        `json:"total"`
	Complete bool       `json:"complete"`
	Limit    *jsonLimit `json:"limit"`
	Headroom *int       `json:"headroom"`
	Exceeds  bool       `json:"exceeds"`
	Tight    bool       `json:"tight"`
}

type jsonRedisRow struct {
	Process     string     `json:"process"`
	Kind        string     `json:"kind"`
	Role        string     `json:"role"`
	Dynos       jsonNumber `json:"dynos"`
	PerDyno     jsonNumber `json:"processes_per_dyno"`
	PerProcess  jsonNumber `json:"connections_per_process"`
	Connections *int       `json:"connections"`
}

type jsonRedis struct {
	Rows     []jsonRedisRow `json:"rows"`
	Total    int            `json:"total"`
	Complete bool           `json:"complete"`
	Limit    *jsonLimit     `json:"limit"`
	Headroom *int           `json:"headroom"`
}

type jsonExcluded struct {
	Process string `json:"process"`
	Why     string `json:"why"`
}

type jsonNote struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

func toJSON(display string, b rails.Budget) jsonApp {
	out := jsonApp{Root: display, Deployment: b.Deployment, Unit: b.Unit, Databases: []jsonServer{}, Excluded: []jsonExcluded{}, Notes: []jsonNote{}}
	for _, s := range b.Servers {
		js := jsonServer{Name: s.Name, URLVar: s.URLVar, Configs: s.Configs, Primary: s.Primary, Replica: s.Replica,
			Rows: []jsonRow{}, Total: s.Total, Complete: s.Complete, Limit: limitJSON(s.Limit),
			Exceeds: s.Exceeds(), Tight: s.Tight()}
		if js.Configs == nil {
			js.Configs = []string{}
		}
		if h, ok := s.Headroom(); ok {
			js.Headroom = &h
		}
		for _, u := range s.Uses {
			js.Rows = append(js.Rows, rowJSON(u))
		}
		out.Databases = append(out.Databases, js)
	}
	if r := b.Redis; r != nil {
		jr := &jsonRedis{Rows: []jsonRedisRow{}, Total: r.Total, Complete: r.Complete, Limit: limitJSON(r.Limit)}
		if h, ok := r.Headroom(); ok {
			jr.Headroom = &h
		}
		for _, rr := range r.Rows {
			jr.Rows = append(jr.Rows, jsonRedisRow{Process: rr.Row.Name, Kind: rr.Row.Kind.String(), Role: rr.Role,
				Dynos: numberJSON(rr.Row.Dynos), PerDyno: numberJSON(rr.Row.PerDyno),
				PerProcess: numberJSON(rr.PerProcess), Connections: intPtr(rr.Total)})
		}
		out.Redis = jr
	}
	for _, e := range b.Excluded {
		out.Excluded = append(out.Excluded, jsonExcluded{Process: e.Name, Why: redact.Text(e.Why)})
	}
	for _, n := range b.Notes {
		out.Notes = append(out.Notes, jsonNote{Subject: redact.Text(n.Subject), Text: redact.Text(n.Text)})
	}
	return out
}

func rowJSON(u *rails.ServerUse) jsonRow {
	r := u.Row
	jr := jsonRow{Process: r.Name, Kind: r.Kind.String(), Dynos: numberJSON(r.Dynos), PerDyno: numberJSON(r.PerDyno),
		Threads: numberJSON(r.Threads), Need: numberJSON(r.Need), Pools: []jsonPool{},
		PerProcess: intPtr(u.PerProcess), Connections: intPtr(u.Total), Formula: u.Formula()}
	for i, p := range u.Pools {
		jp := jsonPool{Config: u.Configs[i].Describe(), Unlimited: p.Unlimited, Default: p.Default, Unset: nonNil(p.Unset)}
		if p.Known {
			jp.Source = p.Source()
			if !p.Unlimited {
				size := p.Size
				jp.Size = &size
			}
		} else {
			jp.Source = p.Reason
		}
		jr.Pools = append(jr.Pools, jp)
	}
	if b := u.Bouncer; b != nil {
		jr.PgBouncer = &jsonBouncer{URLVar: b.URLVar, DefaultPool: numberJSON(b.DefaultPool),
			ReservePool: numberJSON(b.ReservePool), PerDyno: numberJSON(b.PerDyno)}
	}
	return jr
}

// numberJSON renders a count; a written default taken because its
// variable is unset counts as assumed, as the text's "*" does.
func numberJSON(c rails.Count) jsonNumber {
	return jsonNumber{Value: intPtr(c), Assumed: c.Assumed || len(c.Unset) > 0, Source: c.Source, Unset: nonNil(c.Unset), Reason: c.Reason}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func intPtr(c rails.Count) *int {
	if !c.Known {
		return nil
	}
	n := c.N
	return &n
}

func limitJSON(l rails.Limit) *jsonLimit {
	if !l.Known {
		return nil
	}
	return &jsonLimit{MaxConnections: l.N, Source: l.Source, Plan: l.Plan, Unverified: l.Unverified, Declared: l.Declared}
}
