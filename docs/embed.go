// Package docs embeds the documentation page of each rule, so that
// `poollint explain RULE` works from a single binary with no files beside it.
package docs

import (
	"embed"
	"io/fs"
	"strings"
)

// Rules holds rules/<rule-id>.md for every documented rule, plus
// rules/README.md, which describes the page format and is not a rule.
//
//go:embed rules/*.md
var Rules embed.FS

// Rule returns the Markdown page of the rule with the given ID.
func Rule(id string) (string, bool) {
	// An ID is a plain kebab-case name: anything that could reach another
	// file of the FS, or the format README, is not a rule.
	if id == "" || id == "README" || strings.ContainsAny(id, `/\.`) {
		return "", false
	}
	page, err := fs.ReadFile(Rules, "rules/"+id+".md")
	if err != nil {
		return "", false
	}
	return string(page), true
}
