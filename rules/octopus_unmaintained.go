package rules

// octopusUnmaintained is being written (issue 3); the placeholder keeps the build green.
func octopusUnmaintained() *Rule {
	return &Rule{ID: "octopus-unmaintained", Summary: "(being written)"}
}
