package rules

// pgbouncerPreparedStatements is being written (issue 3); the placeholder keeps the build green.
func pgbouncerPreparedStatements() *Rule {
	return &Rule{ID: "pgbouncer-prepared-statements", Summary: "(being written)"}
}
