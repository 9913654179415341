package rules

import (
	"os"
	"testing"
)

// TestEveryRuleIsComplete: each rule of the catalogue has a Check, a
// summary and its documentation page (poollint explain prints it).
func TestEveryRuleIsComplete(t *testing.T) {
	for _, r := range All() {
		if r.Check == nil || r.Summary == "" {
			t.Errorf("%s: Check or Summary missing", r.ID)
		}
		if _, err := os.Stat("../docs/rules/" + r.ID + ".md"); err != nil {
			t.Errorf("%s: no docs page: %v", r.ID, err)
		}
		if ByID(r.ID) != r && ByID(r.ID).ID != r.ID {
			t.Errorf("%s: ByID does not find it", r.ID)
		}
	}
}
