package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/poollint/poollint/docs"
	"github.com/poollint/poollint/rules"
)

const rulesHelp = `poollint rules

List every rule with its default severity, whether --fix can repair it
(safe, unsafe, or "-" for no fix), and what it checks.
`

const explainHelp = `poollint explain RULE

Print the documentation of one rule: what goes wrong, how poollint finds
the numbers, bad and good configurations. "poollint rules" lists the IDs.
`

// runRules prints the rule catalogue as an aligned table.
func runRules(args []string, stdout, stderr io.Writer) int {
	if code, done := noArgs("rules", rulesHelp, args, stdout, stderr); done {
		return code
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tFIX\tSUMMARY")
	for _, r := range rules.All() {
		fix := r.Fixable
		if fix == "" {
			fix = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, fix, r.Summary)
	}
	return wrote(tw.Flush(), stderr, exitClean)
}

// runExplain prints the documentation page of one rule.
func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := subcommandFlags("explain")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		_, err := io.WriteString(stdout, explainHelp)
		return wrote(err, stderr, exitClean)
	} else if err != nil {
		return usageError(stderr, err)
	}
	if fs.NArg() != 1 {
		return usageError(stderr, errors.New("explain takes one rule ID, like: poollint explain puma-threads-exceed-pool"))
	}
	id := fs.Arg(0)
	rule := rules.ByID(id)
	if rule == nil {
		fmt.Fprintf(stderr, "poollint: unknown rule %s; see poollint rules\n", id)
		return exitTrouble
	}
	page, ok := docs.Rule(id)
	if !ok {
		// A rule without its page is our bug, not the user's: still say
		// what the catalogue knows.
		fmt.Fprintf(stderr, "poollint: rule %s has no documentation page yet\n", id)
		page = fmt.Sprintf("# %s\n\n**Severity:** %s\n\n%s\n", rule.ID, rule.Severity, rule.Summary)
	}
	_, err := io.WriteString(stdout, page)
	return wrote(err, stderr, exitClean)
}

// subcommandFlags is the (flagless) flag set of a subcommand: it exists so
// that -h works and a stray flag is a usage error.
func subcommandFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("poollint "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// noArgs parses the arguments of a subcommand that takes none. done says
// the subcommand must stop and exit with code: after printing its help,
// or on a usage error.
func noArgs(name, help string, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs := subcommandFlags(name)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, err := io.WriteString(stdout, help)
		return wrote(err, stderr, exitClean), true
	case err != nil:
		return usageError(stderr, err), true
	case fs.NArg() > 0:
		return usageError(stderr, fmt.Errorf("%s takes no arguments", name)), true
	}
	return 0, false
}
