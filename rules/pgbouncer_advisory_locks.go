package rules

// pgbouncerAdvisoryLocks is being written (issue 3); the placeholder keeps the build green.
func pgbouncerAdvisoryLocks() *Rule {
	return &Rule{ID: "pgbouncer-advisory-locks", Summary: "(being written)"}
}
