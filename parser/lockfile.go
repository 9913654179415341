package parser

import (
	"fmt"
	"strings"
)

// Lockfile is the resolved gem set of a Gemfile.lock: the facts every
// version gate ("Rails < 5.2", "Sidekiq >= 7") is decided on.
type Lockfile struct {
	// Specs maps a gem name to its locked version, as written: the
	// top-level entries ("    name (version)", four spaces) of the specs of
	// every source section (GEM, GIT, PATH, PLUGIN SOURCE). A gem locked for
	// several platforms keeps its first entry, e.g. "1.16.0-x86_64-linux";
	// CompareVersions ignores the platform suffix.
	Specs map[string]string
	Path  string
}

// ParseLockfile reads a Gemfile.lock. Only the specs of the source sections
// are read: the six-space lines under a spec are its dependency
// requirements ("      actionpack (= 7.1.3)"), not locked versions, and
// DEPENDENCIES, PLATFORMS, CHECKSUMS, RUBY VERSION and BUNDLED WITH say
// nothing about what is installed. A file with merge-conflict markers or
// without any specs is an error, since its versions cannot be trusted.
func ParseLockfile(f *File) (*Lockfile, error) {
	l := &Lockfile{Specs: map[string]string{}, Path: f.Path}
	inSpecs, sawSpecs := false, false
	src := string(f.Src) // one copy; each line is a slice of it (LineText copies each)
	for line := 1; line <= f.Lines.LineCount(); line++ {
		s, e := f.Lines.LineBounds(line)
		text := strings.TrimSuffix(src[s:e], "\r")
		switch {
		case strings.TrimSpace(text) == "":
			continue
		case isConflictMarker(text):
			return nil, fmt.Errorf("%s:%d: unresolved merge conflict", f.Path, line)
		case !strings.HasPrefix(text, " "):
			// A section header; a new section's specs start at its "specs:".
			inSpecs = false
		case text == "  specs:":
			inSpecs, sawSpecs = true, true
		case inSpecs && strings.HasPrefix(text, "    ") && !strings.HasPrefix(text, "     "):
			name, version, ok := parseSpecLine(text[4:])
			if !ok {
				return nil, fmt.Errorf("%s:%d: malformed spec line %q", f.Path, line, strings.TrimSpace(text))
			}
			if _, seen := l.Specs[name]; !seen {
				l.Specs[name] = version
			}
		}
	}
	if !sawSpecs {
		return nil, fmt.Errorf("%s: no specs section; not a Gemfile.lock", f.Path)
	}
	return l, nil
}

// Version returns the locked version of gem.
func (l *Lockfile) Version(gem string) (string, bool) {
	if l == nil {
		return "", false
	}
	v, ok := l.Specs[gem]
	return v, ok
}

// parseSpecLine splits "name (version)". Gem names never contain spaces or
// parentheses, so the first " (" ends the name.
func parseSpecLine(s string) (name, version string, ok bool) {
	name, rest, found := strings.Cut(s, " (")
	if !found || name == "" || !strings.HasSuffix(rest, ")") {
		return "", "", false
	}
	version = strings.TrimSuffix(rest, ")")
	if version == "" || strings.ContainsAny(version, " ()") {
		return "", "", false
	}
	return name, version, true
}

func isConflictMarker(text string) bool {
	for _, m := range []string{"<<<<<<<", "=======", ">>>>>>>"} {
		if strings.HasPrefix(text, m) {
			return true
		}
	}
	return false
}

// CompareVersions orders two gem versions the way RubyGems does
// (Gem::Version#<=>), returning -1, 0 or +1. Segments are runs of digits
// (compared as numbers, so 10.0 > 9.9) or of letters; a letter segment
// marks a prerelease, which sorts before any number (5.2.0.rc1 < 5.2.0),
// and trailing zeros do not count (7.1 == 7.1.0). A lockfile's platform
// suffix ("1.16.0-x86_64-linux") is dropped first: it names a build, not a
// version, and RubyGems never puts a "-" in a locked version.
func CompareVersions(a, b string) int {
	// Segments go into arrays on the stack: rules compare versions for
	// every app, and a slice per version was a tenth of all allocations.
	var abuf, bbuf [8]versionSegment
	as, bs := versionSegments(abuf[:0], a), versionSegments(bbuf[:0], b)
	for i := 0; i < max(len(as), len(bs)); i++ {
		x, y := segmentAt(as, i), segmentAt(bs, i)
		if c := compareSegments(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// versionSegment is one segment: a number (digits, leading zeros removed)
// or a word.
type versionSegment struct {
	text    string
	numeric bool
}

func (s versionSegment) isZero() bool { return s.numeric && s.text == "0" }

// segmentAt pads the shorter version with zeros, as RubyGems does.
func segmentAt(s []versionSegment, i int) versionSegment {
	if i < len(s) {
		return s[i]
	}
	return versionSegment{text: "0", numeric: true}
}

// versionSegments splits a version into RubyGems' canonical segments: the
// release part and the prerelease part, each without trailing zeros.
// The segments are appended to segs (empty, for its capacity).
func versionSegments(segs []versionSegment, v string) []versionSegment {
	v, _, _ = strings.Cut(v, "-")
	for i := 0; i < len(v); {
		j := i
		switch {
		case isDigit(v[i]):
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			n := strings.TrimLeft(v[i:j], "0")
			if n == "" {
				n = "0"
			}
			segs = append(segs, versionSegment{text: n, numeric: true})
		case isLetter(v[i]):
			for j < len(v) && isLetter(v[j]) {
				j++
			}
			segs = append(segs, versionSegment{text: v[i:j]})
		default:
			j++ // separators and anything RubyGems would reject
		}
		i = j
	}
	release := len(segs)
	for i, s := range segs {
		if !s.numeric {
			release = i
			break
		}
	}
	return append(trimZeros(segs[:release:release]), trimZeros(segs[release:])...)
}

func trimZeros(segs []versionSegment) []versionSegment {
	for len(segs) > 0 && segs[len(segs)-1].isZero() {
		segs = segs[:len(segs)-1]
	}
	return segs
}

func compareSegments(x, y versionSegment) int {
	switch {
	case x == y:
		return 0
	case x.numeric && !y.numeric:
		return 1
	case !x.numeric && y.numeric:
		return -1
	case x.numeric:
		// Numbers of any length, without overflow: a longer number (no
		// leading zeros) is larger; equal lengths compare digit by digit.
		if len(x.text) != len(y.text) {
			return cmpInt(len(x.text), len(y.text))
		}
	}
	return strings.Compare(x.text, y.text)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
