package parser

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parseGemfileSrc(t *testing.T, src string) *Gemfile {
	t.Helper()
	r, err := ParseRuby(NewFile("Gemfile", "/app/Gemfile", []byte(src)))
	if err != nil {
		t.Fatal(err)
	}
	return ParseGemfile(r)
}

func TestParseGemfileGroupsRequireAndPlatforms(t *testing.T) {
	g := parseGemfileSrc(t, `source "https://rubygems.org"
gem "rails", "~> 7.1"
gem "puma", require: false # the admin UI mounts it
gem 'sidekiq', :require => false, group: [:worker]
group :development, :test do
  gem "byebug"
  platforms :jruby do
    gem "puma"
  end
end
group :production do
  gem "unicorn"
end
gem "pg" if ENV["DB"] == "postgres"
gem "thin", groups: %i[development staging], platforms: :mri
`)
	type row struct {
		Name               string
		Groups, Platforms  []string
		RequireFalse, Cond bool
	}
	var got []row
	for _, d := range g.Gems {
		got = append(got, row{d.Name, d.Groups, d.Platforms, d.RequireFalse, d.Conditional})
	}
	want := []row{
		{Name: "rails"},
		{Name: "puma", RequireFalse: true},
		{Name: "sidekiq", Groups: []string{"worker"}, RequireFalse: true},
		{Name: "byebug", Groups: []string{"development", "test"}},
		{Name: "puma", Groups: []string{"development", "test"}, Platforms: []string{"jruby"}},
		{Name: "unicorn", Groups: []string{"production"}},
		{Name: "pg", Cond: true},
		{Name: "thin", Groups: []string{"development", "staging"}, Platforms: []string{"mri"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gems (-want +got):\n%s", diff)
	}
	if g.Dynamic != "" {
		t.Errorf("Dynamic = %q, want none", g.Dynamic)
	}
	if n := len(g.Declarations("puma")); n != 2 {
		t.Errorf("puma declared %d times, want 2", n)
	}
}

func TestParseGemfileDynamic(t *testing.T) {
	for _, src := range []string{
		"gemspec\n",
		"eval_gemfile 'Gemfile.common'\n",
		"%w[puma unicorn].each { |s| gem s }\n",
	} {
		if g := parseGemfileSrc(t, src); g.Dynamic == "" {
			t.Errorf("%q: not marked dynamic", src)
		}
	}
	if g := parseGemfileSrc(t, "# gemspec\ngem 'puma'\n"); g.Dynamic != "" {
		t.Errorf("a comment made the Gemfile dynamic: %q", g.Dynamic)
	}
}
