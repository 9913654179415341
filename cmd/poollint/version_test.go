package main

import (
	"runtime/debug"
	"testing"
)

func TestRevisionSuffix(t *testing.T) {
	cases := []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, ""},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}}, " (rev 0123456789ab)"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}, " (rev abc+dirty)"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}, " (rev abc)"},
		{[]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, ""},
	}
	for _, c := range cases {
		if got := revisionSuffix(c.settings); got != c.want {
			t.Errorf("revisionSuffix(%v) = %q, want %q", c.settings, got, c.want)
		}
	}
}

func TestModuleVersion(t *testing.T) {
	if got := moduleVersion(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}); got != "v1.2.3" {
		t.Errorf("got %q", got)
	}
	if got := moduleVersion(&debug.BuildInfo{}); got != "(devel)" {
		t.Errorf("got %q", got)
	}
}
