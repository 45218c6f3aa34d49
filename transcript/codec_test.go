package transcript

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden converts each caption file in testdata (cleaned) to every
// format and compares with the golden files.
func TestGolden(t *testing.T) {
	var inputs []string
	for _, pattern := range []string{"issue_*.vtt", "issue_*.srt"} {
		names, _ := filepath.Glob(filepath.Join("testdata", pattern))
		for _, n := range names {
			if !strings.Contains(n, ".golden.") {
				inputs = append(inputs, n)
			}
		}
	}
	if len(inputs) < 2 {
		t.Fatalf("found %d caption files in testdata", len(inputs))
	}
	for _, in := range inputs {
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := Parse(f, strings.TrimPrefix(filepath.Ext(in), "."))
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		tr.Cues = Clean(tr.Cues)
		for _, format := range formats {
			var b bytes.Buffer
			if err := Write(&b, tr, format); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, filepath.Ext(in)) + ".golden." + format
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./transcript -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs (run go test ./transcript -update and review):\n%s", golden, b.Bytes())
			}
		}
	}
}

// sample has the text that breaks naive writers: Arabic, Hebrew,
// Japanese, emoji, combining marks, markup characters, and lines that
// look like WebVTT keywords.
func sample() *Transcript {
	texts := []string{
		"مرحبا بكم في Hallway Track",
		"שלום עולם",
		"日本語のテキスト",
		"emoji 🎙️👩🏽‍💻 and e\u0301 combining",
		"a < b & c > d \"quoted\"",
		"NOTE this is not a comment",
		"two lines\nالسطر الثاني",
		"--> arrow inside text",
	}
	t := &Transcript{Language: "ar", Kind: Uploaded}
	for i, s := range texts {
		t.Cues = append(t.Cues, Cue{Start: time.Duration(i) * 1500 * time.Millisecond, End: time.Duration(i+1)*1500*time.Millisecond - time.Millisecond, Text: s})
	}
	return t
}

func render(t *testing.T, tr *Transcript, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, tr, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReadBackByOtherParsers: what Write produces is read by parsers other
// than ours, and every text comes back byte for byte.
func TestReadBackByOtherParsers(t *testing.T) {
	tr := sample()
	tr.Cues = Clean(tr.Cues)
	check := func(format string, got []string, starts []time.Duration) {
		t.Helper()
		if len(got) != len(tr.Cues) {
			t.Fatalf("%s: %d cues read back, want %d", format, len(got), len(tr.Cues))
		}
		for i, c := range tr.Cues {
			if got[i] != c.Text {
				t.Errorf("%s cue %d: %q, want %q", format, i, got[i], c.Text)
			}
			if starts != nil && starts[i] != c.Start {
				t.Errorf("%s cue %d starts at %v, want %v", format, i, starts[i], c.Start)
			}
		}
	}
	for _, format := range []string{"vtt", "srt"} {
		data := render(t, tr, format)
		var subs *astisub.Subtitles
		var err error
		if format == "vtt" {
			subs, err = astisub.ReadFromWebVTT(bytes.NewReader(data))
		} else {
			subs, err = astisub.ReadFromSRT(bytes.NewReader(data))
		}
		if err != nil {
			t.Fatalf("astisub reads %s: %v\n%s", format, err, data)
		}
		var texts []string
		var starts []time.Duration
		for _, it := range subs.Items {
			var lines []string
			for _, l := range it.Lines {
				var words []string
				for _, li := range l.Items {
					words = append(words, li.Text)
				}
				lines = append(lines, strings.Join(words, " "))
			}
			texts, starts = append(texts, strings.Join(lines, "\n")), append(starts, it.StartAt)
		}
		check(format, texts, starts)
	}

	var doc struct {
		Version  string `json:"version"`
		Segments []struct {
			StartTime float64 `json:"startTime"`
			EndTime   float64 `json:"endTime"`
			Body      string  `json:"body"`
		} `json:"segments"`
	}
	if err := json.Unmarshal(render(t, tr, "json"), &doc); err != nil || doc.Version == "" {
		t.Fatalf("json: %v", err)
	}
	var texts []string
	var starts []time.Duration
	for _, s := range doc.Segments {
		if s.EndTime < s.StartTime {
			t.Errorf("segment ends before it starts: %+v", s)
		}
		texts, starts = append(texts, s.Body), append(starts, time.Duration(s.StartTime*1000+0.5)*time.Millisecond)
	}
	check("json", texts, starts)

	root, err := html.Parse(bytes.NewReader(render(t, tr, "html")))
	if err != nil {
		t.Fatal(err)
	}
	texts = nil
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "span" {
			var b strings.Builder
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				switch {
				case c.Type == html.TextNode:
					b.WriteString(c.Data)
				case c.Data == "br":
					b.WriteString("\n")
				}
			}
			texts = append(texts, b.String())
		}
		if n.Type == html.ElementNode && n.Data == "html" {
			for _, a := range n.Attr {
				if a.Key == "dir" && a.Val != "rtl" {
					t.Errorf("html dir=%q for Arabic", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	check("html", texts, nil)
}

func TestShiftIsExact(t *testing.T) {
	tr := &Transcript{Cues: []Cue{{0, 2 * time.Second, "a"}, {2 * time.Second, 13 * time.Second, "b"}, {13 * time.Second, 20 * time.Second, "c"}}}
	shifted, dropped := tr.Shift(-12500 * time.Millisecond)
	if dropped != 1 || len(shifted.Cues) != 2 || shifted.Cues[0].Start != 0 || shifted.Cues[0].End != 500*time.Millisecond || shifted.Cues[1].Start != 500*time.Millisecond {
		t.Fatalf("shift -12.5s: dropped %d, %+v", dropped, shifted.Cues)
	}
	back, _ := shifted.Shift(12500 * time.Millisecond)
	if back.Cues[1] != tr.Cues[2] {
		t.Fatalf("shifting back: %+v", back.Cues)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "not captions", "WEBVTT\n\n", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n"} {
		if tr, err := Parse(strings.NewReader(in), "vtt"); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", in, tr)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".html") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(name, ".srt"))
	}
	f.Fuzz(func(t *testing.T, data []byte, srt bool) {
		format := "vtt"
		if srt {
			format = "srt"
		}
		tr, err := Parse(bytes.NewReader(data), format)
		if err != nil {
			return
		}
		// ReadFile cleans Parse's cues without normalizing them again.
		if got, want := clean(tr.Cues, true), Clean(tr.Cues); !reflect.DeepEqual(got, want) {
			t.Fatalf("clean of parsed cues, taken as normalized: %+v, want %+v", got, want)
		}
		for _, c := range tr.Cues {
			if c.Start < 0 || c.End < c.Start || strings.TrimSpace(c.Text) == "" {
				t.Fatalf("bad cue %+v", c)
			}
		}
		// What castfeed writes, it reads back as it was.
		var b bytes.Buffer
		if err := Write(&b, tr, "vtt"); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(&b, "vtt")
		if err != nil || len(back.Cues) != len(tr.Cues) {
			t.Fatalf("read back: %v, %d cues, want %d", err, len(back.Cues), len(tr.Cues))
		}
		for i, c := range back.Cues {
			if c.Text != tr.Cues[i].Text {
				t.Fatalf("cue %d read back as %q, want %q", i, c.Text, tr.Cues[i].Text)
			}
		}
	})
}

// TestIsNormal: the fast path takes clean cues, in any script, and
// nothing that normalizing would change.
func TestIsNormal(t *testing.T) {
	for s, want := range map[string]bool{
		"hello world": true, "مرحبا بكم في الحلقة": true, "line one\nline two": true, "- Salam, cv?": true,
		"": true, " lead": false, "trail ": false, "two  spaces": false, "a\n\nb": false, "a\n": false,
		"tab\there": false, "nbsp\u00a0here": false, "<00:00:01.000>word": false, "x --> y": false,
		"bad \xff byte": false, "nul\x00": false,
	} {
		if got := isNormal(s); got != want {
			t.Errorf("isNormal(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzNormalizeText: text isNormal passes as it is is text the full
// normalization leaves as it is, and normalizing twice is normalizing once.
func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", "hello world", " lead", "trail ", "two  spaces", "a\nb", "a\n\nb", "a\n", "tab\there",
		"nbsp\u00a0here", "<00:00:01.000>word", "x --> y", "bad \xff byte", "nul\x00", "مرحبا بكم", "a\u0085b", "<b>bold</b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isNormal(s) {
			if got := renormalize(s); got != s {
				t.Fatalf("isNormal(%q), but normalized it is %q", s, got)
			}
		}
		once := normalizeText(s)
		if twice := normalizeText(once); twice != once {
			t.Fatalf("normalizeText(%q) = %q, again %q", s, once, twice)
		}
	})
}

func FuzzClean(f *testing.F) {
	f.Add(int64(0), int64(2000), "a", int64(2000), int64(2010), "a", int64(2010), int64(4000), "a\nb")
	f.Add(int64(5), int64(1), " x ", int64(-3), int64(9), "y", int64(5), int64(5), "")
	f.Fuzz(func(t *testing.T, s1, e1 int64, t1 string, s2, e2 int64, t2 string, s3, e3 int64, t3 string) {
		in := []Cue{
			{time.Duration(s1) * time.Millisecond, time.Duration(e1) * time.Millisecond, t1},
			{time.Duration(s2) * time.Millisecond, time.Duration(e2) * time.Millisecond, t2},
			{time.Duration(s3) * time.Millisecond, time.Duration(e3) * time.Millisecond, t3},
		}
		out := Clean(in)
		if want := cleanBySplit(in); !reflect.DeepEqual(out, want) {
			t.Fatalf("Clean(%+v) = %+v, splitting every cue %+v", in, out, want)
		}
		for i, c := range out {
			if c.Text == "" || c.Start < 0 || c.End < c.Start {
				t.Fatalf("bad cue %d: %+v", i, c)
			}
			if i > 0 && (c.Start < out[i-1].End || c.Start < out[i-1].Start) {
				t.Fatalf("cues overlap or go back: %+v", out)
			}
		}
		// Whatever Clean returns can be written in every format.
		for _, format := range formats {
			if err := Write(&bytes.Buffer{}, &Transcript{Cues: out}, format); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzParseCookies(f *testing.F) {
	f.Add("# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t2147483647\tSID\tvalue\n")
	f.Add("#HttpOnly_.youtube.com\tTRUE\t/\tFALSE\t0\tA\tb\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		cookies, err := parseCookies(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, c := range cookies {
			if c.Name == "" {
				t.Fatalf("cookie without a name from %q", s)
			}
		}
	})
}

// threeHours is a synthetic 3-hour automatic track: ~4,000 rolling cues,
// each repeating the line before, as YouTube writes them.
func threeHours() []Cue {
	var cues []Cue
	prev := ""
	step := 2700 * time.Millisecond
	for i := 0; time.Duration(i)*step < 3*time.Hour; i++ {
		start := time.Duration(i) * step
		line := fmt.Sprintf("words spoken in sentence number %d of the episode", i)
		text := line
		if prev != "" {
			cues = append(cues, Cue{start, start + 10*time.Millisecond, prev})
			text = prev + "\n" + line
			start += 10 * time.Millisecond
		}
		cues = append(cues, Cue{start, time.Duration(i+1) * step, text})
		prev = line
	}
	return cues
}

func BenchmarkThreeHourTrackToAllFormats(b *testing.B) {
	raw := threeHours()
	b.ReportMetric(float64(len(raw)), "cues")
	for b.Loop() {
		tr := &Transcript{Language: "en", Kind: Automatic, Cues: Clean(raw)}
		for _, format := range []string{"vtt", "srt", "json", "html"} {
			if err := Write(&bytes.Buffer{}, tr, format); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestCharacterReferences: YouTube's automatic captions write ">>" (a new
// speaker) as "&gt;&gt;"; every reference decodes once, and what is
// escaped twice stays escaped once.
func TestCharacterReferences(t *testing.T) {
	vtt := "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n&gt;&gt; HOST: hi&nbsp;there &amp;gt; &#60;3 &#x1F600; AT&T &unknown; 5 &lt; 6 &amp; 7\n"
	tr, err := Parse(strings.NewReader(vtt), "vtt")
	if err != nil {
		t.Fatal(err)
	}
	want := ">> HOST: hi there &gt; <3 \U0001F600 AT&T &unknown; 5 < 6 & 7"
	if len(tr.Cues) != 1 || tr.Cues[0].Text != want {
		t.Fatalf("cues %+v, want one with %q", tr.Cues, want)
	}
	// What castfeed writes reads back the same.
	var b strings.Builder
	if err := Write(&b, tr, "vtt"); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(strings.NewReader(b.String()), "vtt")
	if err != nil || back.Cues[0].Text != want {
		t.Fatalf("read back %+v, %v; want %q", back, err, want)
	}
}

// TestYouTubeSpaceLines: YouTube's automatic captions start cues with a
// " " line; the words after it belong to the cue.
func TestYouTubeSpaceLines(t *testing.T) {
	vtt := "WEBVTT\nKind: captions\nLanguage: en\n\n" +
		"00:00:00.000 --> 00:00:02.500 align:start position:0%\n \nhello<00:00:00.320><c> world</c>\n\n" +
		"00:00:02.500 --> 00:00:02.510 align:start position:0%\nhello world\n \n\n" +
		"00:00:02.510 --> 00:00:05.000 align:start position:0%\r\nhello world\r\n\t \r\nagain<00:00:03.000><c> and</c>\r\n"
	tr, err := Parse(strings.NewReader(vtt), "vtt")
	if err != nil {
		t.Fatal(err)
	}
	want := []Cue{{0, 2500 * time.Millisecond, "hello world"}, {2500 * time.Millisecond, 2510 * time.Millisecond, "hello world"},
		{2510 * time.Millisecond, 5 * time.Second, "hello world\nagain and"}}
	if !reflect.DeepEqual(tr.Cues, want) {
		t.Fatalf("cues %+v, want %+v", tr.Cues, want)
	}
}

// strictVTTHeader checks a WebVTT file's start as the W3C standard (WebVTT
// file body) has it, which browsers forgive but strict validators do
// not: the signature WEBVTT alone on its line (or followed by a space or
// tab and text), then a blank line, then blocks that are cues (an
// optional identifier, then a timing line with -->) or NOTE, STYLE or
// REGION blocks.
func strictVTTHeader(data []byte) error {
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(text, "\n")
	if l := lines[0]; l != "WEBVTT" && !strings.HasPrefix(l, "WEBVTT ") && !strings.HasPrefix(l, "WEBVTT\t") {
		return fmt.Errorf("line 1 is %q, not the WEBVTT signature", l)
	}
	if len(lines) > 1 && lines[1] != "" {
		return fmt.Errorf("line 2 is %q: the signature line must be followed by a blank line", lines[1])
	}
	for _, block := range strings.Split(strings.Trim(text, "\n"), "\n\n")[1:] {
		bl := strings.Split(strings.Trim(block, "\n"), "\n")
		switch {
		case strings.HasPrefix(bl[0], "NOTE"), bl[0] == "STYLE", bl[0] == "REGION":
		case strings.Contains(bl[0], "-->"), len(bl) > 1 && strings.Contains(bl[1], "-->"):
		default:
			return fmt.Errorf("block %q is neither a cue nor a NOTE, STYLE or REGION block", block)
		}
	}
	return nil
}

// TestVTTIsStrictlyValid: the WebVTT we publish has no header line after
// WEBVTT, even for a transcript with a language (issue 10, item 8), and
// astisub still reads it back with its cues.
func TestVTTIsStrictlyValid(t *testing.T) {
	for _, lang := range []string{"en", "ar", ""} {
		tr := sample()
		tr.Language = lang
		data := render(t, tr, "vtt")
		if err := strictVTTHeader(data); err != nil {
			t.Errorf("language %q: %v\n%s", lang, err, data)
		}
		subs, err := astisub.ReadFromWebVTT(bytes.NewReader(data))
		if err != nil || len(subs.Items) != len(tr.Cues) {
			t.Errorf("language %q: astisub reads %v cues, %v; want %d", lang, subs, err, len(tr.Cues))
		}
	}
	// The checker itself rejects what YouTube sends.
	if err := strictVTTHeader([]byte("WEBVTT\nKind: captions\nLanguage: en\n\n00:00:01.000 --> 00:00:02.000\nhi\n")); err == nil {
		t.Error("strictVTTHeader accepts a Language: header line")
	}
}
