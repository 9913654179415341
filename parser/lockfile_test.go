package parser

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sampleLockfile = `GIT
  remote: https://github.com/thiagopradi/octopus.git
  revision: 0123456789abcdef0123456789abcdef01234567
  branch: master
  specs:
    ar-octopus (0.10.2)
      activerecord (>= 4.2.0)
      activesupport (>= 4.2.0)

PATH
  remote: engines/billing
  specs:
    billing (0.1.0)
      rails (>= 7.0)

GEM
  remote: https://rubygems.org/
  specs:
    actionpack (7.1.3.4)
      actionview (= 7.1.3.4)
      rack (>= 2.2.4)
    activerecord (7.1.3.4)
      activemodel (= 7.1.3.4)
    nokogiri (1.16.0-arm64-darwin)
      racc (~> 1.4)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    pg (1.5.4)
    puma (6.4.2)
      nio4r (~> 2.0)
    rack (3.0.9)
    racc (1.7.3)
    rails (7.1.3.4)
      actionpack (= 7.1.3.4)
      activerecord (= 7.1.3.4)
    sidekiq (7.2.1)
      rack (>= 2.2.4)
      redis-client (>= 0.19.0)

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  ar-octopus!
  billing!
  pg (~> 1.1)
  puma (>= 5.0)
  rails (~> 7.1.3)
  sidekiq (~> 7.2)

CHECKSUMS
  pg (1.5.4) sha256=0123

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.3
`

func TestParseLockfile(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		src := strings.ReplaceAll(sampleLockfile, "\n", eol)
		l, err := ParseLockfile(NewFile("Gemfile.lock", "/app/Gemfile.lock", []byte(src)))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"ar-octopus":   "0.10.2",
			"billing":      "0.1.0",
			"actionpack":   "7.1.3.4",
			"activerecord": "7.1.3.4",
			"nokogiri":     "1.16.0-arm64-darwin",
			"pg":           "1.5.4",
			"puma":         "6.4.2",
			"rack":         "3.0.9",
			"racc":         "1.7.3",
			"rails":        "7.1.3.4",
			"sidekiq":      "7.2.1",
		}
		if diff := cmp.Diff(want, l.Specs); diff != "" {
			t.Errorf("Specs (-want +got):\n%s", diff)
		}
		if l.Path != "Gemfile.lock" {
			t.Errorf("Path = %q", l.Path)
		}
		if v, ok := l.Version("activerecord"); !ok || v != "7.1.3.4" {
			t.Errorf("Version(activerecord) = %q %v", v, ok)
		}
		if _, ok := l.Version("unicorn"); ok {
			t.Error("Version(unicorn) found")
		}
	}
}

func TestParseLockfilePlatformSuffixKept(t *testing.T) {
	src := "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.0-x86_64-linux)\n      racc (~> 1.4)\n"
	l, err := ParseLockfile(NewFile("Gemfile.lock", "", []byte(src)))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := l.Version("nokogiri")
	if v != "1.16.0-x86_64-linux" || CompareVersions(v, "1.16.0") != 0 {
		t.Errorf("nokogiri = %q", v)
	}
}

func TestParseLockfileErrors(t *testing.T) {
	tests := map[string]string{
		"conflict":  "GEM\n  specs:\n<<<<<<< HEAD\n    rails (7.1.0)\n=======\n    rails (7.0.0)\n>>>>>>> main\n",
		"malformed": "GEM\n  specs:\n    rails 7.1.0\n",
		"no specs":  "source 'https://rubygems.org'\ngem 'rails'\n",
		"empty":     "",
	}
	wantPrefix := map[string]string{
		"conflict":  "Gemfile.lock:3: unresolved merge conflict",
		"malformed": "Gemfile.lock:3: malformed spec line",
		"no specs":  "Gemfile.lock: no specs section",
		"empty":     "Gemfile.lock: no specs section",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			l, err := ParseLockfile(NewFile("Gemfile.lock", "", []byte(src)))
			if err == nil {
				t.Fatalf("no error; specs %v", l.Specs)
			}
			if !strings.HasPrefix(err.Error(), wantPrefix[name]) {
				t.Errorf("error %q, want prefix %q", err, wantPrefix[name])
			}
		})
	}
}

func TestLockfileVersionNil(t *testing.T) {
	var l *Lockfile
	if _, ok := l.Version("rails"); ok {
		t.Error("nil lockfile has a version")
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"4.0.13", "4.1.0", -1},
		{"5.1.7", "5.2.0", -1},
		{"5.2.0.rc1", "5.2.0", -1},
		{"5.2.0.beta2", "5.2.0.rc1", -1},
		{"8.1.0.rc1", "8.0.9", 1},
		{"8.1.0", "8.0.5.1", 1},
		{"10.0", "9.9", 1},
		{"6.1.7.10", "6.1.7.9", 1},
		{"7.1", "7.1.0", 0},
		{"7.1.3.4", "7.1.3.4", 0},
		{"1.16.0-x86_64-linux", "1.16.0", 0},
		{"1.16.0-x86_64-linux", "1.16.1", -1},
		{"5.2.rc1", "5.2.0.rc1", 0},
		{"1.0.a", "1.0.b", -1},
		{"1.01", "1.1", 0},
		{"123456789012345678901234567890", "123456789012345678901234567889", 1},
		{"", "0", 0},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}
