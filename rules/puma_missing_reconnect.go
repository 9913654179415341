package rules

// pumaMissingReconnect is being written (issue 3); the placeholder keeps the build green.
func pumaMissingReconnect() *Rule {
	return &Rule{ID: "puma-missing-reconnect", Summary: "(being written)"}
}
