package episode

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // PubDate tests need zones whatever the machine has

	"github.com/castfeed/castfeed/diag"
	"github.com/castfeed/castfeed/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Our own example show; the real GeeksBlaBla episodes are found by
// sharedtest.Fixtures.
var examples = filepath.Join("..", "examples", "hallway-track", "episodes")

func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// diagsOf formats diagnostics as "line:severity", for exact comparison.
func diagsOf(l diag.List) []string {
	out := []string{}
	for _, d := range l {
		out = append(out, fmt.Sprintf("%d:%s", d.Line, d.Severity))
	}
	return out
}

// TestFixtures reads every real GeeksBlaBla file. The expected values were
// read off each file by hand (and counted again by a script independent
// of this package).
func TestFixtures(t *testing.T) {
	fixtures := sharedtest.Fixtures(t)
	type want struct {
		title, date, duration, youtube string
		notes, guests, hosts, links    int
		published                      bool
		diags                          []string // "line:severity"
	}
	for file, w := range map[string]want{
		"episode-0001.md": {"Devops", "2018-05-19", "2h0m13s", "_tizAkqvivM", 16, 0, 0, 1, true, nil},
		"episode-0002.md": {"Web Dev JS frameworks, Best practices", "2018-05-26", "2h46m10s", "y8mbKtOmNrg", 13, 0, 0, 12, true, nil},
		// [Figma](Www.figma.com): no scheme, so a warning, and the link is
		// left out (issue 10, item 3).
		"episode-0004.md": {"UX, UI & design principles", "2018-06-09", "2h0m40s", "Zp6CSoa1S4Y", 19, 4, 0, 5, true, []string{"66:warning"}},
		"episode-0006.md": {"MSS with Amine Raghib", "2018-10-13", "1h25m54s", "DlE3drGZgpo", 24, 1, 3, 1, true, nil},
		// The title has a double space, collapsed.
		"episode-0010.md": {"MSS with Mohamed Zakariae El Khdime!", "2018-12-26", "1h24m32s", "XVl0Y-7JZxw", 15, 1, 2, 0, true, nil},
		"episode-0019.md": {"Competitive programming, how to become good at!", "2019-07-31", "1h28m48s", "jU12lUQMfSQ", 8, 0, 0, 6, true, nil},
		// ## Notes is there but empty (line 28); the title ends with a space.
		"episode-0031.md": {"AMA With GeeksBlabla Team", "2020-03-28", "2h24m36s", "nTA2mTRlTD0", 0, 6, 0, 0, true, []string{"28:warning"}},
		// An extra ## Certifications section, kept in the HTML only.
		"episode-0075.md": {"IT Certifications", "2021-03-21", "2h33m56s", "H-FWc-0s04c", 13, 3, 2, 0, true, nil},
		"episode-0088.md": {"Tech News & AMA #12", "2021-06-27", "2h8m23s", "P9FeWS3Bb9A", 18, 2, 2, 1, true, nil},
		"episode-0111.md": {"DigiGirlz x WIT 22", "2022-03-20", "1h29m52s", "G7SIYlXHx7Y", 12, 3, 1, 7, true, nil},
		"episode-0146.md": {"Scaling Back: Amazon's Prime Video and the Return of the Monolith", "2023-05-15", "2h6m31s", "GqUFdwXbVog", 8, 5, 1, 6, true, nil},
		"episode-0157.md": {"Tech New & AMA #27", "2023-10-01", "2h10m40s", "WKDrPojAehE", 11, 3, 1, 11, true, nil},
		// A /live/ link with ?si=.
		"episode-0180.md": {"Data engineer 101", "2024-05-12", "1h45m17s", "mxV9Bx1ZsZg", 16, 3, 1, 4, true, nil},
		"episode-0192.md": {"Vector Databases", "2024-09-29", "1h27m53s", "7LNKYIIO-0M", 10, 3, 1, 7, true, nil},
		"episode-0196.md": {"The illusion of productivity and danger of burnout", "2024-11-03", "2h27m56s", "3JsNCcz1Hf0", 17, 2, 2, 0, true, nil},
		"episode-0199.md": {"AMA & Tech News #33", "2024-12-02", "1h58m56s", "EIoQowRX_V0", 10, 3, 1, 10, true, nil},
	} {
		t.Run(file, func(t *testing.T) {
			data := readFile(t, fixtures, file)
			ep, diags := NewReader().Parse(file, data)
			if ep == nil {
				t.Fatalf("not publishable: %v", diags)
			}
			got := fmt.Sprintf("%q %s %v %s notes=%d guests=%d hosts=%d links=%d published=%v",
				ep.Title, ep.Date.Format(time.DateOnly), ep.Duration, ep.YouTubeID, len(ep.Notes), len(ep.Guests), len(ep.Hosts), len(ep.Links), ep.Published)
			wantS := fmt.Sprintf("%q %s %s %s notes=%d guests=%d hosts=%d links=%d published=%v",
				w.title, w.date, w.duration, w.youtube, w.notes, w.guests, w.hosts, w.links, w.published)
			if got != wantS {
				t.Errorf("got  %s\nwant %s", got, wantS)
			}
			if ds := diagsOf(diags); !slices.Equal(ds, append([]string{}, w.diags...)) {
				t.Errorf("diagnostics %v, want %v:\n%v", ds, w.diags, diags)
			}
			for _, d := range diags {
				if d.File != file || d.Hint == "" {
					t.Errorf("diagnostic %v: want file %q and a hint", d, file)
				}
			}
			checkPositions(t, ep, data)
			if ep.YouTube != "https://www.youtube.com/watch?v="+w.youtube || ep.Slug != strings.TrimSuffix(file, ".md") || ep.IsNext || ep.Number == 0 {
				t.Errorf("youtube %q, slug %q, isNext %v, number %d", ep.YouTube, ep.Slug, ep.IsNext, ep.Number)
			}
			titleLine := 1 + slices.IndexFunc(strings.Split(string(data), "\n"), func(l string) bool { return strings.HasPrefix(l, "title:") })
			if ep.Summary == "" || strings.ContainsAny(ep.Summary, "\n*[") || ep.HTML == "" || titleLine < 2 || ep.KeyLine("title") != titleLine {
				t.Errorf("summary %q, %d bytes of HTML, title at line %d, want %d", ep.Summary, len(ep.HTML), ep.KeyLine("title"), titleLine)
			}
		})
	}
}

// checkPositions checks that every note, person and link is found on the
// line it claims.
func checkPositions(t *testing.T, ep *Episode, data []byte) {
	t.Helper()
	lines := strings.Split(normalise(data), "\n")
	at := func(n int) string {
		if n < 1 || n > len(lines) {
			t.Errorf("line %d is outside the file (%d lines)", n, len(lines))
			return ""
		}
		return lines[n-1]
	}
	for _, n := range ep.Notes {
		if !strings.Contains(at(n.Num), n.Text) || n.Text == "" {
			t.Errorf("note %q is not on line %d: %q", n.Text, n.Num, at(n.Num))
		}
	}
	for _, p := range slices.Concat(ep.Guests, ep.Hosts) {
		if !strings.Contains(at(p.Line), p.URL) || p.Name == "" {
			t.Errorf("person %+v is not on line %d: %q", p, p.Line, at(p.Line))
		}
	}
	for _, l := range ep.Links {
		if !strings.Contains(at(l.Line), l.URL) || l.URL == "" {
			t.Errorf("link %+v is not on line %d: %q", l, l.Line, at(l.Line))
		}
	}
}

// TestExampleShow reads our own, deliberately messy, example show.
func TestExampleShow(t *testing.T) {
	for _, tc := range []struct {
		file, title, youtube string
		clock                string // "" when the episode has no time of day
		notes                int
		published, isNext    bool
		diags                []string
	}{
		{"episode-0001.md", "Hello, Hallway Track", "HtPilot0001", "", 5, true, false, nil},
		// tags: a flow list over three lines with a trailing comma.
		{"episode-0002.md", "Testing in Production, Carefully", "HtPilot0002", "", 8, true, false, nil},
		// time: 20h:30min, a /live/ link, Arabic text, sections reordered.
		{"episode-0003.md", "Arabic on the Web: ما وراء النص", "HtPilot0003", "20h30m0s", 6, true, false, nil},
		{"episode-0004.md", "Monoliths Are Fine, Actually", "HtPilot0004", "", 7, true, false, nil},
		// <b> in the title, <script> in the intro, an /embed/ link.
		{"episode-0005.md", "Accessibility Is a Feature & Not a Chore", "HtPilot0005", "", 5, true, false, []string{"4:warning"}},
		{"episode-0006.md", "Postgres as a Queue, a Cache and a Search Engine", "HtPilot0006", "", 6, true, false, nil},
		{"episode-0007.md", "Draft: Career Paths Beyond Senior", "HtPilot0007", "", 1, false, false, nil},
		{"episode-0008.md", "Next: Live Q&A with the Community", "HtPilot0008", "", 1, true, true, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data := readFile(t, examples, tc.file)
			ep, diags := NewReader().Parse(tc.file, data)
			if ep == nil {
				t.Fatalf("not publishable: %v", diags)
			}
			clock := ""
			if ep.HasClock {
				clock = ep.Clock.String()
			}
			got := fmt.Sprintf("%q %s %q notes=%d published=%v isNext=%v", ep.Title, ep.YouTubeID, clock, len(ep.Notes), ep.Published, ep.IsNext)
			want := fmt.Sprintf("%q %s %q notes=%d published=%v isNext=%v", tc.title, tc.youtube, tc.clock, tc.notes, tc.published, tc.isNext)
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if ds := diagsOf(diags); !slices.Equal(ds, append([]string{}, tc.diags...)) {
				t.Errorf("diagnostics %v, want %v:\n%v", ds, tc.diags, diags)
			}
			checkPositions(t, ep, data)
			if strings.Contains(ep.HTML, "<script") || strings.Contains(ep.Summary, "alert") {
				t.Errorf("a script survived: summary %q, HTML %s", ep.Summary, ep.HTML)
			}
		})
	}
}

// front builds a file from front-matter lines and a body with notes.
func front(lines ...string) string {
	return "---\n" + strings.Join(lines, "\n") + "\n---\n\n## Notes\n0:00:00 - Hello\n"
}

const (
	title    = "title: T"
	date     = "date: 2024-01-01"
	duration = `duration: "1:00:00"`
)

// TestFrontMatter: broken files are errors at the right line, repairable
// ones warnings, and each comes with a hint. The diagnostics listed are
// all the file gets, as "line:severity:words of the message".
func TestFrontMatter(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"good", front(title, date, duration), nil},
		{"empty", "", []string{"1:error:empty"}},
		{"only white space", " \n\n\t\n", []string{"1:error:empty"}},
		{"only a byte-order mark", "\xef\xbb\xbf", []string{"1:error:empty"}},
		{"byte-order mark", "\xef\xbb\xbf" + front(title, date, duration), nil},
		{"UTF-16", "\xff\xfe-\x00-\x00-\x00", []string{"1:error:UTF-16"}},
		{"NUL byte on line 3", "---\ntitle: T\nda\x00te: x\n---\n", []string{"3:error:NUL"}},
		{"not UTF-8 on line 2", "---\ntitle: caf\xe9\n---\n", []string{"2:error:not valid UTF-8"}},
		{"no front matter", "# Title\n\nNotes.\n", []string{"1:error:no front matter"}},
		{"blank line before ---", "\n" + front(title, date, duration), []string{"1:error:no front matter"}},
		{"TOML", "+++\ntitle = \"T\"\n+++\n", []string{"1:error:TOML"}},
		{"unterminated", "---\ntitle: T\ndate: 2024-01-01\n\n## Notes\n", []string{"1:error:never closed"}},
		{"empty front matter", "---\n---\n## Notes\n0:00:00 - a\n", []string{"1:error:no title", "1:error:no date", "1:warning:no duration"}},
		{"closing ... and no body", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n...", []string{"5:warning:no ## Notes"}},
		{"no body after the last newline", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n", []string{"5:warning:no ## Notes"}},
		{"exact date and time", front(title, "date: 2024-01-01T20:00:00Z", duration, "time: 21:00"), []string{"5:warning:time is not used"}},
		{"front matter is a list", "---\n- a\n- b\n---\n", []string{"2:error:not a list of keys and values"}},
		{"front matter is text", "---\njust words\n---\n", []string{"2:error:not a list of keys and values"}},
		{"front matter too long", "---\ntitle: T\ntags:\n" + strings.Repeat("  - a tag\n", 2000) + "---\n", []string{"1:error:more than the 16 KB"}},
		{"file too long", "---\ntitle: T\ndate: 2024-01-01\n---\n" + strings.Repeat("Words. ", 40000), []string{"1:error:more than the 256 KB"}},
		{"unclosed bracket", front(title, "tags: [a, b", date), []string{"3:error:not valid YAML"}},
		{"unclosed brace", front(title, "tags: {a: 1", date), []string{"3:error:not valid YAML"}},
		{"unclosed bracket at the end", front(title, date, "tags: [a, b"), []string{"4:error:not valid YAML"}},
		{"unclosed quote", front(`title: "T`, date), []string{"2:error:not valid YAML"}},
		{"tab indent", front(title, "\tdate: 2024-01-01"), []string{"3:error:not valid YAML"}},
		{"colon in plain text", front(title, date, "category: a: b"), []string{"4:error:not valid YAML"}},
		{"repeated key", front(title, date, duration, "title: U"), []string{"5:error:given twice, on lines 2 and 5"}},

		{"no title", front(date, duration), []string{"1:error:no title"}},
		{"null title", front("title:", date, duration), []string{"2:error:title is empty"}},
		{"empty title", front(`title: ""`, date, duration), []string{"2:error:title is empty"}},
		{"title is a list", front("title: [a, b]", date, duration), []string{"2:error:not a list"}},
		{"title is a mapping", front("title:\n  en: T", date, duration), []string{"2:error:not a nested mapping"}},
		{"title is markup only", front(`title: "<b></b>"`, date, duration), []string{"2:error:only HTML"}},
		{"title with markup", front(`title: "<i>Hi</i> there"`, date, duration), []string{"2:warning:HTML markup"}},
		{"title cut by a comment", front("title: Tech News #12", date, duration), []string{"2:warning:comment"}},

		{"no date", front(title, duration), []string{"1:error:no date"}},
		{"null date", front(title, "date:", duration), []string{"3:error:date is empty"}},
		{"date is a list", front(title, "date: [2024-01-01]", duration), []string{"3:error:not a list"}},
		{"no such day", front(title, "date: 2024-02-30", duration), []string{"3:error:not a day of the calendar"}},
		{"day first", front(title, "date: 09/03/2024", duration), []string{"3:error:year-month-day"}},
		{"not a date", front(title, "date: next friday", duration), []string{"3:error:not a date"}},
		{"year 1899", front(title, "date: 1899-12-31", duration), []string{"3:error:not plausible"}},
		{"year 2101", front(title, "date: 2101-01-01", duration), []string{"3:error:not plausible"}},

		{"no duration", front(title, date), []string{"1:warning:no duration"}},
		{"null duration", front(title, date, "duration:"), []string{"4:warning:no duration"}},
		{"zero duration", front(title, date, "duration: 0"), []string{"4:warning:zero"}},
		{"duration over a day", front(title, date, `duration: "25:00:00"`), []string{"4:error:longer than a day"}},
		{"duration minutes over 59", front(title, date, `duration: "1:60:00"`), []string{"4:error:below 60"}},
		{"negative duration", front(title, date, "duration: -5"), []string{"4:error:negative"}},
		{"duration NaN", front(title, date, "duration: NaN"), []string{"4:error:not a length"}},
		{"duration in words", front(title, date, "duration: long"), []string{"4:error:not a length"}},
		{"duration is a list", front(title, date, "duration: [1, 2]"), []string{"4:error:not a list"}},

		{"published maybe", front(title, date, duration, "published: maybe"), []string{"5:error:not true or false"}},
		{"isNext is a list", front(title, date, duration, "isNext: [true]"), []string{"5:error:not a list"}},
		{"explicit perhaps", front(title, date, duration, "explicit: perhaps"), []string{"5:error:not true or false"}},
		{"negative audio_length", front(title, date, duration, "audio_length: -5"), []string{"5:error:negative"}},
		{"audio_length in words", front(title, date, duration, "audio_length: big"), []string{"5:error:not a whole number"}},
		{"audio_offset NaN", front(title, date, duration, "audio_offset: .nan"), []string{"5:error:not a number"}},
		{"audio_offset two hours", front(title, date, duration, "audio_offset: 7200"), []string{"5:error:more than an hour"}},
		// Apple's limits (issue 10, item 4).
		{"episode -1", front(title, date, duration, "episode: -1"), []string{"5:warning:episode -1 is not an episode number"}},
		{"episode 0", front(title, date, duration, "episode: 0"), []string{"5:warning:episode 0 is not an episode number"}},
		{"season 0", front(title, date, duration, "season: 0"), []string{"5:warning:season 0 is not a season number"}},
		{"season -2", front(title, date, duration, "season: -2"), []string{"5:warning:season -2 is not a season number"}},
		{"season huge", front(title, date, duration, "season: 99999"), []string{"5:error:out of range"}},
		{"title of 256 characters", front("title: "+strings.Repeat("é", 256), date, duration), []string{"2:warning:256 characters long; Apple Podcasts accepts at most 255"}},
		{"title of 255 characters", front("title: "+strings.Repeat("é", 255), date, duration), nil},
		{"title of emoji only", front(`title: "🎙️ 🎉"`, date, duration), []string{"2:warning:no letters or digits"}},
		{"title of markup and emoji", front(`title: "<b>🎙️</b>"`, date, duration), []string{"2:warning:HTML markup", "2:warning:no letters or digits"}},
		{"summary over 4000 bytes", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n\n" + strings.Repeat("Words ", 700) + "\n\n## Notes\n0:00:00 - a\n",
			[]string{"7:warning:the summary is 4199 bytes; Apple Podcasts shows at most 4000"}},
		{"summary of 4000 bytes", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n\n" + strings.Repeat("Word ", 800) + "\n\n## Notes\n0:00:00 - a\n", nil},

		// A misspelt key that decides publication is an error: read as a
		// warning, the draft would go out (issue 10, item 1).
		{"misspelt published", front(title, date, duration, "publshed: false"), []string{"5:error:looks like published"}},
		{"misspelt isNext", front(title, date, duration, "isnext: true"), []string{"5:error:looks like isNext"}},
		{"capitalised Published", front(title, date, duration, "Published: false"), []string{"5:error:looks like published"}},
		{"misspelt guid", front(title, date, duration, "giud: ep-1"), []string{"5:error:looks like guid"}},
		{"misspelt audio", front(title, date, duration, "audo: https://example.org/a.mp3"), []string{"5:error:looks like audio"}},
		{"audio under another name", front(title, date, duration, "enclosure: https://example.org/a.mp3"), []string{"5:error:looks like audio"}},
		{"misspelt time", front(title, date, duration, "tiem: 20:00"), []string{"5:error:looks like time"}},
		{"misspelt date beside the date", front(title, date, duration, "dtae: 2024-02-01"), []string{"5:error:looks like date"}},
		{"misspelt explicit", front(title, date, duration, "explict: true"), []string{"5:error:looks like explicit"}},
		{"draft: true", front(title, date, duration, "draft: true"), []string{"5:error:draft"}},
		{"draft: false asks nothing", front(title, date, duration, "draft: false"), []string{"5:warning:draft"}},
		{"misspelt key that decides nothing", front(title, date, duration, "featurd: true"), []string{"5:warning:featurd"}},
		{"invalid time", front(title, date, duration, "time: noon"), []string{"5:warning:not a time of day"}},
		{"vimeo link", front(title, date, duration, "youtube: https://vimeo.com/1"), []string{"5:warning:not a link to a YouTube video"}},
		{"tags a mapping", front(title, date, duration, "tags: {a: 1}"), []string{"5:warning:tags"}},
		{"no notes", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n\nIntro.\n", []string{"6:warning:no ## Notes"}},
		{"empty notes", "---\ntitle: T\ndate: 2024-01-01\nduration: 60\n---\n\n## Notes\n\n## Links\n", []string{"7:warning:section is empty"}},
		{"several problems", front("title: [x]", "date: 1999-01-01", "duration: abc", "tilte: x"),
			[]string{"2:error:not a list", "3:error:not plausible", "4:error:not a length", "5:warning:tilte"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep, diags := NewReader().Parse("ep.md", []byte(tc.in))
			var got []string
			for _, d := range diags {
				got = append(got, fmt.Sprintf("%d:%s:%s", d.Line, d.Severity, d.Message))
				if d.File != "ep.md" || d.Hint == "" {
					t.Errorf("%v: want file ep.md and a hint", d)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("input %q\ngot  %q\nwant %q", short(tc.in), got, tc.want)
			}
			for i, w := range tc.want {
				line, sev, _ := strings.Cut(w, ":")
				sev, words, _ := strings.Cut(sev, ":")
				if !strings.HasPrefix(got[i], line+":"+sev+":") || !strings.Contains(got[i], words) {
					t.Errorf("input %q\ngot  %q\nwant %q", short(tc.in), got[i], w)
				}
			}
			if (ep == nil) != diags.HasErrors() {
				t.Errorf("episode returned = %v with errors = %v", ep != nil, diags.HasErrors())
			}
		})
	}
}

// short cuts long inputs in failure messages.
func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestFrontMatterValues: values are read as volunteers mean them.
func TestFrontMatterValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		check func(*Episode) bool
	}{
		{"sexagesimal duration unquoted", []string{"duration: 1:02:40"}, func(e *Episode) bool { return e.Duration == time.Hour+2*time.Minute+40*time.Second }},
		{"duration in seconds", []string{"duration: 4200"}, func(e *Episode) bool { return e.Duration == 70*time.Minute }},
		{"duration MM:SS", []string{`duration: "58:10"`}, func(e *Episode) bool { return e.Duration == 58*time.Minute+10*time.Second }},
		{"published false", []string{"published: false"}, func(e *Episode) bool { return !e.Published }},
		{"published absent", nil, func(e *Episode) bool { return e.Published && !e.IsNext && !e.Featured && e.Explicit == nil }},
		{"isNext and featured", []string{"isNext: true", "featured: yes"}, func(e *Episode) bool { return e.IsNext && e.Featured }},
		{"explicit clean", []string{"explicit: clean"}, func(e *Episode) bool { return e.Explicit != nil && !*e.Explicit }},
		{"explicit yes", []string{"explicit: yes"}, func(e *Episode) bool { return e.Explicit != nil && *e.Explicit }},
		{"explicit true", []string{"explicit: true"}, func(e *Episode) bool { return e.Explicit != nil && *e.Explicit }},
		{"audio fields", []string{"audio: https://cdn.example.org/42.mp3", "audio_length: 48123456", "audio_type: audio/mpeg", "image: cover.png", "guid: ' old-42 '"},
			func(e *Episode) bool {
				return e.Audio == "https://cdn.example.org/42.mp3" && e.AudioLength == 48123456 && e.AudioType == "audio/mpeg" && e.Image == "cover.png" && e.GUID == "old-42"
			}},
		{"negative audio offset", []string{"audio_offset: -12.5"}, func(e *Episode) bool { return e.HasAudioOffset && e.AudioOffset == -12500*time.Millisecond }},
		{"zero audio offset is given", []string{"audio_offset: 0"}, func(e *Episode) bool { return e.HasAudioOffset && e.AudioOffset == 0 }},
		{"episode and season", []string{"episode: 42", "season: 2"}, func(e *Episode) bool { return e.Number == 42 && e.Season == 2 }},
		{"episode number with zeros", []string{"episode: 007"}, func(e *Episode) bool { return e.Number == 7 }},
		{"number from the file name", nil, func(e *Episode) bool { return e.Number == 42 && e.Slug == "episode-0042" }},
		{"date with zone is an instant", []string{"date: 2024-01-01T09:00:00+01:00"}, func(e *Episode) bool {
			return e.exact && e.Date.Equal(time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)) && !e.HasClock
		}},
		{"date with time, no zone", []string{"date: 2024-01-01 18:45"}, func(e *Episode) bool {
			return !e.exact && e.Date.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) && e.HasClock && e.Clock == 18*time.Hour+45*time.Minute
		}},
		{"time overrides", []string{"time: 20h:10min"}, func(e *Episode) bool { return e.HasClock && e.Clock == 20*time.Hour+10*time.Minute }},
		{"category trimmed", []string{"category: ' dev '"}, func(e *Episode) bool { return e.Category == "dev" }},
		{"key lines", []string{"guid: x", "audio: y"}, func(e *Episode) bool {
			return e.KeyLine("guid") == 2 && e.KeyLine("audio") == 3 && e.KeyLine("title") == 4 && e.KeyLine("duration") == 6 && e.KeyLine("image") == 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := tc.lines
			for _, def := range []string{title, date, duration} {
				key, _, _ := strings.Cut(def, ":")
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, key+":") }) {
					lines = append(lines, def)
				}
			}
			in := front(lines...)
			ep, diags := NewReader().Parse("episodes/episode-0042.md", []byte(in))
			if ep == nil || len(diags) > 0 {
				t.Fatalf("input %q: %v", in, diags)
			}
			if !tc.check(ep) {
				t.Errorf("input %q: got %+v", in, *ep)
			}
		})
	}
}

// TestLineEndings: Windows and old Mac files give the lines an editor
// shows.
func TestLineEndings(t *testing.T) {
	unix := "---\ntitle: T\ndate: 2024-01-01\nduration: 1:00\n---\n\nIntro.\n\n## Notes\n0:00:00 - a\n0:00:30 - b\n\n## Guests\n- [G](https://example.org/g)\n"
	for name, in := range map[string]string{
		"LF":       unix,
		"CRLF":     strings.ReplaceAll(unix, "\n", "\r\n"),
		"BOM CRLF": "\xef\xbb\xbf" + strings.ReplaceAll(unix, "\n", "\r\n"),
		"CR":       strings.ReplaceAll(unix, "\n", "\r"),
	} {
		t.Run(name, func(t *testing.T) {
			ep, diags := NewReader().Parse("ep.md", []byte(in))
			if ep == nil || len(diags) != 0 {
				t.Fatalf("%v", diags)
			}
			got := fmt.Sprintf("%q %v %q %v", ep.Title, ep.Notes, ep.Summary, ep.Guests)
			want := `"T" [{10 0:00:00 - a} {11 0:00:30 - b}] "Intro." [{G https://example.org/g 14}]`
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestSanitisedHTML: HTML in the body is sanitised; the good parts stay.
func TestSanitisedHTML(t *testing.T) {
	in := "---\ntitle: \"<script>alert(1)</script>Safe <b>title</b>\"\ndate: 2024-01-01\nduration: 1:00\n---\n\n" +
		"Hello <script>alert(1)</script> <img src=x onerror=alert(1)> <STYLE>body{}</STYLE> [ok](https://example.org) [bad](javascript:alert(1))\n\n" +
		"<iframe src=\"https://evil.example\"></iframe>\n\n<a href=\"https://example.org/x\" onclick=\"steal()\">x</a>\n\n## Notes\n0:00:00 - <script>n()</script>a\n"
	ep, diags := NewReader().Parse("ep.md", []byte(in))
	if ep == nil {
		t.Fatal(diags)
	}
	for _, bad := range []string{"<script", "alert", "onerror", "onclick", "javascript:", "<iframe", "<style", "body{}"} {
		if strings.Contains(strings.ToLower(ep.HTML), strings.ToLower(bad)) {
			t.Errorf("HTML keeps %q: %s", bad, ep.HTML)
		}
		if strings.Contains(ep.Title+ep.Summary, bad) {
			t.Errorf("title %q or summary %q keeps %q", ep.Title, ep.Summary, bad)
		}
	}
	for _, good := range []string{`<a href="https://example.org">ok</a>`, `href="https://example.org/x"`} {
		if !strings.Contains(ep.HTML, good) {
			t.Errorf("HTML lost %s: %s", good, ep.HTML)
		}
	}
	if ep.Title != "Safe title" || !slices.Equal(diagsOf(diags), []string{"2:warning", "7:warning"}) {
		t.Errorf("title %q, diagnostics %v", ep.Title, diags)
	}
	// The notes are left out of the HTML: the feed lists the
	// repaired chapters instead.
	if strings.Contains(ep.HTML, "Notes") || ep.Notes[0].Text != "0:00:00 - <script>n()</script>a" {
		t.Errorf("notes %v, HTML %s", ep.Notes, ep.HTML)
	}
}

// TestSafeRendererDropsBadLinks: notes without any "<" skip the sanitiser;
// goldmark's safe mode must still drop dangerous link schemes.
func TestSafeRendererDropsBadLinks(t *testing.T) {
	ep, diags := NewReader().Parse("ep.md", []byte("---\ntitle: T\ndate: 2024-01-01\nduration: 1:00\n---\n\n[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x) [ok](https://example.org)\n"))
	if ep == nil {
		t.Fatal(diags)
	}
	for _, bad := range []string{"javascript:", "data:text/html", "vbscript:"} {
		if strings.Contains(ep.HTML, bad) {
			t.Errorf("HTML keeps %q: %s", bad, ep.HTML)
		}
	}
	if !strings.Contains(ep.HTML, `<a href="https://example.org">ok</a>`) {
		t.Errorf("HTML lost the good link: %s", ep.HTML)
	}
}

// TestWithoutHTML: lint's Reader reads the same episode, without HTML,
// and HTML renders it later exactly as Parse would have.
func TestWithoutHTML(t *testing.T) {
	full, lint := NewReader(), NewReader().WithoutHTML()
	for _, file := range seedFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		a, da := full.Parse(file, data)
		b, db := lint.Parse(file, data)
		if a == nil || b == nil {
			if a != b || !reflect.DeepEqual(da, db) {
				t.Errorf("%s: %v\n%v", file, da, db)
			}
			continue
		}
		if b.HTML != "" || a.HTML == "" {
			t.Errorf("%s: lint's reader gave %d bytes of HTML, the build's %d", file, len(b.HTML), len(a.HTML))
		}
		if html, err := lint.HTML(b.Body()); err != nil || html != a.HTML {
			t.Errorf("%s: HTML later = %q, %v; want Parse's %q", file, html, err, a.HTML)
		}
		a.HTML = ""
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(da, db) {
			t.Errorf("%s: without HTML, the episode differs:\n%+v\n%+v", file, a, b)
		}
	}
}

// TestConcurrentParse: one Reader serves many goroutines, each getting
// what it would get alone (run with -race).
func TestConcurrentParse(t *testing.T) {
	r := NewReader()
	files := seedFiles(t)
	type result struct {
		ep    *Episode
		diags diag.List
	}
	want := map[string]result{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ep, diags := r.Parse(f, data)
		want[f] = result{ep, diags}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range files {
				f := files[(i+g)%len(files)]
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				ep, diags := r.Parse(f, data)
				if !reflect.DeepEqual(result{ep, diags}, want[f]) {
					t.Errorf("%s read concurrently differs", f)
				}
			}
		})
	}
	wg.Wait()
}

// TestPubDate: the written date at the show's time in its zone, never
// another day, whatever the zone's offset or daylight saving.
func TestPubDate(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	for _, tc := range []struct {
		front string
		loc   *time.Location
		def   time.Duration
		want  string
	}{
		{"date: 2020-03-14", zone("Africa/Casablanca"), 20 * time.Hour, "2020-03-14T20:00:00+01:00"},
		// During Ramadan 2020 Morocco was on +00:00.
		{"date: 2020-05-01", zone("Africa/Casablanca"), 20 * time.Hour, "2020-05-01T20:00:00Z"},
		{"date: 2023-05-15\ntime: 20h:10min", zone("Africa/Casablanca"), 20 * time.Hour, "2023-05-15T20:10:00+01:00"},
		// The day daylight saving starts in New York: 02:30 does not
		// exist and becomes 03:30, on the same day.
		{"date: 2024-03-10", zone("America/New_York"), 20 * time.Hour, "2024-03-10T20:00:00-04:00"},
		{"date: 2024-03-10\ntime: 2:30", zone("America/New_York"), 20 * time.Hour, "2024-03-10T03:30:00-04:00"},
		{"date: 2024-11-03\ntime: 23:30", zone("America/New_York"), 20 * time.Hour, "2024-11-03T23:30:00-05:00"},
		// The day clocks fall back in New York: 01:30 happens twice.
		{"date: 2024-11-03\ntime: 1:30", zone("America/New_York"), 20 * time.Hour, "2024-11-03T01:30:00-04:00"},
		// Issue: where the jump is at midnight, time.Date alone gave
		// 23:30 on the day before.
		{"date: 2024-03-10\ntime: 0:30", zone("America/Havana"), 20 * time.Hour, "2024-03-10T01:30:00-04:00"},
		{"date: 2024-09-08", zone("America/Santiago"), 30 * time.Minute, "2024-09-08T01:30:00-03:00"},
		// Far from UTC on both sides: still the written day.
		{"date: 2024-01-01\ntime: 00:30", zone("Pacific/Kiritimati"), 20 * time.Hour, "2024-01-01T00:30:00+14:00"},
		{"date: 2024-01-01\ntime: 23:59", zone("Pacific/Pago_Pago"), 20 * time.Hour, "2024-01-01T23:59:00-11:00"},
		{"date: 2024-10-27\ntime: 8pm", zone("Europe/Paris"), 0, "2024-10-27T20:00:00+01:00"},
		{"date: 2024-01-01", nil, 9*time.Hour + 30*time.Minute, "2024-01-01T09:30:00Z"},
		{"date: 2024-01-01 18:45", zone("America/New_York"), 20 * time.Hour, "2024-01-01T18:45:00-05:00"},
		// An instant stays that instant, whatever the zone and clock.
		{"date: 2024-01-01T09:00:00Z", zone("Africa/Casablanca"), 20 * time.Hour, "2024-01-01T09:00:00Z"},
		{"date: 2024-06-01T21:00:00+02:00\ntime: 8am", zone("America/New_York"), 20 * time.Hour, "2024-06-01T21:00:00+02:00"},
	} {
		in := "---\ntitle: T\nduration: 1:00\n" + tc.front + "\n---\n## Notes\n0:00:00 - a\n"
		ep, diags := NewReader().Parse("ep.md", []byte(in))
		if ep == nil {
			t.Fatalf("%q: %v", tc.front, diags)
		}
		got := ep.PubDate(tc.loc, tc.def)
		if got.Format(time.RFC3339) != tc.want {
			t.Errorf("%q in %v at %v: %s, want %s", tc.front, tc.loc, tc.def, got.Format(time.RFC3339), tc.want)
		}
		if !ep.exact && got.Format(time.DateOnly) != ep.Date.Format(time.DateOnly) {
			t.Errorf("%q: the day moved from %s to %s", tc.front, ep.Date.Format(time.DateOnly), got.Format(time.DateOnly))
		}
	}
}

// TestGolden pins the whole Episode read from each testdata/<case>.md in
// testdata/<case>.golden.json; go test ./episode -update rewrites them.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil || len(cases) == 0 {
		t.Fatal("no testdata/*.md")
	}
	r := NewReader()
	for _, in := range cases {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			ep, diags := r.Parse(filepath.Base(in), data)
			got := goldenJSON(t, ep, diags)
			golden := strings.TrimSuffix(in, ".md") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./episode -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: got\n%s\nwant %s (run go test ./episode -update and review the diff)", in, got, golden)
			}
		})
	}
}

// goldenJSON is the Episode as indented JSON, with what JSON cannot see:
// the key lines, whether the date is an instant, and the diagnostics.
func goldenJSON(t *testing.T, ep *Episode, diags diag.List) []byte {
	t.Helper()
	v := struct {
		Episode     *Episode
		Exact       bool           `json:",omitempty"`
		KeyLines    map[string]int `json:",omitempty"`
		Diagnostics []string
	}{Episode: ep, Diagnostics: []string{}}
	if ep != nil {
		v.Exact = ep.exact
		v.KeyLines = map[string]int{}
		for _, k := range ep.keys {
			v.KeyLines[k.key] = k.line
		}
	}
	for _, d := range diags {
		v.Diagnostics = append(v.Diagnostics, d.String())
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestPanicIsAnError: a panic while reading a file (here: a parse with
// no Reader, which dereferences nil) is an error on that file, not a
// crash of the build.
func TestPanicIsAnError(t *testing.T) {
	p := &parse{name: "episode-0001.md"}
	ep := p.safeRun([]byte("---\ntitle: <b>Hi</b>\ndate: 2024-01-01\n---\nIntro.\n"))
	if ep != nil || !p.diags.HasErrors() || !strings.Contains(p.diags[0].Message, "castfeed failed on this file") || p.diags[0].Line != 1 {
		t.Fatalf("episode %v, diagnostics %v", ep, p.diags)
	}
}
