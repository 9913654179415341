package parser

import (
	"testing"
)

// FuzzParseRuby feeds arbitrary bytes to the Ruby parser and every helper
// built on it. Config files come from strangers' repositories; whatever
// they hold, parsing must not panic and every span must stay in the file.
func FuzzParseRuby(f *testing.F) {
	for _, seed := range []string{
		pumaRails50, pumaRails51, pumaRails60, pumaRails710, pumaRails714, pumaRails72, pumaRails80,
		"before_fork do |server, worker|\n  defined?(ActiveRecord::Base) and\n    ActiveRecord::Base.connection.disconnect!\nend\n",
		"Sidekiq.configure_server do |config|\n  config.capsule(\"unsafe\") { |cap| cap.concurrency = 1 }\n  config.options[:concurrency] = 5\nend\n",
		"case w = Integer(ENV.fetch(\"W\", 2))\nwhen (2..) then workers w\nelse preload_app!\nend\n",
		"x = \"\\u00e9#{y}\" ? :'a' : %q(b)\n=begin\nthreads 1\n=end\n",
		"threads 1,\nworkers( 2\ndef x\n", "end\nwhen 1\n", "0i.", "00\n%i", "a, *b = 1, *c\n", "\x00\xff",
	} {
		f.Add([]byte(seed))
	}
	addAppSeeds(f, isRubyName)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := NewFile("config/puma.rb", "", src)
		r, err := ParseRuby(file)
		if err != nil {
			t.Fatalf("ParseRuby: %v", err)
		}
		checkRubyHelpers(t, r, len(src))
		checkRecordMatchesTreeSitter(t, r)

		// The same bytes as an ERB snippet in the middle of a larger file.
		padded := append(append([]byte("pool: <%="), src...), " %>\n"...)
		host := NewFile("config/database.yml", "", padded)
		s, err := ParseRubySnippet(host, string(src), len("pool: <%="))
		if err != nil {
			t.Fatalf("ParseRubySnippet: %v", err)
		}
		if s.HasErrors != r.HasErrors {
			t.Fatalf("snippet HasErrors = %v, file HasErrors = %v", s.HasErrors, r.HasErrors)
		}
		checkRubyHelpers(t, s, len(padded))
	})
}

// checkRubyHelpers runs every helper over r and checks spans stay in a file
// of size bytes.
func checkRubyHelpers(t *testing.T, r *RubyFile, size int) {
	t.Helper()
	inFile := func(what string, n *Node) {
		if n == nil {
			return
		}
		sp := r.Span(n)
		if sp.Start.Offset < 0 || sp.End.Offset > size || sp.Start.Offset > sp.End.Offset || sp.Start.Line < 1 {
			t.Fatalf("%s span %+v outside a %d-byte file", what, sp, size)
		}
	}
	if r.HasErrors == r.FirstError.IsZero() {
		t.Fatalf("HasErrors = %v but FirstError = %+v", r.HasErrors, r.FirstError)
	}
	for _, c := range r.Calls(r.Root) {
		inFile("call", c.Node)
		if c.Method == "" {
			t.Fatalf("call without a method name: %s", r.Text(c.Node))
		}
		_ = r.ReceiverText(c)
		for _, a := range c.Args {
			inFile("argument", a)
			r.StringValue(a)
			r.IntValue(a)
			Unwrap(a)
		}
		for _, s := range c.BlockBody {
			inFile("block statement", s)
		}
		for _, cond := range r.EnclosingConditions(c.Node) {
			inFile("condition", cond.Node)
			inFile("condition", cond.Cond)
		}
	}
	r.TopLevelCalls()
	for _, as := range r.Assignments() {
		for _, a := range as {
			inFile("assignment", a.Node)
			inFile("assigned value", a.Value)
		}
	}
	r.AttributeAssignments(r.Root, "")
	r.IndexAssignments(r.Root, "concurrency")
}
