package rules

// pumaMissingDisconnect is being written (issue 3); the placeholder keeps the build green.
func pumaMissingDisconnect() *Rule {
	return &Rule{ID: "puma-missing-disconnect", Summary: "(being written)"}
}
