package rails

import (
	"math"
	"math/big"
	"testing"
)

// TestSatArith checks the saturating operations against big.Int on the
// edges of the range.
func TestSatArith(t *testing.T) {
	vals := []int{0, 1, -1, 2, -2, 5, 1 << 31, 1 << 62, -(1 << 62), math.MaxInt, math.MinInt, math.MaxInt - 1, math.MinInt + 1, 3037000499, 3037000500}
	clamp := func(b *big.Int) (int, bool) {
		switch {
		case b.Cmp(big.NewInt(math.MaxInt)) > 0:
			return math.MaxInt, true
		case b.Cmp(big.NewInt(math.MinInt)) < 0:
			return math.MinInt, true
		}
		return int(b.Int64()), false
	}
	for _, a := range vals {
		for _, b := range vals {
			A, B := big.NewInt(int64(a)), big.NewInt(int64(b))
			ops := []struct {
				name string
				got  func(int, int) (int, bool)
				want *big.Int
			}{
				{"+", SatAdd, new(big.Int).Add(A, B)},
				{"-", SatSub, new(big.Int).Sub(A, B)},
				{"*", SatMul, new(big.Int).Mul(A, B)},
			}
			for _, op := range ops {
				n, sat := op.got(a, b)
				wn, wsat := clamp(op.want)
				if n != wn || sat != wsat {
					t.Errorf("%d %s %d = %d (sat %v), want %d (sat %v)", a, op.name, b, n, sat, wn, wsat)
				}
			}
		}
	}
}
