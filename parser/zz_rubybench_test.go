package parser

import (
	"strings"
	"testing"
	"time"
)

func TestZZRubyBig(t *testing.T) {
	for _, n := range []int{1000, 4000, 16000} {
		src := strings.Repeat("threads 1, 5 if x\nfoo(1,2,3)\nx = ENV.fetch('A') { 5 }\n", n)
		start := time.Now()
		r := parseRubyString(t, src)
		p := time.Since(start)
		c := len(r.Calls(r.Root))
		tl := len(r.TopLevelCalls())
		a := len(r.Assignments())
		t.Logf("n=%d parse=%v total=%v calls=%d top=%d asg=%d", n, p, time.Since(start), c, tl, a)
		flat := "foo(" + strings.Repeat("1,", n*3) + "1)\n"
		start = time.Now()
		r = parseRubyString(t, flat)
		r.Calls(r.Root)
		t.Logf("wide args n=%d %v", n*3, time.Since(start))
		deep := strings.Repeat("(", n) + "1" + strings.Repeat(")", n)
		start = time.Now()
		r = parseRubyString(t, deep)
		r.Calls(r.Root)
		r.IntValue(statements(r.Root)[0])
		t.Logf("deep n=%d %v err=%v", n, time.Since(start), r.HasErrors)
	}
}
