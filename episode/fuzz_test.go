package episode

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: any bytes give either an episode or an error, never both and
// never a panic; every problem has a hint and a line inside the file; what
// is read is within its documented bounds; lint's Reader agrees.
func FuzzParse(f *testing.F) {
	for _, file := range seedFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("---\ntitle: x\ndate: 2024-01-01\n---\n"))
	f.Add([]byte("\xef\xbb\xbf---\r\ntitle: x\r\ndate: 2024-01-01\r\n---\r\n## Notes\r\n0:00 - a"))
	r, lint := NewReader(), NewReader().WithoutHTML()
	f.Fuzz(func(t *testing.T, data []byte) {
		ep, diags := r.Parse("f.md", data)
		if (ep == nil) != diags.HasErrors() {
			t.Fatalf("episode %v but errors %v: %v", ep != nil, diags.HasErrors(), diags)
		}
		lines := lineCount(data)
		for _, d := range diags {
			if d.Line < 1 || d.Line > lines || d.File != "f.md" || d.Message == "" || d.Hint == "" {
				t.Fatalf("diagnostic %q (hint %q) in a %d-line file", d, d.Hint, lines)
			}
		}
		ep2, diags2 := lint.Parse("f.md", data)
		if !reflect.DeepEqual(diags, diags2) || (ep == nil) != (ep2 == nil) {
			t.Fatalf("lint's reader differs: %v / %v", diags, diags2)
		}
		if ep == nil {
			return
		}
		if html, err := lint.HTML(ep2.Body()); err != nil || html != ep.HTML {
			t.Fatalf("HTML later = %q, %v; Parse gave %q", html, err, ep.HTML)
		}
		if ep.Title == "" || ep.Title != strings.TrimSpace(ep.Title) || !utf8.ValidString(ep.Title) {
			t.Fatalf("title %q", ep.Title)
		}
		if y := ep.Date.Year(); y < 2000 || y > 2100 {
			t.Fatalf("date %v", ep.Date)
		}
		if ep.Duration < 0 || ep.Duration > 24*time.Hour || ep.Clock < 0 || ep.Clock >= 24*time.Hour || ep.AudioLength < 0 {
			t.Fatalf("duration %v, clock %v, audio length %d", ep.Duration, ep.Clock, ep.AudioLength)
		}
		if ep.YouTubeID != "" && (!isVideoID(ep.YouTubeID) || ep.YouTube != "https://www.youtube.com/watch?v="+ep.YouTubeID) {
			t.Fatalf("youtube %q, id %q", ep.YouTube, ep.YouTubeID)
		}
		for _, tag := range ep.Tags {
			if tag == "" || tag != strings.TrimSpace(tag) {
				t.Fatalf("tag %q", tag)
			}
		}
		inFile := func(what string, n int) {
			if n < 1 || n > lines {
				t.Fatalf("%s at line %d of a %d-line file", what, n, lines)
			}
		}
		for _, n := range ep.Notes {
			inFile("note "+n.Text, n.Num)
			if n.Text == "" || n.Text != strings.TrimSpace(n.Text) {
				t.Fatalf("note %q", n.Text)
			}
		}
		for _, p := range append(ep.Guests, ep.Hosts...) {
			inFile("person "+p.Name, p.Line)
		}
		for _, l := range ep.Links {
			inFile("link "+l.URL, l.Line)
		}
		for _, k := range ep.keys {
			inFile("key "+k.key, ep.KeyLine(k.key))
		}
		low := strings.ToLower(ep.HTML)
		for _, bad := range []string{"<script", "<iframe", "<style", "<object", "<embed"} {
			if strings.Contains(low, bad) {
				t.Fatalf("HTML contains %s: %s", bad, ep.HTML)
			}
		}
		ep2.HTML = ep.HTML
		if !reflect.DeepEqual(ep, ep2) {
			t.Fatalf("lint's reader reads another episode:\n%+v\n%+v", ep, ep2)
		}
	})
}

// lineCount is the number of lines an editor shows for data.
func lineCount(data []byte) int {
	return 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
}

// FuzzDuration: what parses is in range, and reading it back from the
// H:MM:SS form (durations) or HH:MM:SS form (clocks) gives the same value.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"2:00:13", "58:10", "3600", "90.5", "1h30m", "1:60:00", "20h:10min", "8pm", "2030", "NaN", "1e9", "1:02:40.25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil {
			if d < 0 || d > maxDuration {
				t.Fatalf("parseDuration(%q) = %v", s, d)
			}
			back := fmt.Sprintf("%d:%02d:%02d", d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second)
			if frac := d % time.Second; frac != 0 {
				back += strings.TrimRight(fmt.Sprintf(".%09d", frac), "0")
			}
			if d2, err := parseDuration(back); err != nil || d2 != d {
				t.Fatalf("parseDuration(%q) = %v, written %q, read back as %v, %v", s, d, back, d2, err)
			}
		}
		if d, ok := parseClock(s); ok {
			if d < 0 || d >= 24*time.Hour || d%time.Second != 0 {
				t.Fatalf("parseClock(%q) = %v", s, d)
			}
			back := fmt.Sprintf("%02d:%02d:%02d", d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second)
			if d2, ok := parseClock(back); !ok || d2 != d {
				t.Fatalf("parseClock(%q) = %v, written %q, read back as %v, %v", s, d, back, d2, ok)
			}
		}
	})
}
