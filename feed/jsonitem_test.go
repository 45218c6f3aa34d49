package feed

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// FuzzJSONFloat: numbers are written as encoding/json writes a float64.
func FuzzJSONFloat(f *testing.F) {
	for _, x := range []float64{0, 1, -1, 4702, 4702.5, 1e-6, 9.99e-7, 1e21, 1e20, -1e-9, 123456789.000001, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return // encoding/json refuses them; a duration is neither
		}
		want, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, x); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONFloat(%v) = %s, want %s", x, got, want)
		}
	})
}
