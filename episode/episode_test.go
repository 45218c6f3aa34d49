package episode

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const fixtures = "../../shared/fixtures/geeksblabla"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func dur(s string) time.Duration {
	d, err := parseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestFixtures reads every real GeeksBlaBla file. The expected values were
// read off each file by hand.
func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, title, date, duration, youtube string
		notes, guests, hosts                 int
		diags                                []string // "line:severity"
	}{
		{"episode-0001.md", "Devops", "2018-05-19", "2:00:13", "_tizAkqvivM", 16, 0, 0, nil},
		{"episode-0002.md", "Web Dev JS frameworks, Best practices", "2018-05-26", "2:46:10", "y8mbKtOmNrg", 13, 0, 0, nil},
		{"episode-0004.md", "UX, UI & design principles", "2018-06-09", "2:00:40", "Zp6CSoa1S4Y", 19, 4, 0, nil},
		{"episode-0006.md", "MSS with Amine Raghib", "2018-10-13", "1:25:54", "DlE3drGZgpo", 24, 1, 3, nil},
		{"episode-0010.md", "MSS with Mohamed Zakariae El Khdime!", "2018-12-26", "1:24:32", "XVl0Y-7JZxw", 15, 1, 2, nil},
		{"episode-0019.md", "Competitive programming, how to become good at!", "2019-07-31", "1:28:48", "jU12lUQMfSQ", 8, 0, 0, nil},
		{"episode-0031.md", "AMA With GeeksBlabla Team", "2020-03-28", "2:24:36", "nTA2mTRlTD0", 0, 6, 0, []string{"28:warning"}},
		{"episode-0075.md", "IT Certifications", "2021-03-21", "2:33:56", "H-FWc-0s04c", 13, 3, 2, nil},
		{"episode-0088.md", "Tech News & AMA #12", "2021-06-27", "2:08:23", "P9FeWS3Bb9A", 18, 2, 2, nil},
		{"episode-0111.md", "DigiGirlz x WIT 22", "2022-03-20", "1:29:52", "G7SIYlXHx7Y", 12, 3, 1, nil},
		{"episode-0146.md", "Scaling Back: Amazon's Prime Video and the Return of the Monolith", "2023-05-15", "2:06:31", "GqUFdwXbVog", 8, 5, 1, nil},
		{"episode-0157.md", "Tech New & AMA #27", "2023-10-01", "2:10:40", "WKDrPojAehE", 11, 3, 1, nil},
		{"episode-0180.md", "Data engineer 101", "2024-05-12", "1:45:17", "mxV9Bx1ZsZg", 16, 3, 1, nil},
		{"episode-0192.md", "Vector Databases", "2024-09-29", "1:27:53", "7LNKYIIO-0M", 10, 3, 1, nil},
		{"episode-0196.md", "The illusion of productivity and danger of burnout", "2024-11-03", "2:27:56", "3JsNCcz1Hf0", 17, 2, 2, nil},
		{"episode-0199.md", "AMA & Tech News #33", "2024-12-02", "1:58:56", "EIoQowRX_V0", 10, 3, 1, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ep, diags := NewReader().Parse(tc.file, readFixture(t, tc.file))
			if ep == nil {
				t.Fatalf("not readable: %v", diags)
			}
			got := fmt.Sprintf("%q %s %v %s notes=%d guests=%d hosts=%d", ep.Title, ep.Date.Format("2006-01-02"), ep.Duration, ep.YouTubeID, len(ep.Notes), len(ep.Guests), len(ep.Hosts))
			want := fmt.Sprintf("%q %s %v %s notes=%d guests=%d hosts=%d", tc.title, tc.date, dur(tc.duration), tc.youtube, tc.notes, tc.guests, tc.hosts)
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			var ds []string
			for _, d := range diags {
				ds = append(ds, fmt.Sprintf("%d:%s", d.Line, d.Severity))
				if d.File != tc.file {
					t.Errorf("diagnostic names %q, want %q", d.File, tc.file)
				}
			}
			if !slices.Equal(ds, tc.diags) {
				t.Errorf("diagnostics %v, want %v: %v", ds, tc.diags, diags)
			}
			if !ep.Published || ep.IsNext || ep.Slug != strings.TrimSuffix(tc.file, ".md") {
				t.Errorf("published %v, isNext %v, slug %q", ep.Published, ep.IsNext, ep.Slug)
			}
			for _, n := range ep.Notes {
				if !strings.HasPrefix(strings.TrimSpace(strings.Split(string(readFixture(t, tc.file)), "\n")[n.Num-1]), n.Text) {
					t.Errorf("note %q is not at line %d", n.Text, n.Num)
				}
			}
		})
	}
}

func TestVideoID(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.youtube.com/watch?v=_tizAkqvivM":                        "_tizAkqvivM",
		"https://www.youtube.com/watch?v=P9FeWS3Bb9A&ab_channel=GeeksBlaBla": "P9FeWS3Bb9A",
		"https://www.youtube.com/watch?feature=share&v=P9FeWS3Bb9A&t=42s":    "P9FeWS3Bb9A",
		"https://www.youtube.com/live/mxV9Bx1ZsZg?si=5QnDE6RCcNOBuW1T":       "mxV9Bx1ZsZg",
		"https://youtu.be/mxV9Bx1ZsZg?si=abc":                                "mxV9Bx1ZsZg",
		"youtu.be/mxV9Bx1ZsZg":                                               "mxV9Bx1ZsZg",
		"https://www.youtube.com/embed/mxV9Bx1ZsZg?start=10":                 "mxV9Bx1ZsZg",
		"https://youtube.com/shorts/mxV9Bx1ZsZg":                             "mxV9Bx1ZsZg",
		"https://m.youtube.com/watch?v=mxV9Bx1ZsZg":                          "mxV9Bx1ZsZg",
		"https://music.youtube.com/watch?v=mxV9Bx1ZsZg&list=RD":              "mxV9Bx1ZsZg",
		"https://www.youtube-nocookie.com/embed/mxV9Bx1ZsZg":                 "mxV9Bx1ZsZg",
		"mxV9Bx1ZsZg":                                  "mxV9Bx1ZsZg",
		"https://www.youtube.com/live/":                "",
		"https://www.youtube.com/watch?v=short":        "",
		"https://vimeo.com/123456789":                  "",
		"https://www.youtube.com/channel/UC1234567890": "",
		"not a url at all":                             "",
	} {
		got, ok := VideoID(in)
		if got != want || ok != (want != "") {
			t.Errorf("VideoID(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]string{
		"20h:10min": "20h10m0s", "20h30": "20h30m0s", "20:30": "20h30m0s", "20h": "20h0m0s", "8pm": "20h0m0s",
		"8:30 pm": "20h30m0s", "12am": "0s", "9": "9h0m0s", "2030": "20h30m0s", "25:00": "", "20:75": "", "noon": "", "13pm": "",
	} {
		d, ok := parseClock(in)
		got := ""
		if ok {
			got = d.String()
		}
		if got != want {
			t.Errorf("parseClock(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{
		"2:00:13": "2h0m13s", "02:24:36": "2h24m36s", "58:10": "58m10s", "3600": "1h0m0s", "90.5": "1m30.5s", "1h30m": "1h30m0s",
		"1:60:00": "", "-5": "", "abc": "", "1::2": "",
	} {
		d, err := parseDuration(in)
		got := ""
		if err == nil {
			got = d.String()
		}
		if got != want {
			t.Errorf("parseDuration(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

// TestBadInput: each broken file is an error at the right line, with a
// hint; nothing panics.
func TestBadInput(t *testing.T) {
	const ok = "---\ntitle: T\ndate: 2024-01-01\nduration: \"1:00:00\"\n---\n\n## Notes\n0:00:00 - a\n"
	for _, tc := range []struct {
		name, in string
		line     int
		sev      diag.Severity
		msg      string
	}{
		{"empty", "", 1, diag.Error, "empty"},
		{"only spaces", "  \n\n", 1, diag.Error, "empty"},
		{"binary", "---\x00\x01\x02", 1, diag.Error, "not text"},
		{"invalid utf-8", "---\ntitle: \xff\n---\n", 1, diag.Error, "not text"},
		{"no front matter", "# Title\n\nbody\n", 1, diag.Error, "no front matter"},
		{"unterminated", "---\ntitle: T\ndate: 2024-01-01\n", 1, diag.Error, "not closed"},
		{"invalid yaml", "---\ntitle: T\ndate: [2024\n---\n", 3, diag.Error, "invalid front matter"},
		{"duplicate key", "---\ntitle: T\ntitle: U\ndate: 2024-01-01\n---\n", 3, diag.Error, "already defined"},
		{"no title", "---\ndate: 2024-01-01\n---\n", 1, diag.Error, "no title"},
		{"title is a list", "---\ntitle: [a, b]\ndate: 2024-01-01\n---\n", 2, diag.Error, "single value"},
		{"no date", "---\ntitle: T\n---\n", 1, diag.Error, "no date"},
		{"bad date", "---\ntitle: T\ndate: 2024-02-30\n---\n", 3, diag.Error, "not a date"},
		{"absurd year", "---\ntitle: T\ndate: 1899-01-01\n---\n", 3, diag.Error, "implausible"},
		{"absurd duration", "---\ntitle: T\ndate: 2024-01-01\nduration: \"99:00:00\"\n---\n", 4, diag.Error, "longer than a day"},
		{"negative audio_length", "---\ntitle: T\ndate: 2024-01-01\naudio_length: -5\n---\n", 4, diag.Error, "negative"},
		{"wrong type published", "---\ntitle: T\ndate: 2024-01-01\npublished: maybe\n---\n", 4, diag.Error, "not true or false"},
		{"misspelt key", "---\ntitle: T\ndate: 2024-01-01\npublised: false\n---\n", 4, diag.Warning, `unknown front-matter key "publised"`},
		{"html title", "---\ntitle: \"<b>Bold</b> move<script>alert(1)</script>\"\ndate: 2024-01-01\n---\n", 2, diag.Warning, "HTML markup"},
		{"bad youtube", "---\ntitle: T\ndate: 2024-01-01\nyoutube: https://vimeo.com/1\n---\n", 4, diag.Warning, "not a link to a YouTube video"},
		{"no duration", "---\ntitle: T\ndate: 2024-01-01\n---\n## Notes\n0:00:00 - a\n", 1, diag.Warning, "no duration"},
		{"no notes", strings.Replace(ok, "## Notes\n0:00:00 - a\n", "", 1), 6, diag.Warning, "no ## Notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep, diags := NewReader().Parse("ep.md", []byte(tc.in))
			i := slices.IndexFunc(diags, func(d diag.Diagnostic) bool { return strings.Contains(d.Message, tc.msg) })
			if i < 0 {
				t.Fatalf("no diagnostic with %q in %v", tc.msg, diags)
			}
			d := diags[i]
			if d.Line != tc.line || d.Severity != tc.sev || d.File != "ep.md" || d.Hint == "" {
				t.Errorf("got %v (hint %q), want line %d %v with a hint", d, d.Hint, tc.line, tc.sev)
			}
			if (ep == nil) != (tc.sev == diag.Error) {
				t.Errorf("episode returned = %v with a %v", ep != nil, tc.sev)
			}
		})
	}
	if ep, diags := NewReader().Parse("ep.md", []byte(ok)); ep == nil || len(diags) != 0 {
		t.Fatalf("good file: %v", diags)
	}
}

func TestBOMAndCRLF(t *testing.T) {
	in := "\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2024-01-01\r\nduration: 1:00\r\n---\r\n\r\nIntro.\r\n\r\n## Notes\r\n0:00:00 - a\r\n0:00:30 - b\r\n"
	ep, diags := NewReader().Parse("ep.md", []byte(in))
	if ep == nil || len(diags) != 0 || ep.Title != "T" || len(ep.Notes) != 2 || ep.Notes[1].Num != 11 || ep.Notes[1].Text != "0:00:30 - b" || ep.Summary != "Intro." {
		t.Fatalf("got %+v, %v", ep, diags)
	}
}

func TestSanitisedHTML(t *testing.T) {
	in := "---\ntitle: T\ndate: 2024-01-01\nduration: 1:00\n---\n\nHello <script>alert(1)</script> <img src=x onerror=alert(1)> [ok](https://example.org) [bad](javascript:alert(1))\n\n<iframe src=\"https://evil\"></iframe>\n\n## Notes\n0:00:00 - a\n"
	ep, _ := NewReader().Parse("ep.md", []byte(in))
	for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe"} {
		if strings.Contains(ep.HTML, bad) {
			t.Errorf("HTML keeps %q: %s", bad, ep.HTML)
		}
	}
	if !strings.Contains(ep.HTML, `href="https://example.org"`) {
		t.Errorf("HTML lost the good link: %s", ep.HTML)
	}
	// Without any "<", the safe renderer alone must still drop bad links.
	ep, _ = NewReader().Parse("ep.md", []byte("---\ntitle: T\ndate: 2024-01-01\nduration: 1:00\n---\n\n[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org)\n"))
	if strings.Contains(ep.HTML, "javascript:") || strings.Contains(ep.HTML, "data:text/html") || !strings.Contains(ep.HTML, `href="https://example.org"`) {
		t.Errorf("safe renderer: %s", ep.HTML)
	}
}

func TestPubDate(t *testing.T) {
	casa, _ := time.LoadLocation("Africa/Casablanca")
	ny, _ := time.LoadLocation("America/New_York")
	parse := func(front string) *Episode {
		ep, diags := NewReader().Parse("ep.md", []byte("---\ntitle: T\nduration: 1:00\n"+front+"---\n## Notes\n0:00:00 - a\n"))
		if ep == nil {
			t.Fatalf("%s: %v", front, diags)
		}
		return ep
	}
	for _, tc := range []struct {
		front string
		loc   *time.Location
		want  string
	}{
		{"date: 2020-03-14\n", casa, "2020-03-14T20:00:00+01:00"},
		{"date: 2023-05-15\ntime: 20h:10min\n", casa, "2023-05-15T20:10:00+01:00"},
		{"date: 2024-03-10\n", ny, "2024-03-10T20:00:00-04:00"}, // the day DST starts in New York
		{"date: 2024-11-03\ntime: 23:30\n", ny, "2024-11-03T23:30:00-05:00"},
		{"date: 2024-01-01T09:00:00Z\n", casa, "2024-01-01T09:00:00Z"},
		{"date: 2024-01-01 18:45\n", ny, "2024-01-01T18:45:00-05:00"},
	} {
		if got := parse(tc.front).PubDate(tc.loc, 20*time.Hour).Format(time.RFC3339); got != tc.want {
			t.Errorf("%q in %s: %s, want %s", tc.front, tc.loc, got, tc.want)
		}
	}
}

// TestGolden pins the whole Episode read from each testdata/<case>.md.
func TestGolden(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	if len(cases) == 0 {
		t.Fatal("no testdata/*.md")
	}
	for _, in := range cases {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, _ := os.ReadFile(in)
			ep, diags := NewReader().Parse(filepath.Base(in), data)
			out, err := json.MarshalIndent(struct {
				Episode     *Episode
				Diagnostics []string
			}{ep, strs(diags)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, '\n')
			golden := strings.TrimSuffix(in, ".md") + ".golden.json"
			if *update {
				os.WriteFile(golden, out, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./episode -update)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("differs from %s (run go test ./episode -update and review):\n%s", golden, out)
			}
		})
	}
}

func strs(l diag.List) []string {
	out := []string{}
	for _, d := range l {
		out = append(out, d.String())
	}
	return out
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.md"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, name := range append(files, more...) {
		data, _ := os.ReadFile(name)
		f.Add(data)
	}
	f.Add([]byte("---\ntitle: x\ndate: 2024-01-01\n---\n"))
	r := NewReader()
	f.Fuzz(func(t *testing.T, data []byte) {
		ep, diags := r.Parse("f.md", data)
		if (ep == nil) != diags.HasErrors() {
			t.Fatalf("episode %v but errors %v", ep != nil, diags)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range diags {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("diagnostic at line %d of a %d-line file: %v", d.Line, lines, d)
			}
		}
		if ep != nil {
			if ep.Title == "" || ep.Date.IsZero() {
				t.Fatalf("published episode without title or date: %+v", ep)
			}
			for _, n := range ep.Notes {
				if n.Num < 1 || n.Num > lines {
					t.Fatalf("note at line %d of %d", n.Num, lines)
				}
			}
		}
	})
}

func FuzzVideoID(f *testing.F) {
	for _, s := range []string{"https://www.youtube.com/live/mxV9Bx1ZsZg?si=5", "youtu.be/abcdefghijk", "https://www.youtube.com/watch?v=_tizAkqvivM&t=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, ok := VideoID(s); ok && !videoIDRE.MatchString(id) {
			t.Fatalf("VideoID(%q) = %q", s, id)
		}
	})
}

func FuzzDuration(f *testing.F) {
	for _, s := range []string{"2:00:13", "58:10", "3600", "1h30m", "1:60:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil && d < 0 {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
		if d, ok := parseClock(s); ok && (d < 0 || d >= 24*time.Hour) {
			t.Fatalf("parseClock(%q) = %v", s, d)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.md"))
	var data [][]byte
	for _, f := range files {
		d, _ := os.ReadFile(f)
		data = append(data, d)
	}
	r := NewReader()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range data {
			r.Parse("ep.md", d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(data)), "ns/file")
}
