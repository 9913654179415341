package rules

// unicornMissingDisconnect is being written (issue 3); the placeholder keeps the build green.
func unicornMissingDisconnect() *Rule {
	return &Rule{ID: "unicorn-missing-disconnect", Summary: "(being written)"}
}
