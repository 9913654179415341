package rails

import (
	"slices"
	"testing"
)

func TestSampleCandidatesOrder(t *testing.T) {
	got := sampleCandidates("config/database.yml")
	for _, want := range [][2]string{
		{"config/database.yml.example", "config/database.yml.default"},
		{"config/database.yml.default", "config/database.example.yml"},
		{"config/database.tmpl.yml", "config/example.database.yml"},
		{"config/example.database.yml", "config/database.yml.postgresql"},
		{"config/database.yml.postgresql", "config/database.yml.sqlite3"},
	} {
		i, j := slices.Index(got, want[0]), slices.Index(got, want[1])
		if i < 0 || j < 0 || i >= j {
			t.Errorf("%s (at %d) should come before %s (at %d) in %v", want[0], i, want[1], j, got)
		}
	}
	if slices.Contains(sampleCandidates("config/sidekiq.yml"), "config/sidekiq.yml.postgresql") {
		t.Error("adapter copies are only for database.yml")
	}
	if !slices.Contains(sampleCandidates("config/unicorn.rb"), "config/unicorn.sample.rb") {
		t.Error("unicorn.sample.rb is not a candidate")
	}
}
