package rules

// jobThreadsExceedPool is being written (issue 3); the placeholder keeps the build green.
func jobThreadsExceedPool() *Rule {
	return &Rule{ID: "job-threads-exceed-pool", Summary: "(being written)"}
}
