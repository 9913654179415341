package rules

// redundantForkHook is being written (issue 3); the placeholder keeps the build green.
func redundantForkHook() *Rule {
	return &Rule{ID: "redundant-fork-hook", Summary: "(being written)"}
}
