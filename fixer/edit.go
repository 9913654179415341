// Package fixer applies text edits to an app's files: it sorts and merges
// them, re-parses the result, writes atomically, or shows a unified diff.
// It never knows what a rule means.
package fixer

// Edit replaces the bytes [Start, End) of File (app-relative path) with
// NewText. Offsets are into the file as it was read.
type Edit struct {
	File    string
	Start   int
	End     int
	NewText string
}
