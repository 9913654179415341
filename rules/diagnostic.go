package rules

import (
	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
)

// Severity orders how bad a finding is: error fails or corrupts at
// runtime, warning is fragile or wasteful, info is advice.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	case "info":
		return Info, true
	}
	return Info, false
}

// Related is another place a diagnostic names, with what it says about it.
type Related struct {
	Span    parser.Span
	Message string
}

// Fix is a rule's proposed repair: text edits on the original bytes.
// Safe fixes change nothing beyond the rule's point; unsafe ones may.
type Fix struct {
	Description string
	Safe        bool
	Edits       []fixer.Edit
}

// Diagnostic is one finding at one place.
type Diagnostic struct {
	Rule     string
	Severity Severity
	Span     parser.Span
	Message  string
	Related  []Related
	Fix      *Fix
}
