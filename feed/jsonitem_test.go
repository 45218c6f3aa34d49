package feed

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// jsonString is what encoding/json writes for s, with HTML escaping as
// html says.
func jsonString(t *testing.T, s string, html bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

var jsonSeeds = []string{
	"", "plain", `"quoted" \ back`, "<b>&amp;</b>", "\b\f\n\r\t\x00\x1f\x7f", "\xff\xfe", "\xed\xa0\x80",
	"\u2028\u2029", "مرحبا — 😀", "\uFFFD", "\xc3",
}

func TestJSONString(t *testing.T) {
	for _, s := range jsonSeeds {
		for _, html := range []bool{false, true} {
			if got, want := appendJSONString(nil, s, html), jsonString(t, s, html); !bytes.Equal(got, want) {
				t.Errorf("appendJSONString(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

// FuzzJSONString: strings are quoted as encoding/json quotes them.
func FuzzJSONString(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{false, true} {
			if got, want := appendJSONString(nil, s, html), jsonString(t, s, html); !bytes.Equal(got, want) {
				t.Fatalf("appendJSONString(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	})
}

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
