package feed

import (
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/episode"
	"github.com/castfeed/castfeed/internal/sharedtest"
)

// realisticItems are the real GeeksBlaBla episodes (shared/fixtures) as
// a build makes them into items: their text, HTML notes, chapters,
// guests and hosts, with an enclosure and a transcript as a build with
// audio and captions gives them. Files that do not parse are left out,
// as a build leaves them out.
func realisticItems(tb testing.TB) []Item {
	tb.Helper()
	dir := sharedtest.Fixtures(tb)
	names, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no episode files in %s (%v)", dir, err)
	}
	r := episode.NewReader()
	var items []Item
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		ep, _ := r.Parse(filepath.Base(name), data)
		if ep == nil {
			continue
		}
		html, err := r.HTML(ep.Body())
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		notes := make([]chapters.Note, len(ep.Notes))
		for i, n := range ep.Notes {
			notes[i] = chapters.Note{Line: n.Num, Text: n.Text}
		}
		cs, _ := chapters.Build(notes, chapters.Options{Duration: ep.Duration, Offset: ep.Offset(0)})
		base := "https://feeds.example.org/show/episodes/" + ep.Slug + "/"
		it := Item{
			Title: ep.Title, Link: cmp.Or(ep.YouTube, "https://example.org/"), GUID: ep.Slug,
			PubDate: ep.PubDate(casa, 20*time.Hour), Summary: ep.Summary, ContentHTML: html,
			Chapters:    cs,
			Enclosure:   Enclosure{URL: "https://media.example.org/" + ep.Slug + ".mp3", Length: 57_000_000 + int64(len(data)), Type: "audio/mpeg"},
			Duration:    ep.Duration,
			Season:      ep.Season,
			Episode:     ep.Number,
			EpisodeType: "full",
			Explicit:    ep.Explicit,
			Image:       ep.Image,
			Keywords:    ep.Tags,
			Transcripts: []Transcript{{URL: base + "transcript.vtt", Type: "text/vtt", Language: "ar", Rel: "captions"}},
		}
		if len(cs) > 0 {
			it.ChaptersURL = base + "chapters.json"
		}
		for _, p := range ep.Guests {
			it.Persons = append(it.Persons, Person{Name: p.Name, Role: "guest", Href: p.URL})
		}
		for _, p := range ep.Hosts {
			it.Persons = append(it.Persons, Person{Name: p.Name, Role: "host", Href: p.URL})
		}
		items = append(items, it)
	}
	if len(items) < len(names)/2 {
		tb.Fatalf("only %d of %d episode files parse", len(items), len(names))
	}
	return items
}

// BenchmarkEncodeItem: encoding one realistic item, as a cold build
// does for each episode, in each format and in the three at once
// (Encoders.AppendItem, what the build calls).
func BenchmarkEncodeItem(b *testing.B) {
	items := realisticItems(b)
	p := fullShow()
	p.Items = nil
	var all Encoders
	for _, f := range []Format{RSS, Atom, JSON} {
		e, err := NewEncoder(f, p, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, e)
	}
	for _, bc := range []struct {
		name string
		encs Encoders
	}{{"rss", all[:1]}, {"atom", all[1:2]}, {"json", all[2:]}, {"all", all}} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([][]byte, len(bc.encs))
			size, i := 0, 0
			for b.Loop() {
				for j := range dst {
					dst[j] = nil // a build keeps each item's bytes apart
				}
				if err := bc.encs.AppendItem(dst, items[i%len(items)], false); err != nil {
					b.Fatal(err)
				}
				i++
				for _, d := range dst {
					size += len(d)
				}
			}
			b.ReportMetric(float64(size)/float64(i), "B/item")
		})
	}
}

// TestRealisticItemsAsBefore: the real episodes read as the oracle
// wrote them (see TestEncoderMatchesOneShot), and they have everything an
// item can have, or the test would prove little.
func TestRealisticItemsAsBefore(t *testing.T) {
	p := fullShow()
	p.Items = realisticItems(t)
	var chapters, persons, links int
	for _, it := range p.Items {
		chapters += len(it.Chapters)
		persons += len(it.Persons)
		if strings.Contains(it.ContentHTML, "<a href=") {
			links++
		}
	}
	if chapters == 0 || persons == 0 || links == 0 {
		t.Errorf("the fixtures give %d chapters, %d persons, %d items with links in their notes", chapters, persons, links)
	}
	for f, name := range formats {
		if diff := readAlike(t, f, streamed(t, f, p), oneShot(t, f, p)); diff != "" {
			t.Errorf("%s: the real episodes read otherwise than before: %s", name, diff)
		}
	}
}
