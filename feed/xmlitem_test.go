package feed

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"
)

// xmlEscapers are the escapers of xmlitem.go beside what encoding/xml
// writes in the same place.
var xmlEscapers = []struct {
	name       string
	ours, want func(s string) []byte
}{
	{
		"attribute value, as xml.EscapeText",
		func(s string) []byte { return appendEscaped(nil, s, true) },
		func(s string) []byte {
			var b bytes.Buffer
			xml.EscapeText(&b, []byte(s))
			return b.Bytes()
		},
	},
	{
		"character data, as xml.Encoder's EncodeToken(CharData)",
		func(s string) []byte { return appendEscaped(nil, s, false) },
		func(s string) []byte {
			var b bytes.Buffer
			enc := xml.NewEncoder(&b)
			if err := enc.EncodeToken(xml.CharData(s)); err != nil {
				panic(err)
			}
			enc.Flush()
			return b.Bytes()
		},
	},
	{
		"CDATA, as encoding/xml marshals a \",cdata\" field",
		func(s string) []byte {
			var w xmlOut
			w.cdata(s)
			return w
		},
		func(s string) []byte {
			var v struct {
				XMLName xml.Name `xml:"x"`
				S       string   `xml:",cdata"`
			}
			v.S = s
			b, err := xml.Marshal(v)
			if err != nil {
				panic(err)
			}
			return bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("<x>")), []byte("</x>"))
		},
	},
}

var escaperSeeds = []string{
	"", "plain", `a & b < c > d "e" 'f'`, "tab\there", "line\nline", "cr\r\nlf", "\x00\x01\x1f\x7f",
	"\xff\xfe", "\xed\xa0\x80", "\uFFFD", "\uFFFE\uFFFF", "مرحبا — 😀", "]]>", "]]]>>", "a]]>b]]>", "\xc3",
}

func TestEscapers(t *testing.T) {
	for _, e := range xmlEscapers {
		for _, s := range escaperSeeds {
			if got, want := e.ours(s), e.want(s); !bytes.Equal(got, want) {
				t.Errorf("%s of %q: got %q, want %q", e.name, s, got, want)
			}
		}
	}
}

// FuzzEscapers: each escaper writes what encoding/xml writes for any
// string.
func FuzzEscapers(f *testing.F) {
	for _, s := range escaperSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range xmlEscapers {
			if got, want := e.ours(s), e.want(s); !bytes.Equal(got, want) {
				t.Fatalf("%s of %q: got %q, want %q", e.name, s, got, want)
			}
		}
	})
}

// TestNPT: a chapter's start, with milliseconds only when it has some.
func TestNPT(t *testing.T) {
	for d, want := range map[string]string{
		"0s": "00:00:00", "2m47s": "00:02:47", "2m47.5s": "00:02:47.500", "1h0m0.001s": "01:00:00.001",
		"1.0009s": "00:00:01", "-3s": "00:00:00", "123h": "123:00:00",
	} {
		dur, err := time.ParseDuration(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendNPT(nil, dur)); got != want {
			t.Errorf("appendNPT(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestAtomSummaryIsText: an entry's summary is the episode's plain text,
// so it says type="text": as type="html" (gorilla/feeds' choice) a reader
// would take a "<b>" of the text, escaped, for markup.
func TestAtomSummaryIsText(t *testing.T) {
	enc, err := NewEncoder(Atom, &Podcast{Title: "T", Link: "https://example.org", FeedURL: "https://example.org/feed.xml"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	it := Item{Title: "E", GUID: "e", Summary: "Bold is written <b>like this</b> & so on.", PubDate: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}
	out, err := enc.AppendItem(nil, it, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`<summary type="text">Bold is written &lt;b&gt;like this&lt;/b&gt; &amp; so on.`)) {
		t.Errorf("the summary is not plain text:\n%s", out)
	}
}
