package rules

// unicornMissingReconnect is being written (issue 3); the placeholder keeps the build green.
func unicornMissingReconnect() *Rule {
	return &Rule{ID: "unicorn-missing-reconnect", Summary: "(being written)"}
}
