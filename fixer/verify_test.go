package fixer

import (
	"strings"
	"testing"
)

func TestSyntaxVerifier(t *testing.T) {
	tests := []struct {
		name, path, before, after string
		want                      string // in the error; "" for none
	}{
		{
			name:   "yaml stays valid",
			path:   "config/database.yml",
			before: "production:\n  pool: 5\n",
			after:  "production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n",
		},
		{
			name:   "yaml broken by the fix",
			path:   "config/database.yml",
			before: "production:\n  pool: 5\n",
			after:  "production:\n  pool: 5\n prepared_statements: false\n",
			want:   "the fixed file would not be valid YAML (line 3",
		},
		{
			name:   "yaml already broken: not the fix's to judge",
			path:   "config/database.yml",
			before: "production:\n  pool: [5\n",
			after:  "production:\n  pool: [10\n",
		},
		{
			name:   "yaml sample files are checked as yaml",
			path:   "config/database.yml.example",
			before: "a: 1\n",
			after:  "a: 1\nb: [\n",
			want:   "not be valid YAML",
		},
		{
			name:   "ruby stays valid",
			path:   "config/puma.rb",
			before: "workers 2\npreload_app!\n",
			after:  "workers 2\npreload_app!\n\nbefore_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\nend\n",
		},
		{
			name:   "ruby block without its end",
			path:   "config/puma.rb",
			before: "workers 2\n",
			after:  "workers 2\nbefore_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\n",
			want:   "the fixed file would not be valid Ruby (syntax error at line",
		},
		{
			name:   "ruby stray end",
			path:   "config/unicorn.rb",
			before: "worker_processes 4\n",
			after:  "worker_processes 4\nend\n",
			want:   "not be valid Ruby",
		},
		{
			name:   "ruby already broken, not worse",
			path:   "config/puma.rb",
			before: "workers 2\nthreads 5, (\n",
			after:  "workers 3\nthreads 5, (\n",
		},
		{
			name:   "ruby already broken, made worse",
			path:   "config/puma.rb",
			before: "workers 2\nthreads 5, (\n",
			after:  "workers 3 +\nthreads 5, (\ndef x(\n",
			want:   "not be valid Ruby",
		},
		{
			name:   "ruby already broken, an error added after the old one",
			path:   "config/puma.rb",
			before: "threads 5, (\nworkers 2\n",
			after:  "threads 5, (\nworkers 2\nend\n",
			want:   "not be valid Ruby",
		},
		{
			// Recovery swallows the rest of the file into one ERROR node,
			// so an edit there cannot be told apart from a broken one.
			name:   "ruby already broken, an edit inside the broken part",
			path:   "config/puma.rb",
			before: "x = [\nworkers 2\n",
			after:  "x = [\nworkers 3\n",
			want:   "not be valid Ruby",
		},
		{
			name:   "Gemfile is ruby",
			path:   "Gemfile",
			before: "gem \"pg\"\n",
			after:  "gem \"pg\"\nend\n",
			want:   "not be valid Ruby",
		},
		{
			name:   "procfile stays readable",
			path:   "Procfile",
			before: "web: bundle exec puma\nworker: bundle exec sidekiq\n",
			after:  "web: bundle exec puma\nworker: DB_POOL=25 bundle exec sidekiq\n",
		},
		{
			name:   "procfile with an unclosed quote",
			path:   "Procfile",
			before: "worker: bundle exec sidekiq\n",
			after:  "worker: DB_POOL=\"25 bundle exec sidekiq\n",
			want:   "the fixed Procfile would have a line",
		},
		{
			name:   "app.json broken",
			path:   "app.json",
			before: "{\"formation\": {}}\n",
			after:  "{\"formation\": {},}\n",
			want:   "not be valid JSON",
		},
		{
			name:   "other files are not checked",
			path:   ".env",
			before: "A=1\n",
			after:  "A=\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SyntaxVerifier(tt.path, []byte(tt.before), []byte(tt.after))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
