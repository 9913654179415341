package rules

// octopusIgnoresPool is being written (issue 3); the placeholder keeps the build green.
func octopusIgnoresPool() *Rule {
	return &Rule{ID: "octopus-ignores-pool", Summary: "(being written)"}
}
