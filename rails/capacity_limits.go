package rails

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file finds each server's connection limit: declared (.poollint.yml
// database:, --max-connections), else the Heroku plan an app.json add-on
// names, looked up in facts 9.1 (Postgres) and 9.2 (Key-Value Store).

// pgAttachment is one Heroku Postgres add-on of app.json and the URL
// variable it sets.
type pgAttachment struct {
	index  int
	plan   string // "standard-0"; "" when only the service is named
	urlVar string // "DATABASE_URL", "QUEUE_DATABASE_URL"; "" when Heroku picks a color name
}

// postgresAttachments lists app.json's heroku-postgresql add-ons. `as`
// names the attachment (QUEUE_DATABASE sets QUEUE_DATABASE_URL); the first
// add-on without one is attached as DATABASE unless another claims that
// name, and later ones get a HEROKU_POSTGRESQL_<COLOR>_URL poollint
// cannot know.
func (a *App) postgresAttachments() []pgAttachment {
	if a.AppJSON == nil {
		return nil
	}
	var out []pgAttachment
	claimed := false
	for _, ad := range a.AppJSON.Addons {
		if strings.EqualFold(ad.As, "DATABASE") {
			claimed = true
		}
	}
	for i, ad := range a.AppJSON.Addons {
		service, plan, _ := strings.Cut(ad.Plan, ":")
		if service != "heroku-postgresql" {
			continue
		}
		at := pgAttachment{index: i, plan: plan}
		switch {
		case ad.As != "":
			at.urlVar = strings.ToUpper(ad.As) + "_URL"
		case !claimed:
			at.urlVar = "DATABASE_URL"
			claimed = true
		}
		out = append(out, at)
	}
	return out
}

// serverLimit finds the limit of s. A declared limit is the primary's;
// add-ons give the limit of the server their URL variable reaches, in the
// Heroku deployment only (heroku says so): app.json describes the Heroku
// app, and a Kamal, Render or Fly deployment of the same code reaches
// another database.
func (a *App) serverLimit(s *DatabaseServer, heroku bool) Limit {
	if s.Primary && a.Declared.Database.MaxConnections > 0 {
		return Limit{N: a.Declared.Database.MaxConnections, Known: true, Declared: true,
			Source: "the declared database max_connections (.poollint.yml or --max-connections)"}
	}
	if s.URLVar != "" && heroku {
		for _, at := range a.postgresAttachments() {
			if at.urlVar != s.URLVar {
				continue
			}
			l := postgresPlanTable(at.plan)
			l.Source = "heroku-postgresql:" + at.plan + " in app.json"
			if at.plan == "" {
				l.Source = "heroku-postgresql in app.json"
			}
			l.Span = a.addonSpan(at.index)
			return l
		}
	}
	if s.Primary && a.Declared.Database.Plan != "" {
		plan := strings.TrimPrefix(a.Declared.Database.Plan, "heroku-postgresql:")
		l := postgresPlanTable(plan)
		l.Declared = true
		l.Source = "the declared database plan " + plan + " (.poollint.yml)"
		return l
	}
	return Limit{}
}

// Heroku Postgres plan names: standard-0, premium-l-6, essential-1 ...
var herokuTieredPlan = regexp.MustCompile(`^(standard|premium|private|shield)(?:-(?:l|xl))?-([0-9]+)$`)

// postgresPlanTable is the connection limit of a Heroku Postgres plan (facts
// 9.1). Values facts.md marks ⚠ are returned Unverified; a plan the
// table does not list is unknown.
func postgresPlanTable(plan string) Limit {
	l := Limit{Plan: plan}
	verified := func(n int) Limit {
		l.N, l.Known = n, true
		return l
	}
	unverified := func(n int, why string) Limit {
		l.N, l.Known, l.Unverified = n, true, true
		l.Note = plan + "'s limit of " + strconv.Itoa(n) + " is unverified (" + why + "; facts 9.1): declare database.max_connections to be sure"
		return l
	}
	switch plan {
	case "":
		l.Note = "app.json names heroku-postgresql without a plan: the limit is unknown (declare database.max_connections)"
		return l
	case "hobby-dev", "hobby-basic":
		return verified(20)
	case "essential-0", "essential-1":
		return unverified(20, "from a secondary source, though seed 003 quotes Heroku: \"Essential-tier databases are limited to 20 connections\"")
	case "essential-2":
		return unverified(40, "from a secondary source; seed 003 quotes Heroku's 20 for the whole Essential tier")
	case "mini", "basic":
		return unverified(20, "no primary source")
	}
	if m := herokuTieredPlan.FindStringSubmatch(plan); m != nil {
		n, _ := strconv.Atoi(m[2])
		switch {
		case n == 0:
			return verified(120)
		case n == 2:
			return verified(400)
		case n >= 3 && n <= 9:
			return verified(500)
		case n >= 10:
			return unverified(500, "the table row is truncated in the copy read; presumably 500")
		}
	}
	l.Note = "the plan " + plan + " is not in poollint's table (facts 9.1): declare database.max_connections"
	return l
}

// redisPlanTable is the connection limit of a Heroku Key-Value Store (Redis)
// plan (facts 9.2); a plan the table does not list is unknown.
func redisPlanTable(plan string) Limit {
	l := Limit{Plan: plan}
	limits := map[string]int{
		"mini": 20, "premium-0": 40, "premium-1": 80, "premium-2": 200,
		"premium-3": 400, "premium-4": 700, "premium-5": 1000,
	}
	for _, tier := range []string{"premium", "private", "shield"} {
		for n, v := range map[string]int{"7": 10000, "9": 25000, "10": 40000, "12": 65000, "14": 65000} {
			limits[tier+"-"+n] = v
		}
	}
	if n, ok := limits[plan]; ok {
		l.N, l.Known = n, true
		return l
	}
	if plan == "" {
		l.Note = "app.json names the Redis add-on without a plan: its limit is unknown"
	} else {
		l.Note = "the Redis plan " + plan + " is not in poollint's table (facts 9.2)"
	}
	return l
}

// addonSpan locates add-on i of app.json: its "plan" key in the object
// form (one line, where the plan is changed), else the whole element.
func (a *App) addonSpan(i int) parser.Span {
	path := "addons[" + strconv.Itoa(i) + "]"
	if sp, ok := a.AppJSON.Spans[path+".plan"]; ok {
		return sp
	}
	return a.AppJSON.Spans[path]
}
