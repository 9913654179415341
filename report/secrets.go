package report

import (
	"regexp"
	"strings"

	"github.com/poollint/poollint/rules"
)

// A password in a URL's userinfo (postgres://user:PASSWORD@host) and a
// YAML `password:` value are never printed: reports end up in CI logs,
// pull-request annotations and code-scanning alerts.
var (
	urlPassword  = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s"'` + "`" + `]*:)([^@\s"'` + "`" + `]+)(@)`)
	yamlPassword = regexp.MustCompile(`^(\s*-?\s*["']?password["']?\s*:\s*)(.+?)(\s+#.*)?$`)
)

// MaskSecrets replaces URL passwords in s with "****".
func MaskSecrets(s string) string {
	return urlPassword.ReplaceAllString(s, "${1}****${3}")
}

// maskLine masks the secrets of a source line with as many '*' as they
// have bytes, so the columns of the underline below stay true. An ERB
// expression (`password: <%= ENV["X"] %>`) names no secret and is kept.
func maskLine(line string) string {
	line = urlPassword.ReplaceAllStringFunc(line, func(m string) string {
		parts := urlPassword.FindStringSubmatch(m)
		return parts[1] + strings.Repeat("*", len(parts[2])) + parts[3]
	})
	if parts := yamlPassword.FindStringSubmatch(line); parts != nil && !strings.Contains(parts[2], "<%") {
		line = parts[1] + strings.Repeat("*", len(parts[2])) + parts[3]
	}
	return line
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
