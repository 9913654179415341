package rails

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// addAppSeeds adds to f every file under testdata/apps whose name keep
// accepts, so the value fuzz targets start from the cases' real shapes.
func addAppSeeds(f *testing.F, keep func(name string) bool) {
	f.Helper()
	root := filepath.Join("..", "testdata", "apps")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !keep(d.Name()) {
			return err
		}
		src, err := os.ReadFile(p)
		if err == nil && len(src) <= 16<<10 {
			f.Add(src)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// fuzzEnvs are the environments every fuzzed Value is evaluated in: none
// set, and each variable it reads set to one awkward value at a time.
var fuzzEnvValues = []string{"", "0", "5", "-3", "abc", "9223372036854775807", "1e9", " 7 "}

// checkValue evaluates v in every fuzz environment and checks that each
// node's span lies in a file of size bytes: rules slice sources and print
// lines with them.
func checkValue(t *testing.T, v *Value, size int) {
	t.Helper()
	var spans func(v *Value, depth int)
	spans = func(v *Value, depth int) {
		if v == nil {
			return
		}
		if depth > 10*maxValueDepth {
			t.Fatalf("value nested %d deep: the builder's depth limit did not hold", depth)
		}
		s := v.Span
		if s.File != "" && (s.Start.Offset < 0 || s.End.Offset > size || s.Start.Offset > s.End.Offset) {
			t.Fatalf("span %+v outside a %d-byte file (op %d, text %q)", s, size, v.Op, v.Text)
		}
		for _, a := range v.Args {
			spans(a, depth+1)
		}
	}
	spans(v, 0)
	vars := v.Vars()
	if !slices.IsSorted(vars) {
		t.Fatalf("Vars() = %q, not sorted", vars)
	}
	v.Eval(Env{})
	v.Eval(Env{Sidekiq: true, SidekiqConcurrency: 10})
	for _, name := range vars {
		for _, val := range fuzzEnvValues {
			r := v.Eval(Env{Vars: map[string]string{name: val}})
			if r.Known() && r.Reason != "" {
				t.Fatalf("known result %+v carries a reason", r)
			}
		}
	}
}

// FuzzValueFromRuby builds the Value of Ruby expressions in any bytes, as
// the puma.rb, unicorn.rb and initializer loaders do, and evaluates them.
func FuzzValueFromRuby(f *testing.F) {
	for _, s := range []string{
		"threads Integer(ENV.fetch('MIN', 1)), [ENV['MAX'].to_i, 5].max * 2 + 1\n",
		"w = ENV.fetch('WEB_CONCURRENCY') { 2 }.to_i\nworkers w\nthreads w - 1, (ENV['T'].presence || 5)\n",
		"c = Sidekiq.server? ? 25 : ENV.fetch('RAILS_MAX_THREADS', 5)\nx = c\ny = x + x * x\n",
		"case ENV['RACK_ENV']\nwhen 'production' then threads 5, 5\nelse threads 1, 1\nend\n",
		"threads 5, 9223372036854775807\nworkers 2 ** 62 * 4\n",
		"a = a + 1\nb = b\nthreads a, b\n",
	} {
		f.Add([]byte(s))
	}
	addAppSeeds(f, func(name string) bool { return filepath.Ext(name) == ".rb" })
	f.Fuzz(func(t *testing.T, src []byte) {
		file := parser.NewFile("config/puma.rb", "", src)
		r, err := parser.ParseRuby(file)
		if err != nil {
			t.Fatalf("ParseRuby: %v", err)
		}
		// Every argument of every call, as the loaders take settings.
		built := 0
		for _, c := range r.Calls(r.Root) {
			for _, a := range c.Args {
				if built++; built > 40 {
					return // enough for one input; each build walks the assignments
				}
				checkValue(t, ValueFromRuby(r, a), len(src))
			}
		}
		for _, as := range r.Assignments() {
			for _, a := range as {
				if built++; built > 40 {
					return
				}
				checkValue(t, ValueFromRuby(r, a.Value), len(src))
			}
		}
		var nilNode *parser.Node
		checkValue(t, ValueFromRuby(r, nilNode), len(src))
	})
}

// FuzzValueFromYAML builds the Value of every scalar of any YAML (ERB
// included), as the database.yml, sidekiq.yml and queue.yml loaders do.
func FuzzValueFromYAML(f *testing.F) {
	for _, s := range []string{
		"production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n",
		":concurrency: <%= ENV['C'] || 10 %>\n",
		"a: &a\n  pool: <%= Integer(ENV['P'] || 2) * 3 %>\nb:\n  <<: *a\n  pool: 1e9\n",
		"threads: <%= [ENV['T'].to_i, 3].max %>\n",
	} {
		f.Add([]byte(s))
	}
	addAppSeeds(f, func(name string) bool { ext := filepath.Ext(name); return ext == ".yml" || ext == ".yaml" })
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := parser.ParseYAML(parser.NewFile("config/database.yml", "", src))
		if err != nil {
			return // the loader reports it; nothing is built
		}
		built := 0
		var walk func(n *yaml.Node, depth int)
		walk = func(n *yaml.Node, depth int) {
			if n == nil || depth > 64 || built > 40 {
				return
			}
			if n.Kind == yaml.ScalarNode {
				built++
				checkValue(t, ValueFromYAML(doc, n), len(src))
			}
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
		walk(doc.Root, 0)
	})
}

// FuzzValueFromWord builds the Value of every word of any Procfile, as the
// process builder does with `-c`, `-t` and assignments.
func FuzzValueFromWord(f *testing.F) {
	for _, s := range []string{
		"worker: RAILS_MAX_THREADS=${SIDEKIQ_THREADS:-10} bundle exec sidekiq -c ${C:-5}\n",
		"web: bundle exec puma -t ${MIN:-1}:${MAX-16} -w $WEB_CONCURRENCY\n",
		"web: DB_POOL=9223372036854775807 bin/rails s\n",
	} {
		f.Add([]byte(s))
	}
	addAppSeeds(f, func(name string) bool { return name == "Procfile" })
	f.Fuzz(func(t *testing.T, src []byte) {
		pf := parser.ParseProcfile(parser.NewFile("Procfile", "", src))
		for _, e := range pf.Entries {
			for _, a := range e.Env {
				checkValue(t, ValueFromWord(a.Value), len(src))
			}
			for _, w := range e.Argv {
				checkValue(t, ValueFromWord(w), len(src))
				checkValue(t, threadsMaxFromWord(w), len(src))
			}
		}
	})
}
