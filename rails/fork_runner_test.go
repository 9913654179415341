package rails

import (
	"strings"
	"testing"
)

func TestRunnerTargets(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		schedule bool
		want     []string
	}{
		{name: "usage comment", src: "# Usage: bin/rails runner script/backfill.rb\n", want: []string{"script/backfill.rb"}},
		{name: "environment flag", src: "cron: bin/rails runner -e production script/nightly.rb\n", want: []string{"script/nightly.rb"}},
		{name: "long environment flag", src: "bundle exec rails runner --environment=production ./script/x.rb", want: []string{"script/x.rb"}},
		{name: "script/rails and rails r", src: "script/rails runner lib/jobs/a.rb; rails r script/b\n", want: []string{"lib/jobs/a.rb", "script/b"}},
		{name: "crontab absolute path", src: "0 * * * * cd /srv/app && bin/rails runner /srv/app/current/script/hourly.rb\n", want: []string{"script/hourly.rb"}},
		{name: "rake sh", src: "task :sync do\n  sh \"bin/rails runner script/sync_all.rb\"\nend\n", want: []string{"script/sync_all.rb"}},
		{name: "Ruby code, not a file", src: "rails runner 'User.cleanup!'\nbin/rails runner \"Report.mail\"\n"},
		{name: "interpolated root", src: "rails runner #{Rails.root}/script/x.rb\n", want: []string{"script/x.rb"}},
		{name: "variable root", src: "bin/rails runner $APP_ROOT/bin/sync\n", want: []string{"bin/sync"}},
		{name: "interpolated name", src: "rails runner script/#{name}.rb\n"},
		{name: "whenever runner file", src: "every 1.day do\n  runner \"script/weekly.rb\"\nend\n", schedule: true, want: []string{"script/weekly.rb"}},
		{name: "whenever runner code", src: "every 1.day do\n  runner \"Model.refresh\"\nend\n", schedule: true},
		{name: "whenever outside schedule", src: "runner \"script/weekly.rb\"\n"},
		{name: "a word ending in rails", src: "trails runner script/x.rb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runnerTargets([]byte(tt.src), tt.schedule)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("targets = %q, want %q", got, tt.want)
			}
		})
	}
}
