package episode

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2:00:13", "2h0m13s"},
		{"02:24:36", "2h24m36s"},
		{"0:58:10", "58m10s"},
		{"58:10", "58m10s"},
		{"00:45", "45s"},
		{"1:02:40.5", "1h2m40.5s"},
		{" 1:02:40 ", "1h2m40s"},
		{"3600", "1h0m0s"},
		{"90.5", "1m30.5s"},
		{"0", "0s"},
		{"1h30m", "1h30m0s"},
		{"1h 30min", "1h30m0s"},
		{"90 min", "1h30m0s"},
		{"2 hours", "2h0m0s"},
		{"45mn", "45m0s"},

		{"1:60:00", "error"}, // minutes must be below 60
		{"1:2:3", "error"},   // two digits after a colon
		{"1::2", "error"},
		{":30", "error"},
		{"1:02:03:04", "error"},
		{"1.5:00", "error"},
		{"-5", "error"},
		{"-1h", "error"},
		{"NaN", "error"},
		{"Inf", "error"},
		{"1e300", "error"},
		{"99999:00:00", "error"},
		{"abc", "error"},
		{"", "error"},
		{"h", "error"},
	} {
		d, err := parseDuration(tc.in)
		got := d.String()
		if err != nil {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("parseDuration(%q) = %s (%v), want %s", tc.in, d, err, tc.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"20h:10min", "20:10:00"},
		{"20h30", "20:30:00"},
		{"20H30", "20:30:00"},
		{"20:30", "20:30:00"},
		{"20.30", "20:30:00"},
		{"20:30:15", "20:30:15"},
		{"20h", "20:00:00"},
		{"20h10m", "20:10:00"},
		{"8pm", "20:00:00"},
		{"8 PM", "20:00:00"},
		{"8:30 pm", "20:30:00"},
		{"12am", "00:00:00"},
		{"12pm", "12:00:00"},
		{"9", "09:00:00"},
		{"2030", "20:30:00"},
		{"0:00", "00:00:00"},

		{"24:00", ""},
		{"25:00", ""},
		{"20:75", ""},
		{"20:5", ""},
		{"13pm", ""},
		{"0am", ""},
		{"noon", ""},
		{"", ""},
		{"h30", ""},
		{"123", ""},
		{"20:30:61", ""},
	} {
		d, ok := parseClock(tc.in)
		got := ""
		if ok {
			got = fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
		}
		if got != tc.want {
			t.Errorf("parseClock(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-03-09", "2024-03-09T00:00:00Z"},
		{"2024/03/09", "2024-03-09T00:00:00Z"},
		{"2024-3-9", "2024-03-09T00:00:00Z"},
		{" 2024-03-09 ", "2024-03-09T00:00:00Z"},
		{"2024-02-29", "2024-02-29T00:00:00Z"},
		{"2024-03-09T20:30:00Z", "2024-03-09T20:30:00Z exact"},
		{"2024-03-09T20:30:00.5+01:00", "2024-03-09T20:30:00+01:00 exact"},
		{"2024-03-09T20:30+01:00", "2024-03-09T20:30:00+01:00 exact"},
		{"2024-03-09 20:30:00 +01:00", "2024-03-09T20:30:00+01:00 exact"},
		{"2024-03-09 20:30", "2024-03-09T00:00:00Z at 20h30m0s"},
		{"2024-03-09T20:30:15", "2024-03-09T00:00:00Z at 20h30m15s"},

		{"2023-02-29", "error: not a day of the calendar"},
		{"2024-13-01", "error: not a date"},
		{"09/03/2024", "error: year-month-day"},
		{"9.3.2024", "error: year-month-day"},
		{"March 9, 2024", "error: not a date"},
		{"2024-03-09T25:00:00Z", "error: not a date"},
		{"", "error: not a date"},
	} {
		d, err := parseDate(tc.in)
		var got string
		switch {
		case err != nil:
			got = "error: " + err.msg
			if err.hint == "" {
				t.Errorf("parseDate(%q): no hint", tc.in)
			}
		case d.exact:
			got = d.t.Format(time.RFC3339) + " exact"
		case d.hasClock:
			got = d.t.Format(time.RFC3339) + " at " + d.clock.String()
		default:
			got = d.t.Format(time.RFC3339)
		}
		if !strings.HasPrefix(got, tc.want) && !(strings.HasPrefix(tc.want, "error") && strings.Contains(got, strings.TrimPrefix(tc.want, "error: "))) {
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNumberIn(t *testing.T) {
	for in, want := range map[string]int{
		"episode-0042":        42,
		"episode-0000":        0,
		"0199":                199,
		"ep5":                 5,
		"42-hello":            42,
		"2024-01-13-ep5":      5,
		"2024-01-13-hello":    0,
		"hello":               0,
		"episode-99999999999": 0,
		"show-s02e05":         5,
	} {
		if got := numberIn(in); got != want {
			t.Errorf("numberIn(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"publised":     "published",
		"Title":        "title",
		"isnext":       "isNext",
		"durration":    "duration",
		"audio-length": "audio_length",
		"tag":          "tags",
		"yt":           "",
		"colour":       "",
	} {
		if got := suggest(in); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTags: tags are trimmed and empties dropped, however the list is
// written.
func TestTags(t *testing.T) {
	for _, tc := range []struct {
		tags  string
		want  []string
		warns int
	}{
		{`tags: ["devops"]`, []string{"devops"}, 0},
		{`tags: ["web", "JS", "mobile dev"]`, []string{"web", "JS", "mobile dev"}, 0},
		{"tags: [go, podcasts]", []string{"go", "podcasts"}, 0},
		{`tags: [ " a " , "", b, ]`, []string{"a", "b"}, 0},
		{"tags: [\"testing\",\n  \"observability\",\n  \"feature-flags\",]", []string{"testing", "observability", "feature-flags"}, 0},
		{"tags:\n  - one\n  -\n  - ' two '", []string{"one", "two"}, 0},
		{"tags: go, podcasts ,", []string{"go", "podcasts"}, 0},
		{"tags: 5", []string{"5"}, 0},
		{"tags: [1, true]", []string{"1", "true"}, 0},
		{"tags: []", nil, 0},
		{"tags:", nil, 0},
		{"tags: [[a], b]", []string{"b"}, 1},
		{"tags: {a: 1}", nil, 1},
	} {
		in := front(title, date, duration, tc.tags)
		ep, diags := NewReader().Parse("ep.md", []byte(in))
		if ep == nil {
			t.Fatalf("%q: %v", tc.tags, diags)
		}
		if !slices.Equal(ep.Tags, tc.want) || len(diags) != tc.warns {
			t.Errorf("%q: tags %q with %v, want %q with %d warnings", tc.tags, ep.Tags, diags, tc.want, tc.warns)
		}
	}
}

// TestDurationsInFiles: durations as the YAML library hands them over.
func TestDurationsInFiles(t *testing.T) {
	for in, want := range map[string]time.Duration{
		`duration: "2:00:13"`: 2*time.Hour + 13*time.Second,
		"duration: 2:00:13":   2*time.Hour + 13*time.Second, // YAML 1.1 would make this sexagesimal 7213
		"duration: 7213":      2*time.Hour + 13*time.Second,
		"duration: 7213.5":    2*time.Hour + 13*time.Second + 500*time.Millisecond,
		"duration: '58:10'":   58*time.Minute + 10*time.Second,
		"duration: 1h30m":     90 * time.Minute,
	} {
		ep, diags := NewReader().Parse("ep.md", []byte(front(title, date, in)))
		if ep == nil || ep.Duration != want || len(diags) != 0 {
			t.Errorf("%s: got %v, %v; want %v", in, ep, diags, want)
		}
	}
	if d, err := parseDuration(fmt.Sprint(math.MaxInt64)); err == nil {
		t.Errorf("a huge number of seconds gave %v", d)
	}
}
