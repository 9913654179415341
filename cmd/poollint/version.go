package main

import "runtime/debug"

// version is the module version the binary was built from: set by
// `go install ...@vX.Y.Z`, "(devel)" for a build from a checkout.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
