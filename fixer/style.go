package fixer

import (
	"bytes"
	"strings"
)

// utf8BOM is the byte order mark editors on Windows put at the start of a
// UTF-8 file. Ruby and YAML loaders skip it; a fix must neither drop it
// nor insert text before it (the mark would then sit mid-file).
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// MatchLineEndings returns newText with its line breaks written the way
// src writes them. Rules write "\n"; in a CRLF file that would leave mixed
// line endings, which editors flag and some tools mis-read. A "\r\n"
// already in newText is kept as it is.
func MatchLineEndings(src []byte, newText string) string {
	if !usesCRLF(src) || !strings.Contains(newText, "\n") {
		return newText
	}
	var b strings.Builder
	for i := 0; i < len(newText); i++ {
		if newText[i] == '\n' && (i == 0 || newText[i-1] != '\r') {
			b.WriteByte('\r')
		}
		b.WriteByte(newText[i])
	}
	return b.String()
}

// usesCRLF reports whether src ends its lines with "\r\n", judged by its
// first line break: a file is written by one editor, and the first line
// is what tools sniff too.
func usesCRLF(src []byte) bool {
	i := bytes.IndexByte(src, '\n')
	return i > 0 && src[i-1] == '\r'
}

// inFileStyle adapts an edit to the bytes of the file it applies to: line
// breaks as the file writes them, and an insertion at the very start of a
// file with a byte order mark moved after the mark.
func inFileStyle(src []byte, e Edit) Edit {
	e.NewText = MatchLineEndings(src, e.NewText)
	if bytes.HasPrefix(src, utf8BOM) && e.Start == 0 && e.End == 0 {
		e.Start, e.End = len(utf8BOM), len(utf8BOM)
	}
	return e
}

// keepBOM returns data with the byte order mark that old starts with, if
// data lost it: an edit that replaced the first bytes must not change the
// file's encoding marker.
func keepBOM(old, data []byte) []byte {
	if bytes.HasPrefix(old, utf8BOM) && !bytes.HasPrefix(data, utf8BOM) {
		return append(bytes.Clone(utf8BOM), data...)
	}
	return data
}
