package rules

// ambiguousPoolKeys is being written (issue 3); the placeholder keeps the build green.
func ambiguousPoolKeys() *Rule {
	return &Rule{ID: "ambiguous-pool-keys", Summary: "(being written)"}
}
