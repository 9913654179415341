package rules

import "strings"

// SuggestID returns the rule ID a misspelt or shortened id most likely
// means, or "" when none is close: error messages for .poollint.yml and
// poollint:disable comments say `did you mean "…"?`.
func SuggestID(id string) string {
	ids := make([]string, 0, len(All()))
	for _, r := range All() {
		ids = append(ids, r.ID)
	}
	return Closest(id, ids)
}

// Closest returns the candidate nearest to word: the one within a third
// of word's length in edits (at least one edit), else the only candidate
// word is a prefix of (`pool-not-tied` for pool-not-tied-to-threads). ""
// when nothing is close or the prefix is ambiguous.
func Closest(word string, candidates []string) string {
	best, bestDist := "", max(1, len(word)/3)+1
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" || len(word) < 4 {
		return best
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, word) {
			if best != "" {
				return "" // two rules start this way: no single guess
			}
			best = c
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes (IDs and
// keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
