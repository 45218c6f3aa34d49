package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/castfeed/castfeed/chapters"
	"github.com/castfeed/castfeed/internal/timecode"
	"github.com/google/uuid"

	"github.com/gorilla/feeds"
)

// The oracle: a feed as gorilla/feeds and encoding/xml wrote it before
// items were written by hand (xmlitem.go), the whole document built in
// gorilla's types and marshalled at once. Its item structs and their
// translation are kept here, as they were, to hold Encoder to.

// oldItem extends gorilla's RssItem (title, link, description,
// content:encoded, enclosure, guid, pubDate).
type oldItem struct {
	*feeds.RssItem
	ItunesTitle       string              `xml:"itunes:title,omitempty"`
	ItunesDuration    int64               `xml:"itunes:duration,omitempty"`
	ItunesEpisode     int                 `xml:"itunes:episode,omitempty"`
	ItunesSeason      int                 `xml:"itunes:season,omitempty"`
	ItunesEpisodeType string              `xml:"itunes:episodeType,omitempty"`
	ItunesExplicit    string              `xml:"itunes:explicit,omitempty"`
	ItunesImage       *href               `xml:"itunes:image"`
	ItunesKeywords    string              `xml:"itunes:keywords,omitempty"`
	PodcastSeason     *podcastSeason      `xml:"podcast:season"`
	PodcastEpisode    int                 `xml:"podcast:episode,omitempty"`
	PodcastChapters   *podcastChapters    `xml:"podcast:chapters"`
	PSCChapters       *chapters.PSC       `xml:"psc:chapters"`
	Persons           []podcastPerson     `xml:"podcast:person"`
	Transcripts       []podcastTranscript `xml:"podcast:transcript"`
}

type podcastSeason struct {
	Name  string `xml:"name,attr"`
	Value int    `xml:",chardata"`
}

type podcastChapters struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

type podcastPerson struct {
	Role  string `xml:"role,attr,omitempty"`
	Group string `xml:"group,attr,omitempty"`
	Href  string `xml:"href,attr,omitempty"`
	Img   string `xml:"img,attr,omitempty"`
	Name  string `xml:",chardata"`
}

type podcastTranscript struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
}

func oldRSSItem(p *Podcast, it Item, t text) *oldItem {
	ri := &oldItem{
		RssItem: &feeds.RssItem{
			Title:       xmlText(it.Title),
			Link:        it.Link,
			Description: t.description,
			Guid:        &feeds.RssGuid{Id: it.GUID, IsPermaLink: "false"},
			PubDate:     it.PubDate.Format(time.RFC1123Z),
			Enclosure: &feeds.RssEnclosure{
				Url:    it.Enclosure.URL,
				Length: strconv.FormatInt(it.Enclosure.Length, 10),
				Type:   it.Enclosure.Type,
			},
		},
		ItunesTitle:       xmlText(it.Title),
		ItunesDuration:    int64(it.Duration / time.Second),
		ItunesEpisode:     it.Episode,
		ItunesSeason:      it.Season,
		ItunesEpisodeType: it.EpisodeType,
		ItunesExplicit:    yesNo(p.Explicit, "true", "false"),
		PodcastEpisode:    it.Episode,
		ItunesKeywords:    xmlText(strings.Join(it.Keywords, ",")),
	}
	if it.Explicit != nil {
		ri.ItunesExplicit = yesNo(*it.Explicit, "true", "false")
	}
	if t.content != "" {
		ri.Content = &feeds.RssContent{Content: t.content}
	}
	if it.Image != "" {
		ri.ItunesImage = &href{it.Image}
	}
	if it.Season > 0 {
		ri.PodcastSeason = &podcastSeason{Name: "Season " + strconv.Itoa(it.Season), Value: it.Season}
	}
	if it.ChaptersURL != "" {
		ri.PodcastChapters = &podcastChapters{URL: it.ChaptersURL, Type: "application/json+chapters"}
	}
	if len(it.Chapters) > 0 {
		ri.PSCChapters = chapters.NewPSC(it.Chapters)
		for i := range ri.PSCChapters.Chapters {
			ri.PSCChapters.Chapters[i].Title = xmlText(ri.PSCChapters.Chapters[i].Title)
		}
	}
	for _, pe := range it.Persons {
		ri.Persons = append(ri.Persons, podcastPerson{Role: pe.Role, Group: "cast", Href: pe.Href, Img: pe.Img, Name: xmlText(pe.Name)})
	}
	for _, t := range it.Transcripts {
		ri.Transcripts = append(ri.Transcripts, podcastTranscript(t))
	}
	return ri
}

// oldAtomEntry is one item translated by gorilla, whose per-entry
// translation is reachable only through a whole feed.
func oldAtomEntry(ns uuid.UUID, it Item, t text) *feeds.AtomEntry {
	f := &feeds.Feed{Items: []*feeds.Item{itemModel(ns, it, t)}}
	return (&feeds.Atom{Feed: f}).AtomFeed().Entries[0]
}

// chapterLines lists chapters as "HH:MM:SS Title".
func chapterLines(cs []chapters.Chapter) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(append(append(timecode.Append(nil, c.Start, ""), ' '), c.Title...))
	}
	return out
}

// oldTextOf is what an item's encodings share, made as before: the notes
// and chapters escaped by encoding/xml.
func oldTextOf(it Item) text {
	return text{description: xmlText(description(it)), content: oldContentHTML(it)}
}

func oldContentHTML(it Item) string {
	var b strings.Builder
	b.WriteString(xmlText(it.ContentHTML))
	if len(it.Chapters) > 0 {
		b.WriteString("\n<h2>Chapters</h2>\n<p>")
		for i, l := range chapterLines(it.Chapters) {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			xml.EscapeText(&b, []byte(xmlText(l)))
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

// itemModel is one episode as gorilla's Item; ns is the podcast's guid
// namespace (see entryID).
func itemModel(ns uuid.UUID, it Item, t text) *feeds.Item {
	return &feeds.Item{
		Id:          entryID(ns, it.GUID),
		Title:       xmlText(it.Title),
		Link:        &feeds.Link{Href: it.Link},
		Description: t.description,
		Content:     t.content,
		Created:     it.PubDate,
		Enclosure:   &feeds.Enclosure{Url: it.Enclosure.URL, Length: strconv.FormatInt(it.Enclosure.Length, 10), Type: it.Enclosure.Type},
	}
}

// jsonItem is one item translated by gorilla, plus what its translation
// leaves out (summary, image, tags, the audio as an attachment).
func jsonItem(ns uuid.UUID, it Item, t text) *feeds.JSONItem {
	f := &feeds.Feed{Items: []*feeds.Item{itemModel(ns, it, t)}}
	ji := (&feeds.JSON{Feed: f}).JSONFeed().Items[0]
	ji.Summary = xmlText(it.Summary)
	ji.Image = it.Image
	ji.Tags = it.Keywords
	size := it.Enclosure.Length
	if size > math.MaxInt32 {
		size = 0 // gorilla's field is 32 bits; unknown is better than wrong
	}
	ji.Attachments = []feeds.JSONAttachment{{Url: it.Enclosure.URL, MIMEType: it.Enclosure.Type, Size: int32(size), Duration: it.Duration}}
	return ji
}

// oldRSS and oldAtom are the documents with their items, as the last
// children of the channel and the feed.
type oldRSS struct {
	*rss
	Channel *oldChannel
}

type oldChannel struct {
	*channel
	Items []*oldItem `xml:"item"`
}

type oldAtom struct {
	*atomFeed
	Entries []*feeds.AtomEntry `xml:"entry"`
}

func (r *oldRSS) FeedXml() any  { return r }
func (a *oldAtom) FeedXml() any { return a }

// oneShot encodes p the plain way, with the old items.
func oneShot(t testing.TB, f Format, p *Podcast) []byte {
	t.Helper()
	items := sorted(p.Items)
	up := updated(items)
	ns := uuid.MustParse(GUID(p.FeedURL))
	var b bytes.Buffer
	var err error
	switch f {
	case RSS, Atom:
		var doc feeds.XmlFeed
		if f == RSS {
			r := rssDoc(p, up)
			old := &oldRSS{rss: r, Channel: &oldChannel{channel: r.Channel}}
			for _, it := range items {
				old.Channel.Items = append(old.Channel.Items, oldRSSItem(p, it, oldTextOf(it)))
			}
			doc = old
		} else {
			old := &oldAtom{atomFeed: atomDoc(p, up)}
			for _, it := range items {
				old.Entries = append(old.Entries, oldAtomEntry(ns, it, oldTextOf(it)))
			}
			doc = old
		}
		err = feeds.WriteXML(doc, &b)
		b.WriteByte('\n')
	case JSON:
		doc := jsonDoc(p, up)
		for _, it := range items {
			doc.Items = append(doc.Items, jsonItem(ns, it, oldTextOf(it)))
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err = enc.Encode(doc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func streamed(t testing.TB, f Format, p *Podcast) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, f, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const atomNS = "http://www.w3.org/2005/Atom"

var formats = map[Format]string{RSS: "rss", Atom: "atom", JSON: "json"}

// readAlike reports how got and want differ for a reader: JSON byte for
// byte; XML as encoding/xml reads it, element by element, with each
// element's attributes in order and its text (an element with children
// has none but whitespace, which is dropped), and with two forms taken
// for one: a psc:chapter start with and without ".000" (Normal Play
// Time), a podcast:person with and without group="cast" or
// role="host" (the namespace's defaults), and an Atom summary of type
// html as one of type text. The empty string means alike.
func readAlike(t testing.TB, f Format, got, want []byte) string {
	t.Helper()
	if f == JSON {
		if bytes.Equal(got, want) {
			return ""
		}
		return fmt.Sprintf("got  %s\nwant %s", got, want)
	}
	g, w := readXML(t, got), readXML(t, want)
	for i := range max(len(g), len(w)) {
		switch {
		case i >= len(g):
			return fmt.Sprintf("element %d: got nothing, want %s", i, w[i])
		case i >= len(w):
			return fmt.Sprintf("element %d: got %s, want nothing", i, g[i])
		case g[i] != w[i]:
			return fmt.Sprintf("element %d:\n got %s\nwant %s", i, g[i], w[i])
		}
	}
	return ""
}

// readXML lists the elements of doc, one line each: depth, name,
// attributes and text, normalised as readAlike says.
func readXML(t testing.TB, doc []byte) []string {
	t.Helper()
	type open struct {
		at       int // its line in out
		text     strings.Builder
		children bool
	}
	var (
		out   []string
		stack []*open
	)
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("encoding/xml cannot read the feed: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
			}
			name := tok.Name.Space + " " + tok.Name.Local
			line := fmt.Sprintf("%d %s", len(stack), name)
			for _, a := range tok.Attr {
				v := a.Value
				switch {
				case name == chapters.PSCNamespace+" chapter" && a.Name.Local == "start":
					v = canonicalNPT(t, v)
				case name == nsPodcast+" person" && (a.Name.Local == "group" && v == "cast" || a.Name.Local == "role" && v == "host"):
					continue
				case name == atomNS+" summary" && a.Name.Local == "type" && v == "html":
					// gorilla/feeds says html of the summary, which is
					// plain text: castfeed says text (TestAtomSummaryIsText).
					v = "text"
				}
				line += fmt.Sprintf(" %s:%s=%q", a.Name.Space, a.Name.Local, v)
			}
			stack = append(stack, &open{at: len(out)})
			out = append(out, line)
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if text := e.text.String(); !e.children || strings.TrimSpace(text) != "" {
				out[e.at] += fmt.Sprintf(" text=%q", text)
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			}
		}
	}
	return out
}

// canonicalNPT writes a Normal Play Time of the form castfeed writes,
// HH:MM:SS with or without .mmm, with the milliseconds.
func canonicalNPT(t testing.TB, s string) string {
	t.Helper()
	hms, ms, frac := strings.Cut(s, ".")
	parts := strings.Split(hms, ":")
	if len(parts) != 3 || frac && len(ms) != 3 {
		t.Fatalf("psc:chapter start %q is not HH:MM:SS[.mmm]", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || i > 0 && n > 59 {
			t.Fatalf("psc:chapter start %q: %q", s, parts[i])
		}
		d += time.Duration(n) * unit
	}
	if frac {
		n, err := strconv.Atoi(ms)
		if err != nil || n < 0 {
			t.Fatalf("psc:chapter start %q: %q", s, ms)
		}
		d += time.Duration(n) * time.Millisecond
	}
	return timecode.Format(d, ".")
}

// TestEncoderMatchesOneShot: the pieces join into the document the
// oracle writes whole, for a reader.
func TestEncoderMatchesOneShot(t *testing.T) {
	shows := map[string]*Podcast{"full": fullShow(), "one item": fullShow()}
	shows["one item"].Items = shows["one item"].Items[:1]
	for name, p := range shows {
		for f, fname := range formats {
			if diff := readAlike(t, f, streamed(t, f, p), oneShot(t, f, p)); diff != "" {
				t.Errorf("%s %s: the pieces read otherwise than the whole document: %s", name, fname, diff)
			}
		}
	}
}

// TestReadAlikeBites: the comparison sees a changed text, attribute or
// element, and takes only the two equivalent forms for one.
func TestReadAlikeBites(t *testing.T) {
	base := `<rss xmlns:psc="http://podlove.org/simple-chapters" xmlns:podcast="https://podcastindex.org/namespace/1.0"><item>
  <title>A &amp; B</title>
  <psc:chapter start="00:01:02.000" title="x"></psc:chapter>
  <podcast:person role="host" group="cast">S</podcast:person>
</item></rss>`
	for _, tc := range []struct {
		name, doc string
		alike     bool
	}{
		{"self-closing, no indentation, no .000, no group nor role", `<rss xmlns:psc="http://podlove.org/simple-chapters" xmlns:podcast="https://podcastindex.org/namespace/1.0"><item>
<title>A &amp; B</title>
<psc:chapter start="00:01:02" title="x"/>
<podcast:person>S</podcast:person>
</item></rss>`, true},
		{"text", strings.Replace(base, "A &amp; B", "A &amp;  B", 1), false},
		{"attribute", strings.Replace(base, `title="x"`, `title="y"`, 1), false},
		{"start", strings.Replace(base, "00:01:02.000", "00:01:02.001", 1), false},
		{"other group", strings.Replace(base, `group="cast"`, `group="writing"`, 1), false},
		{"other role", strings.Replace(base, `role="host"`, `role="guest"`, 1), false},
		{"element", strings.Replace(base, "<title>A &amp; B</title>", "", 1), false},
		{"text in a leaf", strings.Replace(base, "<title>A &amp; B</title>", "<title> </title>", 1), false},
	} {
		diff := readAlike(t, RSS, []byte(tc.doc), []byte(base))
		if (diff == "") != tc.alike {
			t.Errorf("%s: alike %v, want %v (%s)", tc.name, diff == "", tc.alike, diff)
		}
	}
}

// An empty show: RSS and Atom as the whole document; JSON Feed requires
// "items", which gorilla leaves out when there are none.
func TestEncoderEmpty(t *testing.T) {
	p := minimalShow()
	for _, f := range []Format{RSS, Atom} {
		if got, want := streamed(t, f, p), oneShot(t, f, p); !bytes.Equal(got, want) {
			t.Errorf("%s: got %s, want %s", formats[f], got, want)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(streamed(t, JSON, p), &doc); err != nil {
		t.Fatal(err)
	}
	if items, ok := doc["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("JSON items = %#v, want []", doc["items"])
	}
}

// FuzzEncoderMatchesOneShot: whatever the text, the pieces join into the
// whole document, for a reader.
func FuzzEncoderMatchesOneShot(f *testing.F) {
	f.Add("Title & <b>", "summary\x01", "<p>notes ]]></p>", "guid:1", "Chapter \"one\"", int64(3600), "https://example.org/a?b=1&c=\"2\"", int64(1234))
	f.Add("", "", "", "", "", int64(0), "", int64(0))
	f.Add("\r\n\t'", "line\nline\r\n", "]]]>\n\xff", "\xed\xa0\x80", "\uFFFE\uFFFD", int64(-1), "\x00\n", int64(-1<<32))
	f.Fuzz(func(t *testing.T, title, summary, html, guid, chapter string, ms int64, url string, length int64) {
		p := fullShow()
		p.Title = title
		for i := range p.Items {
			it := &p.Items[i]
			it.Title += title
			it.Summary = summary
			it.ContentHTML = html
			it.GUID += guid
			it.Link += url
			it.Enclosure.URL += url
			it.Enclosure.Length = length
			it.Image = url
			it.Duration = time.Duration(ms) * time.Millisecond
			it.Chapters = append(it.Chapters, chapters.Chapter{Start: time.Duration(ms) * time.Millisecond, Title: chapter, URL: url})
			it.Keywords = append(it.Keywords, chapter)
			it.Persons = append(it.Persons, Person{Name: chapter, Role: title, Href: url, Img: url})
			it.Transcripts = append(it.Transcripts, Transcript{URL: url, Type: title, Language: chapter, Rel: guid})
		}
		for fm, name := range formats {
			if diff := readAlike(t, fm, streamed(t, fm, p), oneShot(t, fm, p)); diff != "" {
				t.Fatalf("%s: the pieces read otherwise than the whole document: %s", name, diff)
			}
		}
	})
}
