package rails

import (
	"math"
	"math/bits"
	"strconv"
)

// Counts come from hostile files as easily as from honest ones: a
// formation quantity of 2^62 times a few processes wraps int64 to a
// negative total that "fits" any limit. Every count that is multiplied or
// summed goes through these, which stop at the ends of the int range
// instead of wrapping and report that they did, so a message can say the
// number is a bound ("at least ...") rather than print a wrapped one.

// SaturatedNote is how a message names a count that stopped at the top
// of the range.
var SaturatedNote = "more than " + strconv.Itoa(math.MaxInt) + " (the arithmetic saturates at the 64-bit integer limit)"

// SatAdd is a+b, or the nearest end of the int range when it overflows;
// sat reports the overflow.
func SatAdd(a, b int) (n int, sat bool) {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt, true
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt, true
	}
	return s, false
}

// SatSub is a-b, saturating like SatAdd.
func SatSub(a, b int) (n int, sat bool) {
	if b == math.MinInt {
		if a >= 0 {
			return math.MaxInt, true
		}
		return a - b, false
	}
	return SatAdd(a, -b)
}

// SatMul is a*b, saturating like SatAdd.
func SatMul(a, b int) (n int, sat bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	limit := uint64(math.MaxInt)
	if neg {
		limit++ // |MinInt|
	}
	if hi != 0 || lo > limit {
		if neg {
			return math.MinInt, true
		}
		return math.MaxInt, true
	}
	if neg {
		return int(-lo), false // lo == 1<<63 wraps to MinInt, which is exact
	}
	return int(lo), false
}

func absU(a int) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}

// satPlus is SatAdd without the flag, for a constant added to a count
// that already carries its own.
func satPlus(a, b int) int {
	n, _ := SatAdd(a, b)
	return n
}
