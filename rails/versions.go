package rails

import "github.com/poollint/poollint/parser"

// Versions answers "which version of gem X runs" from Gemfile.lock. With no
// lockfile every gem is assumed to be at its newest (Assumed is set, and
// the loader reports the assumption once).
type Versions struct {
	Lock    *parser.Lockfile
	Assumed bool
}

// Of returns the locked version of gem.
func (v Versions) Of(gem string) (string, bool) {
	if v.Lock == nil {
		return "", false
	}
	return v.Lock.Version(gem)
}

// Has reports whether gem is locked. With no lockfile nothing is.
func (v Versions) Has(gem string) bool {
	_, ok := v.Of(gem)
	return ok
}

// Rails returns the Active Record version (else the rails gem's), or "".
func (v Versions) Rails() string {
	for _, gem := range []string{"activerecord", "rails"} {
		if ver, ok := v.Of(gem); ok {
			return ver
		}
	}
	return ""
}

// AtLeast reports whether gem runs at version min or newer. An unknown
// version counts as the newest, as RULES.md prescribes.
func (v Versions) AtLeast(gem, min string) bool {
	ver, ok := v.Of(gem)
	if !ok {
		return true
	}
	return parser.CompareVersions(ver, min) >= 0
}

// RailsAtLeast is AtLeast for Active Record (else rails).
func (v Versions) RailsAtLeast(min string) bool {
	ver := v.Rails()
	if ver == "" {
		return true
	}
	return parser.CompareVersions(ver, min) >= 0
}
