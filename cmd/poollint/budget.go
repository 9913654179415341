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
or the Heroku Postgres plan named in app.json's addons.

Flags: --format text|json, --dynos web=10,worker=2, --max-connections N,
--env K=V, --rails-env NAME, --config FILE.
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
	var apps []budget.App
	_, allRead := lintPaths(cfg, stderr, func(root, display string) (report.App, error) {
		app, _, err := loadApp(cfg, root, display)
		if err != nil {
			return report.App{}, err
		}
		apps = append(apps, budget.App{Display: display, Budget: app.Budget()})
		return report.App{}, nil
	})
	code := exitClean
	for _, a := range apps {
		if budget.Over(a.Budget) {
			code = exitFindings
		}
	}
	if !allRead {
		code = exitTrouble
	}
	if cfg.format == "json" {
		return wrote(budget.JSON(stdout, apps), stderr, code)
	}
	for i, a := range apps {
		if i > 0 {
			if _, err := fmt.Fprintln(stdout); err != nil {
				return wrote(err, stderr, code)
			}
		}
		if err := budget.Text(stdout, a.Display, a.Budget); err != nil {
			return wrote(err, stderr, code)
		}
	}
	return code
}
