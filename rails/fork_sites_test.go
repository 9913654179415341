package rails

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/safefile"
)

func TestFindForkSites(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // What of each site, "+" suffix when a disconnect precedes it
	}{
		{name: "Process.fork", src: "Process.fork do\n  work\nend\n", want: []string{"Process.fork"}},
		{name: "Process.fork without block", src: "pid = Process.fork\n", want: []string{"Process.fork"}},
		{name: "bare fork with block", src: "fork { work }\n", want: []string{"fork"}},
		{name: "bare fork without block", src: "pid = fork\n"},
		{name: "method named fork defined here", src: "def fork(owner)\n  dup\nend\n\ndef copy\n  fork { x }\nend\n"},
		{name: "receiver fork", src: "repo.fork do\n  x\nend\n"},
		{name: "commented", src: "# Process.fork { x }\n"},
		{name: "seed 004", src: "ActiveRecord::Base.connection_pool.disconnect!\nthing1_pid = Process.fork do\n  ActiveRecord::Base.establish_connection\nend\n", want: []string{"Process.fork+"}},
		{name: "disconnect after", src: "pid = Process.fork { x }\nActiveRecord::Base.connection_pool.disconnect!\n", want: []string{"Process.fork"}},
		{name: "disconnect before a loop", src: "ActiveRecord::Base.clear_all_connections!\n3.times do\n  Process.fork { x }\nend\n", want: []string{"Process.fork+"}},
		{name: "disconnect in another method", src: "def a\n  ActiveRecord::Base.connection_pool.disconnect!\nend\n\ndef b\n  Process.fork { x }\nend\n", want: []string{"Process.fork"}},
		{name: "disconnect in the child only", src: "Process.fork do\n  ActiveRecord::Base.connection.disconnect!\nend\n", want: []string{"Process.fork"}},
		{name: "Parallel in_processes", src: "Parallel.map(items, in_processes: 4) { |i| i }\n", want: []string{"Parallel.map(in_processes: 4)"}},
		{name: "Parallel hash rocket", src: "Parallel.each(items, :in_processes => n) { |i| i }\n", want: []string{"Parallel.each(in_processes: n)"}},
		{name: "Parallel default processes", src: "Parallel.each(items) { |i| i }\n", want: []string{"Parallel.each (in processes by default)"}},
		{name: "Parallel in_threads", src: "Parallel.each(items, in_threads: 4) { |i| i }\n"},
		{name: "Parallel in_processes 0", src: "Parallel.map(items, in_processes: 0) { |i| i }\n"},
		{name: "Parallel options variable", src: "Parallel.map(items, opts) { |i| i }\n"},
		{name: "Parallel.in_processes", src: "Parallel.in_processes(2) { x }\n", want: []string{"Parallel.in_processes"}},
		{name: "Parallel disconnected", src: "ActiveRecord::Base.connection_pool.disconnect!\nParallel.map(items, in_processes: 4) { |i| i }\n", want: []string{"Parallel.map(in_processes: 4)+"}},
		{name: "fork then exec", src: "Process.fork { exec('convert', 'a.png', 'b.png') }\nfork do\n  Kernel.exec 'ls'\nend\n"},
		{name: "exec later in the child", src: "Process.fork do\n  User.count\n  exec('ls')\nend\n", want: []string{"Process.fork"}},
		{name: "other each", src: "items.each { |i| fork_it(i) }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parser.NewFile("lib/x.rb", "lib/x.rb", []byte(tt.src))
			r, err := parser.ParseRuby(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range findForkSites(r, true) {
				w := s.What
				if s.Disconnect != nil {
					w += "+"
				}
				got = append(got, w)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("sites = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestForkSiteSpanIsTheCallHead(t *testing.T) {
	src := "x = Parallel.map(items, in_processes: 4) do |i|\n  i\nend\n"
	f := parser.NewFile("lib/x.rb", "lib/x.rb", []byte(src))
	r, _ := parser.ParseRuby(f)
	sites := findForkSites(r, true)
	if len(sites) != 1 {
		t.Fatalf("want 1 site, got %d", len(sites))
	}
	if got := string(f.Src[sites[0].Span.Start.Offset:sites[0].Span.End.Offset]); got != "Parallel.map(items, in_processes: 4)" {
		t.Errorf("span text = %q", got)
	}
}

// writeTree writes files (path → content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestLoadForkSites(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":                           "gem 'rails'\n",
		"config/puma.rb":                    "fork { x }\n",                                    // DSL, not app code
		"config/unicorn/production.rb":      "fork { x }\n",                                    // DSL, not app code
		"config/initializers/forker.rb":     "Process.fork { x }\n",                            // app code
		"app/models/a.rb":                   "class A\n  def go\n    fork { x }\n  end\nend\n", // app code
		"app/assets/x.js":                   "fork()",                                          // not Ruby
		"bin/worker":                        "#!/usr/bin/env ruby\nrequire_relative '../config/environment'\nProcess.fork { x }\n",
		"bin/setup":                         "#!/bin/sh\nfork\n", // not Ruby
		"script/standalone.rb":              "Process.fork { system('ls') }\n",
		"lib/tasks/a.rake":                  "task a: :environment do\n  Process.fork { x }\nend\n",
		"vendor/bundle/gems/x/lib/y.rb":     "Process.fork { x }\n", // not under a scanned dir
		"lib/vendor/z.rb":                   "Process.fork { x }\n", // vendor/ is skipped
		"app/models/no_keyword.rb":          "class B; end\n",
		"app/models/binary.rb":              "fork\x00",
		"spec/models/a_spec.rb":             "Process.fork { x }\n",
		"lib/node_modules/pkg/forker.rb":    "Process.fork { x }\n",
		"config/environments/production.rb": "# Process.fork { x }\n",
	})
	fsys, err := safefile.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	a := &App{Root: root, Files: map[string]*parser.File{}, Pumas: map[string]*PumaConfig{}, Unicorns: map[string]*UnicornConfig{}, fsys: fsys}
	a.loadForkSites()
	var got []string
	for _, s := range a.ForkSites {
		loaded := ""
		if !s.ARLoaded {
			loaded = " (no AR)"
		}
		got = append(got, s.Span.File+" "+s.What+loaded)
	}
	want := []string{
		"app/models/a.rb fork",
		"bin/worker Process.fork",
		"config/initializers/forker.rb Process.fork",
		"lib/tasks/a.rake Process.fork",
		"script/standalone.rb Process.fork (no AR)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fork sites:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(a.Problems) != 0 {
		t.Errorf("app code must not produce problems: %+v", a.Problems)
	}
}
