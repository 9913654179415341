package rails

import (
	"math"
	"strings"
	"testing"
)

// A formation quantity of 2^62 times 2 processes times 5 threads wrapped
// int64 to a negative total that "fit" any limit. The total saturates,
// counts as a lower bound, exceeds the limit, and the notes say why.
func TestBudgetFormationOverflowSaturates(t *testing.T) {
	app := budgetApp(t, map[string]string{
		"app.json": appJSON(`"web": {"quantity": 4611686018427387904}, "worker": {"quantity": 4611686018427387904}`, `"heroku-postgresql:standard-0"`),
	}, Options{})
	b := app.Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	if s.Total != math.MaxInt || s.Complete {
		t.Fatalf("total = %d (complete %v), want the saturated %d as a lower bound", s.Total, s.Complete, math.MaxInt)
	}
	if !s.Exceeds() {
		t.Errorf("a saturated total must exceed standard-0's 120")
	}
	web := rowNamed(t, b, "web")
	if !web.Uses[0].Total.Saturated || web.Uses[0].Total.N != math.MaxInt {
		t.Errorf("web total = %+v, want saturated", web.Uses[0].Total)
	}
	said := false
	for _, n := range b.Notes {
		if strings.Contains(n.Text, "saturates") {
			said = true
		}
	}
	if !said {
		t.Errorf("no note says the arithmetic saturated: %+v", b.Notes)
	}
}

// Arithmetic written in a config saturates too, and the threads' source
// says so.
func TestEvalArithSaturates(t *testing.T) {
	big := &Value{Op: OpInt, Int: 1 << 62}
	for _, c := range []struct {
		op   Op
		want int
	}{{OpAdd, math.MaxInt}, {OpMul, math.MaxInt}, {OpSub, 0}} {
		v := &Value{Op: c.op, Args: []*Value{big, big}, Text: "x"}
		r := v.Eval(Env{})
		if r.Kind != RInt || r.Int != c.want || r.Saturated != (c.op != OpSub) {
			t.Errorf("op %d: %+v, want %d", c.op, r, c.want)
		}
	}
	v := &Value{Op: OpMul, Args: []*Value{big, {Op: OpInt, Int: 4}}, Text: "x"}
	th := threadsFrom(v, Env{}, "threads in config/puma.rb")
	if th.Max != math.MaxInt || !strings.Contains(th.Source, "saturates") {
		t.Errorf("threads = %+v", th)
	}
}
