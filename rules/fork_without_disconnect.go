package rules

// forkWithoutDisconnect is being written (issue 3); the placeholder keeps the build green.
func forkWithoutDisconnect() *Rule {
	return &Rule{ID: "fork-without-disconnect", Summary: "(being written)"}
}
