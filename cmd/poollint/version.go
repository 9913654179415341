package main

import "runtime/debug"

// version is the module version the binary was built from: set by
// `go install ...@vX.Y.Z`, "(devel)" for a build from a checkout.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		return moduleVersion(info)
	}
	return "(devel)"
}

// versionLine is what --version prints: the module version, then the VCS
// revision the go command stamped into the binary (vcs.revision, with
// "+dirty" when vcs.modified), so a bug report names the exact commit even
// for a build from a checkout, where the module version is "(devel)".
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "poollint (devel)"
	}
	return "poollint " + moduleVersion(info) + revisionSuffix(info.Settings)
}

func moduleVersion(info *debug.BuildInfo) string {
	if info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// revisionSuffix is " (rev abc123def456+dirty)" from the build settings,
// or "" when the binary carries no VCS stamp (go test, -buildvcs=false).
func revisionSuffix(settings []debug.BuildSetting) string {
	rev, dirty := "", false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return ""
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return " (rev " + rev + ")"
}
