package rails

// A deployment can declare a variable without writing its value: a
// Render envVar with `sync: false` or `fromDatabase:`, a Kamal
// `env: secret:` name. The process has it set, to a value poollint
// cannot read. It is kept in Env.Vars under this marker so that every
// copy of the environment carries it; Lookup hides it (a caller that
// wants the text sees no value, as before), Value evaluation reads it
// as set and unknown, and Has reports it as set.
const undisclosedValue = "\x00poollint: set by the deployment, value not in the file"

// Has reports whether the variable is set in the environment, to a known
// value or to one the deployment does not disclose.
func (e Env) Has(name string) bool {
	_, ok := e.Vars[name]
	return ok
}

// Undisclosed reports whether the variable is set to a value the
// deployment does not write in its file.
func (e Env) Undisclosed(name string) bool {
	return e.Vars[name] == undisclosedValue
}

// undisclosedResult is what reading such a variable evaluates to: a
// present string (truthy, not blank, not nil) whose text is unknown.
func undisclosedResult(name string) Result {
	return Result{Kind: RUnknown, Present: true,
		Reason: name + " is set by the deployment to a value that is not in its file"}
}

// absent drops the presence of an unknown result: a comparison or a
// case match on an unknown value is itself unknown, not truthy.
func absent(r Result) Result {
	r.Present = false
	return r
}
