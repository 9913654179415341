package parser

import (
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// bashParsers holds bash parsers between uses: a syntax.Parser carries
// two read buffers (several KB), and one was made per command line (a
// Procfile, every command a deployment file names), 4% of the bytes a
// lint allocates. Parse resets a parser's state before each use, so a
// parser is scratch space: it keeps nothing an app's result depends on.
var bashParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

func getBashParser() *syntax.Parser { return bashParsers.Get().(*syntax.Parser) }

func putBashParser(p *syntax.Parser) { bashParsers.Put(p) }
