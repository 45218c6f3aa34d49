package jsontext

import (
	"bytes"
	"encoding/json"
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

func TestAppendString(t *testing.T) {
	for _, s := range jsonSeeds {
		for _, html := range []bool{false, true} {
			if got, want := AppendString(nil, s, html), jsonString(t, s, html); !bytes.Equal(got, want) {
				t.Errorf("AppendString(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

// FuzzAppendString: strings are quoted as encoding/json quotes them.
func FuzzAppendString(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{false, true} {
			if got, want := AppendString(nil, s, html), jsonString(t, s, html); !bytes.Equal(got, want) {
				t.Fatalf("AppendString(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	})
}
