package chapters

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/markdown"
	"github.com/castfeed/castfeed/internal/sharedtest"
	"github.com/castfeed/castfeed/internal/timecode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func hms(h, m, s int) time.Duration {
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
}

func TestParseNote(t *testing.T) {
	for _, tc := range []struct {
		in         string
		start      time.Duration
		title, url string
		err        bool
	}{
		{"0:04:00 - Definitions", hms(0, 4, 0), "Definitions", "", false},
		{"00:45:10 – En dash", hms(0, 45, 10), "En dash", "", false},
		{"1:02:03 — Em dash", hms(1, 2, 3), "Em dash", "", false},
		{"00:10:00: Colon", hms(0, 10, 0), "Colon", "", false},
		{"0:10:00 No separator", hms(0, 10, 0), "No separator", "", false},
		{"[12:30] Q&A", hms(0, 12, 30), "Q&A", "", false},
		{"(1:02:03) - Wrap up", hms(1, 2, 3), "Wrap up", "", false},
		{"4:05 intro", hms(0, 4, 5), "intro", "", false},
		{"**0:01:00** - Bold time", hms(0, 1, 0), "Bold time", "", false},
		{"0:20:00 - [Go generics](https://go.dev/doc) deep dive", hms(0, 20, 0), "Go generics deep dive", "https://go.dev/doc", false},
		{"0:00:00 - مرحبا بكم", 0, "مرحبا بكم", "", false},
		{"0:01:02.5 - Fraction", hms(0, 1, 2) + 500*time.Millisecond, "Fraction", "", false},
		{"0:00:00 -   spaced    out  ", 0, "spaced out", "", false},
		{"**0:01:00 - Bold to the end**", hms(0, 1, 0), "Bold to the end", "", false},
		{"0:01:00 - _Intro_", hms(0, 1, 0), "Intro", "", false},
		// The title is what a listener reads, markdown.Plain as for the
		// episode's people and links; the URL is the first link's, and
		// an image is no page to open.
		{"0:02:00 - Tom &amp; Jerry", hms(0, 2, 0), "Tom & Jerry", "", false},
		{"0:02:00 - run `go test` and ~~pray~~ see", hms(0, 2, 0), "run go test and pray see", "", false},
		{"0:02:00 - see <https://go.dev>", hms(0, 2, 0), "see https://go.dev", "", false},
		{"0:02:00 - The __init__ method", hms(0, 2, 0), "The __init__ method", "", false},
		{"0:02:00 - A* search, **fast**", hms(0, 2, 0), "A* search, fast", "", false},
		{`0:02:00 - f(\*args, \*\*kwargs)`, hms(0, 2, 0), "f(*args, **kwargs)", "", false},
		{"0:02:00 - [Go](https://en.wikipedia.org/wiki/Go_(language)) history", hms(0, 2, 0), "Go history", "https://en.wikipedia.org/wiki/Go_(language)", false},
		{"0:02:00 - ![logo](https://x.org/l.png) [Launch](https://x.org/)", hms(0, 2, 0), "logo Launch", "https://x.org/", false},
		{"Intro without time", 0, "", "", true},
		{"0:61:00 - bad minutes", 0, "", "", true},
		{"0:10:75 - bad seconds", 0, "", "", true},
		{"", 0, "", "", true},
	} {
		start, title, url, err := parseNote(tc.in)
		if (err != nil) != tc.err || start != tc.start || title != tc.title || url != tc.url {
			t.Errorf("parseNote(%q) = %v, %q, %q, %v; want %v, %q, %q, err %v", tc.in, start, title, url, err, tc.start, tc.title, tc.url, tc.err)
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "00:00:00", hms(1, 2, 3): "01:02:03", hms(0, 59, 59) + 999*time.Millisecond: "00:59:59", -time.Second: "00:00:00", hms(12, 0, 0): "12:00:00"} {
		if got := timecode.Format(d, ""); got != want {
			t.Errorf("timecode.Format(%v, \"\") = %q, want %q", d, got, want)
		}
		if d >= 0 && d%time.Second == 0 {
			if back, err := parseTimestamp(timecode.Format(d, "")); err != nil || back != d {
				t.Errorf("round trip of %v: %v, %v", d, back, err)
			}
		}
	}
}

func notes(lines ...string) []Note {
	out := make([]Note, len(lines))
	for i, l := range lines {
		out[i] = Note{Line: 10 + i, Text: l}
	}
	return out
}

type want struct {
	starts []time.Duration
	titles []string
	lines  []int // diagnostic lines, in order
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name  string
		notes []Note
		opt   Options
		want  want
	}{
		{"clean", notes("0:00:00 - A", "0:10:00 - B", "0:20:00 - C"), Options{Duration: hms(0, 30, 0)},
			want{[]time.Duration{0, hms(0, 10, 0), hms(0, 20, 0)}, []string{"A", "B", "C"}, nil}},
		{"typo 1:45:00 for 0:45:00 costs one chapter, not the order", notes("0:00:00 - A", "0:30:00 - B", "1:45:00 - C", "0:50:00 - D", "1:10:00 - E"), Options{Duration: hms(2, 0, 0)},
			want{[]time.Duration{0, hms(0, 30, 0), hms(0, 50, 0), hms(1, 10, 0)}, []string{"A", "B", "D", "E"}, []int{12}}},
		{"same time merged", notes("0:00:00 - A", "0:25:00 - B", "0:25:00 - C", "0:40:00 - D"), Options{Duration: hms(1, 0, 0)},
			want{[]time.Duration{0, hms(0, 25, 0), hms(0, 40, 0)}, []string{"A", "B / C", "D"}, []int{12}}},
		{"past the end dropped", notes("0:00:00 - A", "0:20:00 - B", "0:40:00 - C", "1:10:00 - D"), Options{Duration: hms(1, 0, 0)},
			want{[]time.Duration{0, hms(0, 20, 0), hms(0, 40, 0)}, []string{"A", "B", "C"}, []int{13}}},
		{"first after zero gets an intro", notes("0:01:00 - A", "0:20:00 - B", "0:40:00 - C"), Options{Duration: hms(1, 0, 0)},
			want{[]time.Duration{0, hms(0, 1, 0), hms(0, 20, 0), hms(0, 40, 0)}, []string{"Intro", "A", "B", "C"}, []int{10}}},
		{"lines without time are skipped", notes("Welcome everyone", "0:00:00 - A", "0:20:00 - B", "0:40:00 - C", "0:50:00 -"), Options{},
			want{[]time.Duration{0, hms(0, 20, 0), hms(0, 40, 0)}, []string{"A", "B", "C"}, []int{10, 14}}},
		{"negative offset: the last early chapter moves to 0", notes("0:00:00 - Countdown", "0:00:10 - Hello", "0:05:00 - A", "0:20:00 - B"), Options{Duration: hms(0, 30, 0), Offset: -12500 * time.Millisecond},
			want{[]time.Duration{0, hms(0, 5, 0) - 12500*time.Millisecond, hms(0, 20, 0) - 12500*time.Millisecond}, []string{"Hello", "A", "B"}, []int{10, 11}}},
		{"positive offset adds a pre-roll intro", notes("0:00:00 - A", "0:20:00 - B", "0:40:00 - C"), Options{Offset: 30 * time.Second},
			want{[]time.Duration{0, 30 * time.Second, hms(0, 20, 30), hms(0, 40, 30)}, []string{"Intro", "A", "B", "C"}, []int{10}}},
		{"player rules: too few and too short", notes("0:00:00 - A", "0:00:05 - B"), Options{Duration: hms(0, 10, 0)},
			want{[]time.Duration{0, 5 * time.Second}, []string{"A", "B"}, []int{10, 10}}},
		{"no notes", nil, Options{}, want{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, diags := Build(tc.notes, tc.opt)
			var starts []time.Duration
			var titles []string
			for _, c := range cs {
				starts, titles = append(starts, c.Start), append(titles, c.Title)
			}
			var lines []int
			for _, d := range diags {
				lines = append(lines, d.Line)
			}
			if !slices.Equal(starts, tc.want.starts) || !slices.Equal(titles, tc.want.titles) || !slices.Equal(lines, tc.want.lines) {
				t.Errorf("Build(%v)\n got starts %v titles %q diag lines %v\nwant starts %v titles %q diag lines %v\ndiags: %v",
					tc.notes, starts, titles, lines, tc.want.starts, tc.want.titles, tc.want.lines, diags)
			}
			checkValid(t, cs, tc.opt.Duration)
		})
	}
}

func TestTypoHint(t *testing.T) {
	_, diags := Build(notes("0:00:00 - A", "0:38:00 - B", "1:45:00 - C", "0:50:00 - D"), Options{Duration: hms(2, 0, 0)})
	if len(diags) == 0 || diags[0].Line != 12 || diags[0].Hint != "did you mean 00:45:00?" {
		t.Fatalf("diags %v; want a hint suggesting 00:45:00 at line 12", diags)
	}
}

// checkValid asserts what every player needs of a chapter list.
func checkValid(t testing.TB, cs []Chapter, dur time.Duration) {
	t.Helper()
	for i, c := range cs {
		if i == 0 && c.Start != 0 {
			t.Errorf("first chapter starts at %v", c.Start)
		}
		if i > 0 && c.Start <= cs[i-1].Start {
			t.Errorf("chapter %d at %v does not come after %v", i, c.Start, cs[i-1].Start)
		}
		if dur > 0 && c.Start >= dur {
			t.Errorf("chapter %d at %v is past the end %v", i, c.Start, dur)
		}
		if strings.TrimSpace(c.Title) == "" {
			t.Errorf("chapter %d has no title", i)
		}
		if c.End != 0 && c.End <= c.Start {
			t.Errorf("chapter %d ends at %v, not after its start %v", i, c.End, c.Start)
		}
	}
}

// TestInOrderIsLongest compares the kept subset with a brute force search
// on random small lists: it must be as long as the longest possible.
func TestInOrderIsLongest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(10)
		cs := make([]Chapter, n)
		for i := range cs {
			cs[i] = Chapter{Start: time.Duration(r.IntN(6)) * time.Minute, Line: i}
		}
		kept, _ := inOrder(cs, 0)
		best := 0
		for mask := 1; mask < 1<<n; mask++ {
			var last time.Duration = -1
			ok, size := true, 0
			for i := range n {
				if mask&(1<<i) != 0 {
					if cs[i].Start < last {
						ok = false
						break
					}
					last, size = cs[i].Start, size+1
				}
			}
			if ok && size > best {
				best = size
			}
		}
		if len(kept) != best {
			t.Fatalf("inOrder(%v) kept %d, the longest in-order subset has %d", cs, len(kept), best)
		}
		for i := 1; i < len(kept); i++ {
			if kept[i].Start < kept[i-1].Start || kept[i].Line < kept[i-1].Line {
				t.Fatalf("inOrder(%v) = %v is not in order", cs, kept)
			}
		}
	}
}

// fixtureNotes extracts the ## Notes lines and the duration of a real
// GeeksBlaBla file, independently of the episode package.
func fixtureNotes(t testing.TB, name string) ([]Note, time.Duration) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var (
		ns      []Note
		in      bool
		dur     time.Duration
		durRE   = regexp.MustCompile(`^duration:\s*"?([\d:]+)"?`)
		sc      = bufio.NewScanner(bytes.NewReader(data))
		lineNum int
	)
	for sc.Scan() {
		lineNum++
		l := strings.TrimSpace(sc.Text())
		if m := durRE.FindStringSubmatch(l); m != nil && dur == 0 {
			dur, _ = parseTimestamp(m[1])
		}
		if strings.HasPrefix(l, "#") {
			in = strings.EqualFold(strings.TrimSpace(strings.TrimLeft(l, "#")), "notes")
			continue
		}
		if in && l != "" {
			ns = append(ns, Note{Line: lineNum, Text: strings.TrimLeft(l, "-* ")})
		}
	}
	return ns, dur
}

// TestFixtures builds the chapters of every real episode file: the result
// is always valid, and each file's known problems are reported at their
// lines.
func TestFixtures(t *testing.T) {
	fixtures := sharedtest.Fixtures(t)
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.md"))
	if len(files) < 16 {
		t.Fatalf("found %d fixtures in %s, want 16", len(files), fixtures)
	}
	problems := map[string]int{}
	for _, f := range files {
		ns, dur := fixtureNotes(t, f)
		cs, diags := Build(ns, Options{Duration: dur})
		checkValid(t, cs, dur)
		for _, d := range diags {
			if d.Line < 1 || !slices.ContainsFunc(ns, func(n Note) bool { return n.Line == d.Line }) {
				t.Errorf("%s: diagnostic at line %d, which is not a note: %v", filepath.Base(f), d.Line, d)
			}
		}
		problems[filepath.Base(f)] = len(diags)
		if len(ns) > 0 && len(cs) == 0 {
			t.Errorf("%s: %d notes gave no chapter", filepath.Base(f), len(ns))
		}
	}
	// Files known clean must stay clean; episode-0031 has no notes.
	for _, clean := range []string{"episode-0146.md", "episode-0192.md", "episode-0031.md"} {
		if problems[clean] != 0 {
			t.Errorf("%s: %d problems reported, want none", clean, problems[clean])
		}
	}
	// episode-0088 starts at 0:01:00 with two notes there.
	ns, dur := fixtureNotes(t, filepath.Join(fixtures, "episode-0088.md"))
	cs, diags := Build(ns, Options{Duration: dur})
	if cs[0].Title != "Intro" || !strings.Contains(cs[1].Title, " / ") {
		t.Errorf("episode-0088: chapters %q; want an Intro, then the two 0:01:00 notes merged", titles(cs))
	}
	if len(diags) < 2 {
		t.Errorf("episode-0088: diags %v; want the merge and the late start reported", diags)
	}
}

func titles(cs []Chapter) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Title)
	}
	return out
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./chapters -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./chapters -update and review the diff)\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

var writers = map[string]func(*bytes.Buffer, []Chapter) error{
	"json":        func(b *bytes.Buffer, cs []Chapter) error { return WriteJSON(b, cs) },
	"psc.xml":     func(b *bytes.Buffer, cs []Chapter) error { return WritePSC(b, cs) },
	"vtt":         func(b *bytes.Buffer, cs []Chapter) error { return WriteVTT(b, cs) },
	"youtube.txt": func(b *bytes.Buffer, cs []Chapter) error { return WriteYouTube(b, cs) },
	"ffmetadata":  func(b *bytes.Buffer, cs []Chapter) error { return WriteFFMetadata(b, cs) },
}

// TestGoldenFormats writes each testdata/<case>.notes in every format and
// reads each back with a parser other than the writer.
func TestGoldenFormats(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("testdata", "*.notes"))
	if len(cases) == 0 {
		t.Fatal("no testdata/*.notes")
	}
	for _, in := range cases {
		base := strings.TrimSuffix(filepath.Base(in), ".notes")
		t.Run(base, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var ns []Note
			dur := time.Duration(0)
			for i, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
				if d, ok := strings.CutPrefix(l, "duration: "); ok {
					dur, _ = parseTimestamp(d)
					continue
				}
				ns = append(ns, Note{Line: i + 1, Text: l})
			}
			cs, _ := Build(ns, Options{Duration: dur})
			for ext, write := range writers {
				var b bytes.Buffer
				if err := write(&b, cs); err != nil {
					t.Fatal(err)
				}
				golden(t, base+".golden."+ext, b.Bytes())
				readBack(t, ext, b.Bytes(), cs)
			}
		})
	}
}

func readBack(t *testing.T, ext string, data []byte, cs []Chapter) {
	t.Helper()
	switch ext {
	case "json":
		var doc struct {
			Version  string `json:"version"`
			Chapters []struct {
				StartTime float64 `json:"startTime"`
				EndTime   float64 `json:"endTime"`
				Title     string  `json:"title"`
				URL       string  `json:"url"`
			} `json:"chapters"`
		}
		if err := json.Unmarshal(data, &doc); err != nil || doc.Version != "1.2.0" || len(doc.Chapters) != len(cs) {
			t.Fatalf("json read back: %v, %+v", err, doc)
		}
		for i, c := range doc.Chapters {
			if c.Title != cs[i].Title || c.URL != cs[i].URL || time.Duration(c.StartTime*float64(time.Second)) != cs[i].Start {
				t.Errorf("json chapter %d = %+v, want %+v", i, c, cs[i])
			}
		}
	case "psc.xml":
		var doc struct {
			XMLName  xml.Name `xml:"http://podlove.org/simple-chapters chapters"`
			Chapters []struct {
				Start string `xml:"start,attr"`
				Title string `xml:"title,attr"`
				Href  string `xml:"href,attr"`
			} `xml:"http://podlove.org/simple-chapters chapter"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil || len(doc.Chapters) != len(cs) {
			t.Fatalf("psc read back: %v, %+v", err, doc)
		}
		for i, c := range doc.Chapters {
			if c.Title != cs[i].Title || c.Href != cs[i].URL {
				t.Errorf("psc chapter %d = %+v, want %+v", i, c, cs[i])
			}
		}
	case "vtt":
		// Read back by go-astisub, which unescapes cue text.
		subs, err := astisub.ReadFromWebVTT(bytes.NewReader(data))
		if err != nil || len(subs.Items) != len(cs) {
			t.Fatalf("vtt read back: %v, %d cues, want %d", err, len(subs.Items), len(cs))
		}
		for i, it := range subs.Items {
			want := strings.ReplaceAll(strings.Join(strings.Fields(cs[i].Title), " "), "-->", "->")
			if got := it.String(); got != want || it.StartAt != cs[i].Start || it.EndAt != endOf(cs[i]) {
				t.Errorf("vtt cue %d = %s–%s %q, want %v–%v %q", i, it.StartAt, it.EndAt, got, cs[i].Start, endOf(cs[i]), want)
			}
		}
	case "ffmetadata":
		unescape := strings.NewReplacer(`\\`, `\`, `\=`, "=", `\;`, ";", `\#`, "#", "\\\n", "\n")
		titles := regexp.MustCompile(`(?m)^title=((?:[^\\\n]|\\.|\\\n)*)$`).FindAllStringSubmatch(string(data), -1)
		if len(titles) != len(cs) {
			t.Fatalf("ffmetadata read back: %d titles, want %d", len(titles), len(cs))
		}
		for i, m := range titles {
			if got := unescape.Replace(m[1]); got != cs[i].Title {
				t.Errorf("ffmetadata title %d = %q, want %q", i, got, cs[i].Title)
			}
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"0:00:00", "1:02:03", "12:30", "4:05", "1:02.5", "99:59:59", ":", "1::2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTimestamp(s)
		if err != nil {
			return
		}
		if d < 0 || d > 100*time.Hour {
			t.Fatalf("parseTimestamp(%q) = %v", s, d)
		}
		if back, err := parseTimestamp(timecode.Format(d, "")); err != nil || back != d.Truncate(time.Second) {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, d, timecode.Format(d, ""), back, err)
		}
	})
}

func FuzzParseNote(f *testing.F) {
	for _, s := range []string{"0:04:00 - Definitions", "[12:30] Q&A", "(1:02:03) — x", "0:20:00 - [a](b) c", "no time"} {
		f.Add(s)
	}
	f.Add("0:01:00 - **[a](<u v>)** &amp; ![i](w) `c`")
	f.Fuzz(func(t *testing.T, s string) {
		start, title, url, err := parseNote(s)
		if err != nil {
			return
		}
		if start < 0 || title != markdown.Collapse(title) || title != strings.Trim(title, "*_`~") {
			t.Fatalf("parseNote(%q) = %v, %q", s, start, title)
		}
		if url != "" && (!strings.Contains(s, url) || url != strings.TrimSpace(url)) {
			t.Fatalf("parseNote(%q): URL %q", s, url)
		}
	})
}

// FuzzBuild: whatever the notes, the chapters are valid and every format
// can be written; JSON is valid JSON.
func FuzzBuild(f *testing.F) {
	f.Add("0:00:00 - A\n1:45:00 - B\n0:45:00 - C\n0:45:00 - D", int64(3600), int64(-12))
	f.Add("0:01:00 - A\n\nx\n2:00:00 - past", int64(0), int64(5))
	f.Fuzz(func(t *testing.T, text string, durSec, offsetSec int64) {
		if durSec < 0 || durSec > 1e6 || offsetSec < -1e5 || offsetSec > 1e5 {
			return
		}
		var ns []Note
		for i, l := range strings.Split(text, "\n") {
			ns = append(ns, Note{Line: i + 1, Text: l})
		}
		dur := time.Duration(durSec) * time.Second
		cs, diags := Build(ns, Options{Duration: dur, Offset: time.Duration(offsetSec) * time.Second})
		checkValid(t, cs, dur)
		for _, d := range diags {
			if d.Line < 1 || d.Line > len(ns) || d.Severity != diag.Warning {
				t.Fatalf("bad diagnostic %v", d)
			}
		}
		for ext, write := range writers {
			var b bytes.Buffer
			if err := write(&b, cs); err != nil {
				t.Fatalf("%s: %v", ext, err)
			}
			if ext == "json" && !json.Valid(b.Bytes()) {
				t.Fatalf("invalid JSON: %s", b.Bytes())
			}
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	var ns []Note
	for i := range 60 {
		ns = append(ns, Note{Line: i + 1, Text: fmt.Sprintf("%d:%02d:00 - Topic number %d of the show", i/60, i%60, i)})
	}
	ns[30].Text = "1:30:00 - a typo"
	for b.Loop() {
		Build(ns, Options{Duration: 2 * time.Hour})
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	var ns []Note
	for i := range 60 {
		ns = append(ns, Note{Line: i + 1, Text: fmt.Sprintf("%d:%02d:00 - Topic number %d", i/60, i%60, i)})
	}
	cs, _ := Build(ns, Options{Duration: 2 * time.Hour})
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		WriteJSON(&buf, cs)
	}
}

// noteRE is the regular expression splitNote replaces; the fuzz target
// below checks they agree.
var noteRE = regexp.MustCompile(`^[ \t*_~` + "`" + `]*[\[(]?[ \t]*(\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)[ \t]*[\])]?[*_~` + "`" + `]*[ \t]*(?:[-–—:|]+[ \t]*)?(.*)$`)

func FuzzSplitNoteMatchesRegexp(f *testing.F) {
	for _, s := range []string{"0:04:00 - Definitions", "[12:30] Q&A", "(1:02:03) — Wrap up", "00:10:00: Colon", "**0:01:00** - x", "1234:00 x", "0:100 x", "1:02.5 - f", "0:00:00 -"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\n\r") {
			return
		}
		ts, rest, ok := splitNote(s)
		m := noteRE.FindStringSubmatch(s)
		if ok != (m != nil) || ok && (ts != m[1] || rest != m[2]) {
			t.Fatalf("splitNote(%q) = %q, %q, %v; regexp says %q", s, ts, rest, ok, m)
		}
	})
}
