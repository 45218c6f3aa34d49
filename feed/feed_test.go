package feed

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/internal/xsdtest"
	"github.com/mmcdole/gofeed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var casa = func() *time.Location { l, _ := time.LoadLocation("Africa/Casablanca"); return l }()

func yes() *bool { b := true; return &b }

// fullShow has every element castfeed writes, and text that tries to
// break XML: markup, a script, Arabic, control characters.
func fullShow() *Podcast {
	return &Podcast{
		Title: "Hallway Track", Description: "Talks between talks & more", Link: "https://example.org",
		Language: "ar-MA", Copyright: "© 2024", Author: "The community", FeedURL: "https://feeds.example.org/show/feed.xml",
		OwnerName: "Salma", OwnerEmail: "salma@example.org", Image: "https://example.org/cover.png",
		Categories: []Category{{Name: "Technology"}, {Name: "Society & Culture", Sub: []string{"Documentary"}}},
		Type:       "episodic", Locked: true, LockedOwner: "salma@example.org", Generator: "castfeed test",
		Hubs: []string{"https://pubsubhubbub.appspot.com/"},
		Items: []Item{
			{
				Title: "Older <b>one</b>", Link: "https://youtu.be/x", GUID: "episode-0001",
				PubDate: time.Date(2024, 1, 13, 20, 0, 0, 0, casa), Summary: "First.",
				ContentHTML: "<p>First episode</p>", Enclosure: Enclosure{URL: "https://media.example.org/1.mp3", Length: 1234, Type: "audio/mpeg"},
				Duration: 3760 * time.Second, Episode: 1, EpisodeType: "full",
			},
			{
				Title: "Arabic on the Web: ما وراء النص <script>alert(1)</script>", Link: "https://youtu.be/y", GUID: "episode-0003",
				PubDate: time.Date(2024, 3, 9, 20, 30, 0, 0, casa), Summary: "RTL \x01layouts — بالدارجة.",
				ContentHTML: "<p>Notes ]]> with a CDATA end</p>",
				Chapters:    []chapters.Chapter{{Start: 0, Title: "Welcome / مرحبا"}, {Start: 435 * time.Second, Title: `Unicode & "length"`, URL: "https://unicode.org"}},
				ChaptersURL: "https://feeds.example.org/show/episodes/episode-0003/chapters.json",
				Enclosure:   Enclosure{URL: "https://media.example.org/3.mp3", Length: 73400320, Type: "audio/mpeg"},
				Duration:    4702 * time.Second, Season: 2, Episode: 3, EpisodeType: "full", Explicit: yes(),
				Image:       "https://example.org/3.jpg",
				Persons:     []Person{{Name: "Omar", Role: "guest", Href: "https://example.org/omar"}, {Name: "Salma", Role: "host"}},
				Transcripts: []Transcript{{URL: "https://feeds.example.org/show/episodes/episode-0003/transcript.vtt", Type: "text/vtt", Language: "ar", Rel: "captions"}},
				Keywords:    []string{"i18n", "rtl"},
			},
			{
				Title: "Unknown length", Link: "https://example.org/2", GUID: "https://example.org/guid/2",
				PubDate: time.Date(2024, 2, 10, 20, 0, 0, 0, casa), Enclosure: Enclosure{URL: "https://media.example.org/2.mp3", Type: "audio/mpeg"},
			},
		},
	}
}

func minimalShow() *Podcast {
	return &Podcast{Title: "Minimal", Description: "d", Link: "https://example.org", FeedURL: "https://example.org/feed.xml"}
}

func TestGolden(t *testing.T) {
	for name, p := range map[string]*Podcast{"full": fullShow(), "minimal": minimalShow()} {
		for ext, write := range map[string]func(*bytes.Buffer, *Podcast) error{
			"xml":  func(b *bytes.Buffer, p *Podcast) error { return WriteRSS(b, p) },
			"atom": func(b *bytes.Buffer, p *Podcast) error { return WriteAtom(b, p) },
			"json": func(b *bytes.Buffer, p *Podcast) error { return WriteJSON(b, p) },
		} {
			var b bytes.Buffer
			if err := write(&b, p); err != nil {
				t.Fatalf("%s.%s: %v", name, ext, err)
			}
			golden := filepath.Join("testdata", name+".golden."+ext)
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./feed -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs (run go test ./feed -update and review the diff):\n%s", golden, b.Bytes())
			}
			// Same input, same bytes.
			var again bytes.Buffer
			write(&again, p)
			if !bytes.Equal(again.Bytes(), b.Bytes()) {
				t.Errorf("%s.%s: two writes differ", name, ext)
			}
		}
	}
}

func render(t testing.TB, write func(*bytes.Buffer, *Podcast) error, p *Podcast) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func rssOf(b *bytes.Buffer, p *Podcast) error  { return WriteRSS(b, p) }
func atomOf(b *bytes.Buffer, p *Podcast) error { return WriteAtom(b, p) }
func jsonOf(b *bytes.Buffer, p *Podcast) error { return WriteJSON(b, p) }

// TestIndependentParser reads all three outputs with gofeed.
func TestIndependentParser(t *testing.T) {
	p := fullShow()
	for name, write := range map[string]func(*bytes.Buffer, *Podcast) error{"rss": rssOf, "atom": atomOf, "json": jsonOf} {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, write, p)))
		if err != nil {
			t.Fatalf("%s: gofeed: %v", name, err)
		}
		if len(f.Items) != 3 {
			t.Fatalf("%s: %d items", name, len(f.Items))
		}
		if !strings.HasPrefix(f.Items[0].Title, "Arabic on the Web: ما وراء النص") || f.Items[2].Title != "Older <b>one</b>" {
			t.Errorf("%s: titles %q … %q (newest first, text kept verbatim)", name, f.Items[0].Title, f.Items[2].Title)
		}
		enc := f.Items[0].Enclosures
		if name != "json" && (len(enc) != 1 || enc[0].URL != "https://media.example.org/3.mp3" || enc[0].Length != "73400320" || enc[0].Type != "audio/mpeg") {
			t.Errorf("%s: enclosure %+v", name, enc)
		}
		if name == "rss" {
			it := f.Items[0]
			if it.GUID != "episode-0003" || it.ITunesExt.Duration != "4702" || it.ITunesExt.Image != "https://example.org/3.jpg" || it.ITunesExt.Explicit != "true" {
				t.Errorf("rss item: guid %q, itunes %+v", it.GUID, it.ITunesExt)
			}
			if f.Items[1].Enclosures[0].Length != "0" {
				t.Errorf("unknown length: enclosure %+v; want it kept with length 0", f.Items[1].Enclosures)
			}
			if f.ITunesExt.Categories[1].Text != "Society & Culture" || f.ITunesExt.Categories[1].Subcategory.Text != "Documentary" {
				t.Errorf("categories %+v", f.ITunesExt.Categories)
			}
			pod := it.Extensions["podcast"]
			if pod["transcript"][0].Attrs["rel"] != "captions" || pod["chapters"][0].Attrs["type"] != "application/json+chapters" || len(pod["person"]) != 2 {
				t.Errorf("podcast extensions %+v", pod)
			}
			if g := f.Extensions["podcast"]["guid"][0].Value; g != GUID(p.FeedURL) {
				t.Errorf("podcast:guid %q", g)
			}
			if strings.Contains(it.Description, "\x01") {
				t.Error("a control character reached the XML")
			}
		}
		// Each format names itself for subscribing and the show's page.
		self := map[string]string{"rss": p.FeedURL, "atom": sibling(p.FeedURL, "feed.atom"), "json": sibling(p.FeedURL, "feed.json")}[name]
		if f.FeedLink != self || f.Link != p.Link {
			t.Errorf("%s: feed link %q, link %q; want %q and %q", name, f.FeedLink, f.Link, self, p.Link)
		}
		if name == "json" && f.Items[0].Enclosures[0].URL != "https://media.example.org/3.mp3" {
			t.Errorf("json attachment %+v", f.Items[0].Enclosures)
		}
	}
}

// TestNotUTF8: a byte that is not UTF-8 in the notes becomes U+FFFD in
// every format; in RSS the notes go out in a CDATA section, as they are,
// where it made the whole feed unreadable.
func TestNotUTF8(t *testing.T) {
	p := fullShow()
	p.Items[0].ContentHTML = "<p>caf\xe9</p>"
	p.Items[0].Title = "bad \xff byte"
	for name, write := range map[string]func(*bytes.Buffer, *Podcast) error{"rss": rssOf, "atom": atomOf, "json": jsonOf} {
		doc := render(t, write, p)
		if !utf8.Valid(doc) {
			t.Errorf("%s: not UTF-8", name)
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: gofeed: %v", name, err)
		}
		it := f.Items[2]
		if it.Title != "bad \uFFFD byte" || !strings.Contains(it.Content, "caf\uFFFD") {
			t.Errorf("%s: title %q, content %q; want U+FFFD for the bad bytes", name, it.Title, it.Content)
		}
	}
}

func TestSchema(t *testing.T) {
	xsdtest.CheckFeed(t, render(t, rssOf, fullShow()))
	// The check bites: a transcript without url is refused.
	bad := []byte(`<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><podcast:transcript type="text/vtt"/></channel></rss>`)
	doc, n := xsdtest.Elements(t, bad)
	if n != 1 {
		t.Fatalf("%d elements", n)
	}
	if err := xsdtest.Validate(t, doc); err == nil {
		t.Fatal("xmllint accepted a podcast:transcript without url")
	}
}

func TestGUID(t *testing.T) {
	for _, u := range []string{"https://podnews.net/rss", "http://podnews.net/rss/", "podnews.net/rss"} {
		if got := GUID(u); got != "9b024349-ccf0-5f69-a609-6b82873eab3c" {
			t.Errorf("GUID(%q) = %s", u, got)
		}
	}
}

func TestDescriptionCap(t *testing.T) {
	long := strings.Repeat("مرحبا بكم في الحلقة ", 400) // 2-byte runes, well over 4000 bytes
	var cs []chapters.Chapter
	for i := range 30 {
		cs = append(cs, chapters.Chapter{Start: time.Duration(i) * time.Minute, Title: fmt.Sprintf("Chapter %d", i)})
	}
	d := description(Item{Summary: long, Chapters: cs})
	if len(d) > maxDescription || !utf8.ValidString(d) {
		t.Fatalf("description is %d bytes, valid UTF-8 %v", len(d), utf8.ValidString(d))
	}
	if !strings.HasSuffix(d, "00:29:00 Chapter 29") || !strings.Contains(d, "…\n\n00:00:00 Chapter 0\n") {
		t.Errorf("chapters not kept whole after a shortened summary:\n%s", d[len(d)-300:])
	}
	var many []chapters.Chapter
	for i := range 400 {
		many = append(many, chapters.Chapter{Start: time.Duration(i) * time.Second, Title: strings.Repeat("x", 20)})
	}
	d = description(Item{Summary: "s", Chapters: many})
	if len(d) > maxDescription || !strings.HasSuffix(d, strings.Repeat("x", 20)) {
		t.Errorf("only chapters, too many: %d bytes", len(d))
	}
}

func showOf(n int) *Podcast {
	p := fullShow()
	tmpl := p.Items[1]
	p.Items = make([]Item, n)
	for i := range p.Items {
		it := tmpl
		it.GUID = fmt.Sprintf("episode-%06d", i)
		it.PubDate = tmpl.PubDate.Add(time.Duration(i) * time.Hour)
		it.ContentHTML = strings.Repeat("<p>Some show notes, with a <a href=\"https://example.org\">link</a>.</p>\n", 20)
		p.Items[i] = it
	}
	return p
}

func BenchmarkWriteRSS10k(b *testing.B) {
	p := showOf(10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		WriteRSS(&buf, p)
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB/feed")
}
