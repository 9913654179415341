package rules

// unicornPoolOversized is being written (issue 3); the placeholder keeps the build green.
func unicornPoolOversized() *Rule {
	return &Rule{ID: "unicorn-pool-oversized", Summary: "(being written)"}
}
