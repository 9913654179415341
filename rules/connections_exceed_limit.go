package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// connectionsExceedLimit compares the whole formation's connections with
// each database server's limit (rails.App.Budget, seed 001's arithmetic).
// A server whose total is only a lower bound (a row could not be counted)
// still fires when that bound passes the limit: the real total is larger.
func connectionsExceedLimit() *Rule {
	return &Rule{
		ID:       "connections-exceed-limit",
		Severity: Error,
		Summary:  "the whole formation can open more database connections than the database accepts",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, b := range app.Budgets() {
				for _, s := range b.Servers {
					if d, ok := limitDiagnostic(b, s); ok {
						out = append(out, d)
					}
				}
			}
			return out
		},
	}
}

func limitDiagnostic(b rails.Budget, s *rails.DatabaseServer) (Diagnostic, bool) {
	over, tight := s.Exceeds(), s.Tight()
	if !over && !tight {
		return Diagnostic{}, false
	}
	uses := contributors(s)
	total := strconv.Itoa(s.Total)
	if !s.Complete {
		total = "at least " + total
	}
	where := "the " + s.Name + " database"
	switch configs := strings.Join(s.Configs, ", "); {
	case len(s.Configs) == 1 && configs != s.Name:
		where = "the " + configs + " database (" + s.Name + ")"
	case len(s.Configs) > 1:
		where += " (" + configs + ")"
	}
	formation := "the formation"
	if b.Unit != "dyno" && b.Deployment != "" {
		formation = "the deployment " + b.Deployment
	}
	var msg string
	sev := Error
	if over {
		msg = fmt.Sprintf("%s can open %s connections to %s but %s allows %d: %s%s; connections past the limit fail with \"FATAL: sorry, too many clients already\" (\"remaining connection slots are reserved...\" near it, \"too many connections for role\" on Heroku)",
			formation, total, where, s.Limit.Source, s.Limit.N, breakdown(uses), budgetAssumptions(b, s))
	} else {
		sev = Warning
		overlap := "Heroku preboot and Unicorn USR2 restarts briefly run the old and the new web processes side by side, doubling the web connections"
		if b.Unit == "host" {
			overlap = "kamal deploy starts each new container before it stops the old one, doubling the web connections"
		}
		msg = fmt.Sprintf("%s can open %s connections to %s, %d%% of the %d that %s allows: %s%s; %s",
			formation, total, where, percentOf(s.Total, s.Limit.N), s.Limit.N, s.Limit.Source, breakdown(uses), budgetAssumptions(b, s), overlap)
		if web := s.WebTotal(); web > 0 {
			deploy, _ := rails.SatAdd(s.Total, web)
			msg += fmt.Sprintf(" (%d + %d = %d during a deploy)", s.Total, web, deploy)
		}
	}
	if s.Limit.Unverified {
		// facts 9.1 flags the plan's limit: never an error on a guess.
		sev--
		msg += "; " + s.Limit.Plan + "'s limit is unverified (facts 9.1): declare database.max_connections in .poollint.yml"
	}
	d := Diagnostic{Severity: sev, Span: limitLocation(s, uses), Message: msg}
	if !s.Limit.Span.IsZero() {
		d.Related = append(d.Related, Related{Span: s.Limit.Span, Message: fmt.Sprintf("%s allows %d connections", s.Limit.Source, s.Limit.N)})
	}
	for _, u := range uses {
		if sp := useLocation(u); !sp.IsZero() {
			d.Related = append(d.Related, Related{Span: sp, Message: u.Row.Name + ": " + u.Formula()})
		}
	}
	return d, true
}

// contributors are the server's counted uses, biggest first.
func contributors(s *rails.DatabaseServer) []*rails.ServerUse {
	var uses []*rails.ServerUse
	for _, u := range s.Uses {
		if u.Total.Known && u.Total.N > 0 {
			uses = append(uses, u)
		}
	}
	sort.SliceStable(uses, func(i, j int) bool { return uses[i].Total.N > uses[j].Total.N })
	return uses
}

// breakdown names the three biggest contributors with their arithmetic.
func breakdown(uses []*rails.ServerUse) string {
	var parts []string
	for i, u := range uses {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(uses)-3))
			break
		}
		parts = append(parts, u.Row.Name+" ("+u.Formula()+")")
	}
	return strings.Join(parts, ", ")
}

// budgetAssumptions says which numbers were assumed or left out.
func budgetAssumptions(b rails.Budget, s *rails.DatabaseServer) string {
	var assumedDynos, uncounted []string
	var unset [][]string
	for _, u := range s.Uses {
		r := u.Row
		if !u.Total.Known {
			uncounted = append(uncounted, r.Name)
			continue
		}
		if r.Dynos.Assumed && !(r.Dynos.Known && r.Dynos.N == 0) {
			assumedDynos = append(assumedDynos, r.Name)
		}
		unset = append(unset, r.Dynos.Unset, r.PerDyno.Unset, r.Threads.Unset, r.Process.Unset)
		for _, p := range u.Pools {
			unset = append(unset, p.Unset)
		}
	}
	var out string
	if len(assumedDynos) > 0 {
		if b.Unit == "dyno" {
			out += "; assuming 1 dyno for " + strings.Join(assumedDynos, ", ") + " (no formation names it)"
		} else {
			out += "; assuming 1 " + b.Unit + " for " + strings.Join(assumedDynos, ", ") + " (not written in " + b.Deployment + ")"
		}
	}
	if len(uncounted) > 0 {
		out += "; not counted: " + strings.Join(uncounted, ", ") + " (see poollint budget)"
	}
	return out + assumptions(unset...)
}

// limitLocation points where the limit is set (the app.json add-on), else
// at the biggest contributor's dyno count in app.json, else .poollint.yml.
func limitLocation(s *rails.DatabaseServer, uses []*rails.ServerUse) parser.Span {
	if !s.Limit.Span.IsZero() {
		return s.Limit.Span
	}
	for _, u := range uses {
		if !u.Row.Dynos.Span.IsZero() {
			return u.Row.Dynos.Span
		}
	}
	return parser.Span{File: ".poollint.yml"}
}

// useLocation is where a contributor's dynos are set, else its Procfile
// line.
func useLocation(u *rails.ServerUse) parser.Span {
	if !u.Row.Dynos.Span.IsZero() {
		return u.Row.Dynos.Span
	}
	return u.Row.Process.Span
}

// percentOf is n*100/limit without overflowing for huge counts.
func percentOf(n, limit int) int {
	if limit <= 0 {
		return 0
	}
	if p, sat := rails.SatMul(n, 100); !sat {
		return p / limit
	}
	return n / limit * 100
}
