package rules

// databaseURLPoolOverride is being written (issue 3); the placeholder keeps the build green.
func databaseURLPoolOverride() *Rule {
	return &Rule{ID: "database-url-pool-override", Summary: "(being written)"}
}
