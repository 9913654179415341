package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/poollint/poollint/budget"
	"github.com/poollint/poollint/report"
)

const budgetHelp = `Usage: poollint budget [flags] [PATH...]

Prints, for each app, the connections its whole formation can open: per
process type the dynos, processes per dyno, threads, pool and connections,
summed per database server against its limit, with a note on every number
that was assumed. Exits 1 when a formation exceeds a known limit.

Dyno counts come from app.json's formation, else .poollint.yml's formation:,
else --dynos; the limit from .poollint.yml's database:, --max-connections,
or the Heroku Postgres plan named in app.json's addons. A Kamal deployment
(config/deploy.yml and each destination) is a budget of its own, counted in
hosts per role.

Flags: --format text|json, --dynos web=10,worker=2, --max-connections N,
--env K=V, --rails-env NAME, --deployment NAME, --config FILE.
`

// runBudget prints the connection budget of the apps under the PATHs.
func runBudget(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseLintArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		_, err := io.WriteString(stdout, budgetHelp)
		return wrote(err, stderr, exitClean)
	}
	if err != nil {
		return usageError(stderr, err)
	}
	switch {
	case cfg.format != "text" && cfg.format != "json":
		return usageError(stderr, fmt.Errorf("budget prints text or json, not %s", cfg.format))
	case cfg.fix || cfg.diff:
		return usageError(stderr, errors.New("budget changes nothing: --fix and --diff belong to the lint command"))
	}
	// Text is printed app by app as each is checked (in discovery
	// order); JSON is one document of every app's budget.
	var apps []budget.App
	var cur []budget.App
	code, printed := exitClean, 0
	allRead, err := checkEach(cfg, stderr, func(root, display string) (report.App, func(), error) {
		app, _, err := loadApp(cfg, root, display)
		if err != nil {
			return report.App{}, nil, err
		}
		var bs []budget.App
		for _, b := range app.Budgets() {
			bs = append(bs, budget.App{Display: display, Budget: b})
		}
		return report.App{}, func() { cur = bs }, nil
	}, func(report.App) error {
		for _, c := range cur {
			if budget.Over(c.Budget) {
				code = exitFindings
			}
		}
		if cfg.format == "json" {
			apps = append(apps, cur...)
			return nil
		}
		for _, c := range cur {
			if printed > 0 {
				if _, err := fmt.Fprintln(stdout); err != nil {
					return err
				}
			}
			printed++
			if err := budget.Text(stdout, c.Display, c.Budget); err != nil {
				return err
			}
		}
		return nil
	})
	if !allRead {
		code = exitTrouble
	}
	if err == nil && cfg.format == "json" {
		err = budget.JSON(stdout, apps)
	}
	return wrote(err, stderr, code)
}
