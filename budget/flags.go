package budget

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/poollint/poollint/rails"
)

// ParseDynos reads a --dynos value, "web=10,worker=2", into into (which it
// creates when nil); a repeated flag adds to the same map and a later
// count for a process type wins. It lives here so the command line only
// wires it.
func ParseDynos(into map[string]int, value string) (map[string]int, error) {
	if into == nil {
		into = map[string]int{}
	}
	for _, part := range strings.Split(value, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, count, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return into, fmt.Errorf("--dynos %q: want PROCESS=COUNT, like web=10,worker=2", part)
		}
		n, err := strconv.Atoi(strings.TrimSpace(count))
		if errors.Is(err, strconv.ErrRange) {
			return into, fmt.Errorf("--dynos %q: the count of %s is too large (at most %d)", part, name, math.MaxInt)
		}
		if err != nil || n < 0 {
			return into, fmt.Errorf("--dynos %q: the count of %s must be a whole number of dynos", part, name)
		}
		into[name] = n
	}
	return into, nil
}

// Over reports whether the formation opens more connections than a known
// limit allows on some database server: the exit status of `poollint
// budget` (1, like a lint error).
func Over(b rails.Budget) bool {
	for _, s := range b.Servers {
		if s.Exceeds() {
			return true
		}
	}
	return false
}
