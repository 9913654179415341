package parser

import "slices"

// RubySnippet is ParseRubySnippet remembered per file: the ERB of a YAML
// template is parsed when the file is read, again for each rendering of
// its conditions (up to 16), and again for each value the model reads
// from the chosen rendering, always the same code at the same offset.
// The tree is the same every time, so it is parsed once.
//
// The memo lives on the File, which belongs to one app and is read by
// the goroutine linting that app: it needs no lock and is never shared
// with another app. Callers only read the tree they get.
func RubySnippet(f *File, code string, base int) (*RubyFile, error) {
	if f == nil {
		return ParseRubySnippet(f, code, base)
	}
	k := snippetKey{base: base, code: code}
	if p, ok := f.snippets[k]; ok {
		return p.r, p.err
	}
	r, err := ParseRubySnippet(f, code, base)
	if f.snippets == nil {
		f.snippets = map[snippetKey]snippetParse{}
	}
	f.snippets[k] = snippetParse{r: r, err: err}
	return r, err
}

type snippetKey struct {
	base int
	code string
}

type snippetParse struct {
	r   *RubyFile
	err error
}

// ERBTags is ScanERB(f.Src), scanned once per file: the loader asks
// whether a template has code tags, ParseYAML masks its tags, the
// renderer reads them, and inline disables are looked for in them. The
// slice is shared: read it, never write to it. Like RubySnippet's memo,
// it is the file's, read by one goroutine.
func (f *File) ERBTags() ([]ERBTag, error) {
	if f.erb == nil {
		tags, err := ScanERB(f.Src)
		f.erb = &erbScan{tags: slices.Clip(tags), err: err}
	}
	return f.erb.tags, f.erb.err
}

type erbScan struct {
	tags []ERBTag
	err  error
}
