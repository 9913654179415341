package report

import (
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/rules"
)

// MaskSecrets masks the secrets of a message (redact.Text): reports end
// up in CI logs, pull-request annotations and code-scanning alerts.
func MaskSecrets(s string) string { return redact.Text(s) }

// maskWindow is how many lines above a quoted line are read to know
// whether it continues a secret (`password: |` and the lines below it).
const maskWindow = 64

// maskedLine is line n of f with its secrets masked one '*' per byte
// (redact.Source), so the columns of the underline stay true.
func maskedLine(f *parser.File, n int) string {
	var l redact.Lines
	for i := max(1, n-maskWindow); i < n; i++ {
		l.Line(f.LineText(i))
	}
	return l.Line(f.LineText(n))
}

// MaskDiagnostics masks the secrets of every message a diagnostic carries.
func MaskDiagnostics(ds []rules.Diagnostic) []rules.Diagnostic {
	for i := range ds {
		ds[i].Message = MaskSecrets(ds[i].Message)
		for j := range ds[i].Related {
			ds[i].Related[j].Message = MaskSecrets(ds[i].Related[j].Message)
		}
		if ds[i].Fix != nil {
			fix := *ds[i].Fix
			fix.Description = MaskSecrets(fix.Description)
			ds[i].Fix = &fix
		}
	}
	return ds
}
