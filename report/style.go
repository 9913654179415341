package report

import (
	"github.com/fatih/color"

	"github.com/poollint/poollint/rules"
)

// styles are the colors of one text report. They are made per call and
// switched on or off explicitly, so neither fatih/color's global NoColor
// (set from os.Stdout at init) nor another report changes this one.
type styles struct {
	path, rule                    *color.Color
	errorSev, warningSev, infoSev *color.Color
}

func newStyles(enabled bool) styles {
	s := styles{
		path:       color.New(color.Bold),
		rule:       color.New(color.Faint),
		errorSev:   color.New(color.FgRed, color.Bold),
		warningSev: color.New(color.FgYellow, color.Bold),
		infoSev:    color.New(color.FgBlue, color.Bold),
	}
	for _, c := range []*color.Color{s.path, s.rule, s.errorSev, s.warningSev, s.infoSev} {
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return s
}

// severity is the color of a severity word and of the caret under the code.
func (s styles) severity(sev rules.Severity) *color.Color {
	switch sev {
	case rules.Error:
		return s.errorSev
	case rules.Warning:
		return s.warningSev
	default:
		return s.infoSev
	}
}
