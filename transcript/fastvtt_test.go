package transcript

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/asticode/go-astisub"
	"github.com/castfeed/castfeed/internal/corpus"
)

// plainVTTCases are files plainVTT must read (true) or leave to astisub
// (false).
var plainVTTCases = map[string]bool{
	corpus.Captions(7): true,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n":                                                         true,
	"\ufeffWEBVTT - a title\r\n\r\n1\r\n00:01.000 --> 00:02.500\r\n  two  \r\n lines\r\n\r\n":                  true,
	"WEBVTT\nKind: captions\nLanguage: en\n\n00:00:00.160 --> 00:00:02.350 align:start position:0%\nwelcome\n": true,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na\nb\n00:00:03.000 --> 00:00:04.000\nc":                          true,
	"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n":                                                     true,
	"WEBVTT\n\n100:00:01.000 --> 100:00:02.000\n\u00a0\nx\n":                                                   true,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i>hi</i>\n":                                                     false,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAT&amp;T\n":                                                      false,
	"WEBVTT\n\nNOTE a comment\n\n00:00:01.000 --> 00:00:02.000\nhi\n":                                          false,
	"WEBVTT\n\nSTYLE\n::cue { color: red }\n\n00:00:01.000 --> 00:00:02.000\nhi\n":                             false,
	"WEBVTT\nX-TIMESTAMP-MAP=LOCAL:00:00:00.000,MPEGTS:900000\n\n00:00:01.000 --> 00:00:02.000\nhi\n":          false,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000 region:r\nhi\n":                                                   false,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align\nhi\n":                                                      false,
	"WEBVTT\n\n00:00:01.0 --> 00:00:02.000\nhi\n":                                                              false,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na --> b\n":                                                       false,
	"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na\rb\n":                                                          false,
	"not WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n":                                                        false,
}

// astisubVTT is Parse's slow path: astisub reading data, as Parse has it.
func astisubVTT(data []byte) ([]rawCue, error) {
	return astisubCues(astisub.ReadFromWebVTT(bytes.NewReader(data)))
}

// checkPlainVTT fails t if plainVTT reads data and astisub reads it
// otherwise, and returns whether plainVTT read it.
func checkPlainVTT(t *testing.T, data []byte) bool {
	t.Helper()
	if !hasVTTHeader(data) {
		return false
	}
	data = decodeRefs(dropSpaceLines(data))
	got, ok := plainVTT(string(data))
	if !ok {
		return false
	}
	want, err := astisubVTT(data)
	if err != nil {
		t.Fatalf("plainVTT read %q as %+v, astisub fails: %v", data, got, err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("plainVTT read %q as\n%+v\nastisub as\n%+v", data, got, want)
	}
	return true
}

func TestPlainVTT(t *testing.T) {
	for in, want := range plainVTTCases {
		if got := checkPlainVTT(t, []byte(in)); got != want {
			t.Errorf("plainVTT(%q) read it: %v, want %v", in, got, want)
		}
	}
}

// FuzzPlainVTT: whatever plainVTT reads, astisub reads the same.
func FuzzPlainVTT(f *testing.F) {
	for in := range plainVTTCases {
		f.Add([]byte(in))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.vtt"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		// The same file without its markup, which plainVTT reads.
		f.Add([]byte(strings.NewReplacer("<", "", "&", "").Replace(string(data))))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkPlainVTT(t, data) })
}

// BenchmarkParseCorpusCaptions: a sidecar caption file of the corpus
// show, 40 cues, as a build reads it.
func BenchmarkParseCorpusCaptions(b *testing.B) {
	data := []byte(corpus.Captions(7))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data), "vtt"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCorpusCaptions: ReadFile of the same, as a build reads a
// sidecar file: read, parse, clean.
func BenchmarkReadCorpusCaptions(b *testing.B) {
	name := filepath.Join(b.TempDir(), "episode.vtt")
	if err := os.WriteFile(name, []byte(corpus.Captions(7)), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t, err := ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		t.Digest()
	}
}
